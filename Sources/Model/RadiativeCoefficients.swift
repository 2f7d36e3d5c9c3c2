/// Radiative and wind parameters of the felt-temperature model (docs/model.md eq. 5). Not calibrated from shielded
/// sensors (they do not see radiation): literature values (SOLWEIG's where it has one), documented, overridable.
public struct RadiativeCoefficients: Codable, Sendable, Equatable {
    /// Share of short- and long-wave radiation a clothed body absorbs (ISO 7726; SOLWEIG's absK, absL).
    public var shortwaveAbsorption = 0.7
    public var longwaveAbsorption = 0.97
    /// A standing person's view factors: each of the four sides, and the top and the bottom (sum 1); the beam's
    /// projected area per unit of direct normal irradiance at a horizontal sun (a cylinder; SOLWEIG's Fside, Fup, Fcyl).
    public var sideViewFactor = 0.22
    public var topViewFactor = 0.06
    public var beamProjection = 0.28
    /// The reference station's ground: short grass (WMO siting), albedo 0.2 (Oke 1987: 0.16–0.26).
    public var referenceAlbedo = 0.2
    public var groundEmissivity = 0.95
    public var wallAlbedo = 0.2
    public var wallEmissivity = 0.9
    /// How much a surface in the sun warms above the air: absorbed short-wave ÷ this exchange coefficient, W/m²·K.
    /// Sealed ground 28, vegetated or bare ground 77, sunlit walls 13: fitted to SOLWEIG's clear-sky surface
    /// temperatures at a 65° sun (asphalt +28 K, grass +10 K, sunlit walls +21 K). Water stays at the air's temperature.
    public var sealedExchange = 28.0
    public var vegetatedExchange = 77.0
    public var wallExchange = 13.0
    /// τ: share of direct sun passing through a healthy crown.
    public var canopyTransmissivity = 0.05
    /// Share of a tree's height that is trunk, under its crown (SOLWEIG's default): the sun passes under crowns' edges.
    public var trunkRatio = 0.25
    /// k_sh: share of a crown's shade lost at full hydric stress.
    public var stressShadeLoss = 0.5
    /// How far around a pedestrian the ground they see lies, m: a body's sides see 71 % of their ground within one
    /// body height and 95 % within three, so the ground's sunlit share is its mean within this radius.
    public var groundViewRadiusMetres = 2.0
    /// Height at which shade is cast, m: on the ground, as SOLWEIG and RayMan cast it. The shade a map shows is the
    /// shade on the pavement (where people look for it), the ground's own sun and the body's beam follow it.
    public var shadowHeightMetres = 0.0
    /// Where a pedestrian's sky view is taken: the body's centre, m.
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
