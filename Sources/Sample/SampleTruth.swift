import Model

/// The "true" model coefficients the sample's sensors were generated with. They differ from the engine's
/// defaults on purpose, so that a calibration that recovers them has learnt from the data.
public enum SampleTruth {
    public static let day = AirTemperatureCoefficients(
        intercept: 0.4, sealed: 1.5, buildingVolume: 0.35, referenceHeightMetres: 10, canopy: 2.4, shrub: 0.9, grass: 0.6,
        water: 0.8, parkIntensity: 1.0, builtRadiusMetres: 100, vegetationRadiusMetres: 100, waterRadiusMetres: 200, vapourGain: 0.9)
    public static let night = AirTemperatureCoefficients(
        intercept: 0.2, sealed: 2.3, buildingVolume: 0.55, referenceHeightMetres: 10, canopy: 0.9, shrub: 0.3, grass: 0.7,
        water: 0.2, parkIntensity: 1.4, builtRadiusMetres: 100, vegetationRadiusMetres: 250, waterRadiusMetres: 200, vapourGain: 0.4)
}
