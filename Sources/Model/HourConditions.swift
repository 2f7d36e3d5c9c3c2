/// The reference station's weather at one local hour, and the sun then.
public struct HourConditions: Sendable, Codable, Equatable {
    /// Local hour 0–23 (city time) the conditions stand for.
    public var localHour: Int
    public var airTemperature: Double
    /// Vapour pressure, hPa.
    public var vapourPressure: Double
    /// Wind at 10 m, m/s.
    public var wind: Double
    /// Global radiation, W/m².
    public var radiation: Double
    public var sunElevationDegrees: Double
    public var sunAzimuthDegrees: Double
    /// The day's highest sun elevation (for reflected short-wave), degrees.
    public var dayMaxElevationDegrees: Double

    public init(localHour: Int, airTemperature: Double, vapourPressure: Double, wind: Double, radiation: Double,
                sunElevationDegrees: Double, sunAzimuthDegrees: Double, dayMaxElevationDegrees: Double) {
        self.localHour = localHour; self.airTemperature = airTemperature; self.vapourPressure = vapourPressure
        self.wind = wind; self.radiation = radiation
        self.sunElevationDegrees = sunElevationDegrees; self.sunAzimuthDegrees = sunAzimuthDegrees
        self.dayMaxElevationDegrees = dayMaxElevationDegrees
    }
}

/// The terms an ICTU value is made of, in °C; they sum exactly to the value.
public enum ComfortTerm: String, CaseIterable, Codable, Sendable {
    /// UTCI of the reference station's air on its open, sunlit grass under the measured sky.
    case reference
    /// β0: the city's offset against the station.
    case cityOffset = "city_offset"
    /// Built volume (air), and walls where the sky would be: their warmth and reflected light by day, the cold night
    /// sky they hide.
    case buildings
    /// Sealed and built ground: warmer air (β_imp), and sealed ground hot in the sun (its long-wave).
    case sealedGround = "sealed_ground"
    /// Trees: cooler air, more vapour, and their own shade (healthy crowns).
    case treeCanopy = "tree_canopy"
    case shrub
    case grass
    /// Cooling lost to hydric stress (air, vapour and shade), all strata.
    case hydricStress = "hydric_stress"
    /// The sun's beam blocked by buildings and other crowns (on the body and on the ground).
    case shade
    /// The ground's albedo against the reference grass: light reflected to the body, less warming of the ground.
    case albedo
    case water
    case park
    /// What the linear parts do not carry (UTCI's curvature); with a calibrated run, the interpolated residual too.
    case residual

    public var label: String {
        switch self {
        case .reference: "reference station, open ground"
        case .cityOffset: "city offset"
        case .buildings: "buildings"
        case .sealedGround: "sealed ground"
        case .treeCanopy: "tree canopy"
        case .shrub: "shrubs"
        case .grass: "grass"
        case .hydricStress: "hydric stress"
        case .shade: "shade: beam blocked"
        case .albedo: "albedo"
        case .water: "water"
        case .park: "park"
        case .residual: "residual"
        }
    }
}
