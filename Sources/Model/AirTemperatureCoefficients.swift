/// Coefficients of the air-temperature and humidity anomaly model (docs/model.md eq. 3–4) for one regime (day or night).
/// ΔTa = β0 + β_imp·K_r1*(f_imp+f_b) + β_H·K_r1*(f_b·H/H0) − β_c·K_r2*e_c − β_s·K_r2*e_s − β_g·K_r2*e_g − β_w·K_r3*f_w − ΔT_park
/// Δe  = γ·K_r2*(e_c + e_s + e_g), with e_x = f_x·(1 − s_x) the transpiring fraction of stratum x.
public struct AirTemperatureCoefficients: Codable, Sendable, Equatable {
    /// β0, °C: offset of the city against the reference station.
    public var intercept: Double
    /// β_imp, °C per unit of sealed + built fraction (neighbourhood r1).
    public var sealed: Double
    /// β_H, °C per unit of built volume index f_b·H/H0 (neighbourhood r1).
    public var buildingVolume: Double
    /// H0, m: height that normalises the built volume index.
    public var referenceHeightMetres: Double
    /// β_c, β_s, β_g, °C per unit of transpiring tree / shrub / grass fraction (neighbourhood r2).
    public var canopy: Double
    public var shrub: Double
    public var grass: Double
    /// β_w, °C per unit of water fraction (neighbourhood r3).
    public var water: Double
    /// PCI, °C: park cooling intensity at a park's edge, decaying as exp(−d/L).
    public var parkIntensity: Double
    /// r1, r2, r3, m: neighbourhood radii (Gaussian σ = r/2, truncated at 2r).
    public var builtRadiusMetres: Double
    public var vegetationRadiusMetres: Double
    public var waterRadiusMetres: Double
    /// γ, hPa per unit of transpiring fraction: vapour pressure added by vegetation.
    public var vapourGain: Double

    public init(intercept: Double, sealed: Double, buildingVolume: Double, referenceHeightMetres: Double, canopy: Double, shrub: Double,
                grass: Double, water: Double, parkIntensity: Double, builtRadiusMetres: Double, vegetationRadiusMetres: Double,
                waterRadiusMetres: Double, vapourGain: Double) {
        self.intercept = intercept; self.sealed = sealed; self.buildingVolume = buildingVolume
        self.referenceHeightMetres = referenceHeightMetres
        self.canopy = canopy; self.shrub = shrub; self.grass = grass; self.water = water
        self.parkIntensity = parkIntensity
        self.builtRadiusMetres = builtRadiusMetres; self.vegetationRadiusMetres = vegetationRadiusMetres
        self.waterRadiusMetres = waterRadiusMetres; self.vapourGain = vapourGain
    }

    /// docs/model.md defaults by day (β_imp 1.2, β_c 2.0, β_g 0.5, γ 0.8; r1 = r2 = 100 m, r3 = 200 m, PCI 1 °C).
    public static let defaultDay = AirTemperatureCoefficients(
        intercept: 0, sealed: 1.2, buildingVolume: 0.3, referenceHeightMetres: 10, canopy: 2.0, shrub: 1.0, grass: 0.5,
        water: 1.0, parkIntensity: 1.0, builtRadiusMetres: 100, vegetationRadiusMetres: 100, waterRadiusMetres: 200, vapourGain: 0.8)

    /// At night trees cool less and the heat stored by buildings shows more; vegetation acts over r2 = 250 m.
    public static let defaultNight = AirTemperatureCoefficients(
        intercept: 0, sealed: 2.0, buildingVolume: 0.6, referenceHeightMetres: 10, canopy: 0.8, shrub: 0.4, grass: 0.6,
        water: 0.3, parkIntensity: 1.5, builtRadiusMetres: 100, vegetationRadiusMetres: 250, waterRadiusMetres: 200, vapourGain: 0.4)

    /// The widest neighbourhood reach (2r), m: the halo a block needs.
    public var reachMetres: Double { 2 * max(builtRadiusMetres, vegetationRadiusMetres, waterRadiusMetres) }
}
