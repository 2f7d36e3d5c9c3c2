/// Radiative and wind parameters of the felt-temperature model (docs/model.md eq. 2, 5, 6). Not calibrated from shielded
/// sensors (they do not see radiation): literature values, documented, overridable.
public struct RadiativeCoefficients: Codable, Sendable, Equatable {
    /// m0, K: long-wave excess of an urban site over the reference by day.
    public var baseLongwaveKelvin = 2.0
    /// m_imp, K per unit of sealed + built fraction within r0: hot surfaces radiate (2–6 K by day).
    public var sealedLongwaveKelvin = 4.0
    /// r0, m: neighbourhood of the long-wave term.
    public var longwaveRadiusMetres = 12.0
    /// Sun-to-shade ΔTmrt at and above `fullSunElevationDegrees` (measured 22–29 K), K.
    public var directSunKelvin = 24.0
    public var fullSunElevationDegrees = 30.0
    /// Reflected short-wave, K per unit of ground albedo at the day's highest sun (bright squares feel hot).
    public var albedoKelvin = 12.0
    /// τ: share of direct sun passing through a healthy crown.
    public var canopyTransmissivity = 0.05
    /// k_sh: share of a crown's shade lost at full hydric stress.
    public var stressShadeLoss = 0.5
    /// c, K: night-time radiative cooling of Tmrt under an open sky (Tmrt ≈ Ta − c·SVF).
    public var nightSkyCoolingKelvin = 5.0
    /// Pedestrian height for shadows and sky view, m.
    public var pedestrianHeightMetres = 1.1
    /// v10 = reference wind × this (street roughness), clipped to UTCI's 0.5–17 m/s.
    public var windReduction = 0.4
    /// Sky view factor: horizon directions and reach, m.
    public var skyViewDirections = 8
    public var skyViewReachMetres = 60.0
    public init() {}
}

/// All the model's coefficients: air temperature and humidity by day and night, radiation and wind, parks.
public struct ModelCoefficients: Codable, Sendable, Equatable {
    public var day: AirTemperatureCoefficients
    public var night: AirTemperatureCoefficients
    public var radiative: RadiativeCoefficients
    public init(day: AirTemperatureCoefficients = .defaultDay, night: AirTemperatureCoefficients = .defaultNight, radiative: RadiativeCoefficients = RadiativeCoefficients()) {
        self.day = day; self.night = night; self.radiative = radiative
    }
}
