import Foundation

/// The radiation a standing person receives in one hour, as the fluxes the engine combines per cell
/// (docs/model.md eq. 5). Everything is in W/m² absorbed by the body, counted from a body surrounded by black
/// surfaces at the air's temperature (which would make Tmrt = Ta), so a flux of 0 means "no effect".
///
/// The measured sky: the reference station's global radiation G is split into the beam (direct normal I) and the
/// diffuse D by Reindl et al. (1990), as SOLWEIG does; its ratio to a clear sky (Haurwitz 1945) is the clear-sky
/// index, which clouds the sky's long-wave (Crawford & Duchon 1999) over the clear-sky emissivity of Prata (1996).
public struct HourRadiation: Sendable {
    /// Direct normal irradiance, W/m²; the circumsolar part of the diffuse on a horizontal surface, which comes from
    /// around the sun and is blocked by the same shadows (Perez et al. 1990's F1 share), W/m²; the horizon band's
    /// brightening (F2: positive under a clear sky, negative under haze) on a vertical surface, W/m²; the isotropic
    /// rest of the diffuse, W/m².
    public var beamNormal: Double
    public var circumsolar: Double
    public var horizon: Double
    public var diffuse: Double
    public var clearSkyIndex: Double
    public var skyEmissivity: Double
    /// What the sun gives a sunlit spot of the reference site and its shadow takes away: the beam on the body,
    /// a_k·I·(F_cyl·cos β + F_top·sin β), the beam the reference ground reflects, and the ground's warming in the sun.
    public var beam: Double
    /// Its two parts: on the body, and through the reference ground (reflected, and the ground's warming).
    public var bodyBeam: Double
    public var groundBeamGain: Double
    /// Beam and circumsolar light on a horizontal surface in full sun, I·sin β + C.
    public var groundBeam: Double
    /// What an open sky gives over a black hemisphere at the air's temperature: its diffuse light (on the body
    /// and reflected by the reference ground) and its long-wave deficit (negative: the sky is colder).
    public var sky: Double
    /// What the walls' share of the view gives over the same black hemisphere: their reflected light and the
    /// long-wave of their warming in the sun.
    public var walls: Double
    /// Per kelvin of ground above the air, the long-wave the body receives from the lower hemisphere.
    public var groundLongwavePerKelvin: Double
    /// The body's short-wave gain per W/m² of light a ground of albedo 1 reflects (a_k × the lower hemisphere).
    public var shortwaveHemisphere: Double
    let longwaveAbsorption: Double

    /// Sunlit ground warms by its absorbed short-wave (beam and diffuse) ÷ an exchange coefficient; shaded ground is at
    /// the air's temperature, as in SOLWEIG (whose sunlit-ground temperatures were measured under the whole sky).
    /// Walls warm the same way, at night neither does.
    public init(hour: HourConditions, clearSkyIndex: Double, coefficients r: RadiativeCoefficients) {
        let sinBeta = sin(max(hour.sunElevationDegrees, 0) * .pi / 180), cosBeta = cos(max(hour.sunElevationDegrees, 0) * .pi / 180)
        let split = Self.split(global: hour.radiation, sunElevationDegrees: hour.sunElevationDegrees)
        let perez = Self.perezBrightening(beamNormal: split.beamNormal, diffuse: split.diffuse, sunElevationDegrees: hour.sunElevationDegrees)
        beamNormal = split.beamNormal
        circumsolar = sinBeta > 0.05 ? split.diffuse * perez.circumsolar : 0 // a sun at the horizon: no circumsolar disc
        horizon = split.diffuse * perez.horizon
        diffuse = split.diffuse - circumsolar
        self.clearSkyIndex = clearSkyIndex
        let airKelvin = hour.airTemperature + 273.15
        let clear = Self.clearSkyEmissivity(airKelvin: airKelvin, vapourPressureHPa: hour.vapourPressure)
        let cloud = 1 - clearSkyIndex
        skyEmissivity = cloud + (1 - cloud) * clear
        let sigmaT4 = Self.stefanBoltzmann * pow(airKelvin, 4), perKelvin = 4 * Self.stefanBoltzmann * pow(airKelvin, 3)
        let hemisphere = r.topViewFactor + 2 * r.sideViewFactor // each hemisphere's share of the body's view
        shortwaveHemisphere = r.shortwaveAbsorption * hemisphere
        longwaveAbsorption = r.longwaveAbsorption
        groundLongwavePerKelvin = r.longwaveAbsorption * hemisphere * r.groundEmissivity * perKelvin
        let referenceReflection = shortwaveHemisphere * r.referenceAlbedo
        let referenceWarming = groundLongwavePerKelvin * (1 - r.referenceAlbedo) / r.vegetatedExchange
        groundBeam = beamNormal * sinBeta + circumsolar
        // The circumsolar light comes from the sun's direction: on the body as the beam, where the beam does.
        let fromSun = beamNormal + (sinBeta > 0.05 ? circumsolar / sinBeta : 0)
        bodyBeam = r.shortwaveAbsorption * fromSun * (r.beamProjection * cosBeta + r.topViewFactor * sinBeta)
        groundBeamGain = referenceReflection * groundBeam + referenceWarming * (groundBeam + diffuse)
        beam = bodyBeam + groundBeamGain
        // The isotropic sky on half the body's view, the horizon band on its four sides.
        sky = (shortwaveHemisphere + referenceReflection) * diffuse + r.shortwaveAbsorption * 4 * r.sideViewFactor * horizon
            + r.longwaveAbsorption * hemisphere * (skyEmissivity - 1) * sigmaT4
        // The walls around, on average: half face the sun (at a mean incidence cos = 2/π) and warm, the other half are
        // in their own shade at the air's temperature; all see half the sky.
        let onSunlitWalls = beamNormal * cosBeta * 2 / .pi + (diffuse + circumsolar) / 2
        let wallWarming = 0.5 * (1 - r.wallAlbedo) * onSunlitWalls / r.wallExchange
        walls = shortwaveHemisphere * r.wallAlbedo * (0.5 * onSunlitWalls + diffuse / 4)
            + r.longwaveAbsorption * hemisphere * r.wallEmissivity * perKelvin * wallWarming
    }

    /// What the sun gives a sunlit spot whose ground has this albedo and heating (K per W/m² absorbed): the beam on
    /// the body, the light its ground reflects and its ground's warming — what a shadow there takes, W/m².
    public func sunGain(albedo: Double, heating: Double) -> Double {
        bodyBeam + shortwaveHemisphere * albedo * groundBeam + groundLongwavePerKelvin * (1 - albedo) * heating * sunOnGround
    }

    /// Short-wave reaching sunlit ground, W/m² (what warms it).
    public var sunOnGround: Double { groundBeam + diffuse }

    /// Tmrt − Ta, K, of a body absorbing `flux` W/m² over the black surroundings at `airTemperature` °C (exact:
    /// Tmrt⁴ = Ta⁴ + flux / (a_p·σ)), and the secant ratio (Tmrt − Ta) / flux that turns each part of the flux into
    /// its share of Tmrt − Ta so the shares sum exactly.
    @inline(__always)
    public func radiantDifference(flux: Double, airTemperature: Double) -> (difference: Double, perFlux: Double) {
        let t = airTemperature + 273.15, t2 = t * t
        let fourth = max(t2 * t2 + flux / (longwaveAbsorption * Self.stefanBoltzmann), 0)
        let tmrt = fourth.squareRoot().squareRoot()
        let perFlux = 1 / (longwaveAbsorption * Self.stefanBoltzmann * (tmrt + t) * (tmrt * tmrt + t2))
        return (tmrt - t, perFlux)
    }

    /// The reference station's site (open, in full sun, on its grass) gets the beam and the open sky.
    public var referenceFlux: Double { beam + sky }

    public static let stefanBoltzmann = 5.670374e-8
    /// The solar constant at the Earth–Sun distance of the summer months the hot days fall in (factor 0.97).
    static let summerExtraterrestrial = 1361 * 0.97

    /// Reindl, Beckman & Duffie (1990), the correlation with the sun's elevation: the diffuse fraction from the
    /// clearness index kt = G / (I0·sin β). Below 2° of sun everything is diffuse.
    public static func split(global: Double, sunElevationDegrees: Double) -> (beamNormal: Double, diffuse: Double) {
        guard global > 0, sunElevationDegrees > 0 else { return (0, max(global, 0)) }
        let sinBeta = sin(sunElevationDegrees * .pi / 180)
        guard sunElevationDegrees >= 2 else { return (0, global) }
        let kt = min(global / (summerExtraterrestrial * sinBeta), 1)
        let kd: Double
        if kt <= 0.3 { kd = min(1, 1.02 - 0.254 * kt + 0.0123 * sinBeta) }
        else if kt < 0.78 { kd = min(0.97, max(0.1, 1.4 - 1.749 * kt + 0.177 * sinBeta)) }
        else { kd = max(0.1, 0.486 * kt - 0.182 * sinBeta) }
        let diffuse = kd * global
        return ((global - diffuse) / sinBeta, diffuse)
    }

    /// Perez et al. (1990): the circumsolar brightening F1 (the share of the diffuse that comes from the sun's
    /// neighbourhood) and the horizon brightening F2 (of a vertical surface, as a share of the diffuse), from the sky's
    /// clearness ε and brightness Δ (their table of coefficients by ε bin).
    public static func perezBrightening(beamNormal: Double, diffuse: Double, sunElevationDegrees: Double) -> (circumsolar: Double, horizon: Double) {
        guard diffuse > 0, sunElevationDegrees > 0 else { return (0, 0) }
        let zenith = (90 - sunElevationDegrees) * .pi / 180, z3 = 1.041 * zenith * zenith * zenith
        let clearness = ((diffuse + beamNormal) / diffuse + z3) / (1 + z3)
        let airMass = 1 / (cos(zenith) + 0.50572 * pow(96.07995 - (90 - sunElevationDegrees), -1.6364)) // Kasten & Young 1989
        let brightness = diffuse * airMass / 1367
        let bins: [(upper: Double, f11: Double, f12: Double, f13: Double, f21: Double, f22: Double, f23: Double)] = [
            (1.065, -0.008, 0.588, -0.062, -0.060, 0.072, -0.022), (1.23, 0.130, 0.683, -0.151, -0.019, 0.066, -0.029),
            (1.5, 0.330, 0.487, -0.221, 0.055, -0.064, -0.026), (1.95, 0.568, 0.187, -0.295, 0.109, -0.152, -0.014),
            (2.8, 0.873, -0.392, -0.362, 0.226, -0.462, 0.001), (4.5, 1.132, -1.237, -0.412, 0.288, -0.823, 0.056),
            (6.2, 1.060, -1.600, -0.359, 0.264, -1.127, 0.131), (.infinity, 0.678, -0.327, -0.250, 0.156, -1.377, 0.251),
        ]
        let c = bins.first { clearness < $0.upper }!
        return (min(1, max(0, c.f11 + c.f12 * brightness + c.f13 * zenith)), c.f21 + c.f22 * brightness + c.f23 * zenith)
    }

    /// Haurwitz (1945): global radiation under a clear sky, W/m².
    public static func clearSkyGlobal(sunElevationDegrees: Double) -> Double {
        guard sunElevationDegrees > 0 else { return 0 }
        let sinBeta = sin(sunElevationDegrees * .pi / 180)
        return 1098 * sinBeta * exp(-0.057 / sinBeta)
    }

    /// Prata (1996): clear-sky emissivity from the precipitable water w = 46.5·e/T (cm).
    public static func clearSkyEmissivity(airKelvin: Double, vapourPressureHPa: Double) -> Double {
        let w = 46.5 * max(vapourPressureHPa, 0) / airKelvin
        return 1 - (1 + w) * exp(-(1.2 + 3 * w).squareRoot())
    }

    /// Each hour's radiation over a window of hours. The clear-sky index is measured where the sun is high enough
    /// (≥ 10°) for the ratio to mean something; the other hours take the mean of those, and a window without any
    /// (the night) is taken as clear — the sky that cools the most, as hot nights mostly are.
    public static func hours(_ hours: [HourConditions], coefficients r: RadiativeCoefficients) -> [HourRadiation] {
        let measured = hours.map { hour -> Double? in
            guard hour.sunElevationDegrees >= 10, hour.radiation.isFinite else { return nil }
            return min(1, max(0, hour.radiation / clearSkyGlobal(sunElevationDegrees: hour.sunElevationDegrees)))
        }
        let known = measured.compactMap { $0 }
        let fallback = known.isEmpty ? 1 : known.reduce(0, +) / Double(known.count)
        return zip(hours, measured).map { hour, index in
            var hour = hour
            // An hour whose radiation no hot day recorded: the clear sky dimmed as the window's other hours are.
            if !hour.radiation.isFinite { hour.radiation = clearSkyGlobal(sunElevationDegrees: hour.sunElevationDegrees) * fallback }
            return HourRadiation(hour: hour, clearSkyIndex: index ?? fallback, coefficients: r)
        }
    }
}
