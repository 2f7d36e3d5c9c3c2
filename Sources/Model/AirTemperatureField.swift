import Grid

/// The air-temperature and vapour-pressure anomalies to the reference station, per cell, for one regime.
public struct AnomalyField: Sendable {
    /// ΔTa, °C.
    public var temperature: Plane
    /// Δe, hPa.
    public var vapourPressure: Plane
}

public enum AirTemperatureField {
    /// Computes ΔTa and Δe over a window of layers (which must include the halo the neighbourhoods need; the caller
    /// keeps the core). `parkInfluence` is exp(−d/L) on the same cells (0 where there is no park within reach).
    public static func compute(_ layers: SurfaceLayers, parkInfluence: Plane, coefficients k: AirTemperatureCoefficients,
                               cellSize: Double) -> AnomalyField {
        let n = layers.treeCanopy.count
        var builtSealed = [Float](repeating: 0, count: n)
        var volume = [Float](repeating: 0, count: n)
        var canopy = [Float](repeating: 0, count: n), shrub = canopy, grass = canopy
        let h0 = Float(k.referenceHeightMetres)
        for i in 0..<n {
            let fb = layers.buildingFraction.values[i]
            builtSealed[i] = min(1, layers.impervious.values[i] + fb)
            volume[i] = fb * layers.buildingHeight.values[i] / h0
            canopy[i] = layers.treeCanopy.values[i] * (1 - layers.canopyStress.values[i])
            shrub[i] = layers.shrub.values[i] * (1 - layers.shrubStress.values[i])
            grass[i] = layers.grass.values[i] * (1 - layers.grassStress.values[i])
        }
        let w = layers.width, h = layers.height
        let r1 = k.builtRadiusMetres / cellSize, r2 = k.vegetationRadiusMetres / cellSize, r3 = k.waterRadiusMetres / cellSize
        let kSealed = FocalMean.gaussian(Plane(width: w, height: h, values: builtSealed), radiusCells: r1)
        let kVolume = FocalMean.gaussian(Plane(width: w, height: h, values: volume), radiusCells: r1)
        let kCanopy = FocalMean.gaussian(Plane(width: w, height: h, values: canopy), radiusCells: r2)
        let kShrub = FocalMean.gaussian(Plane(width: w, height: h, values: shrub), radiusCells: r2)
        let kGrass = FocalMean.gaussian(Plane(width: w, height: h, values: grass), radiusCells: r2)
        let kWater = FocalMean.gaussian(layers.water, radiusCells: r3)
        var dT = Plane(width: w, height: h), dE = Plane(width: w, height: h)
        for i in 0..<n {
            let t = k.intercept + k.sealed * Double(kSealed.values[i]) + k.buildingVolume * Double(kVolume.values[i])
                - k.canopy * Double(kCanopy.values[i]) - k.shrub * Double(kShrub.values[i]) - k.grass * Double(kGrass.values[i])
                - k.water * Double(kWater.values[i]) - k.parkIntensity * Double(parkInfluence.values[i])
            dT.values[i] = Float(t)
            dE.values[i] = Float(k.vapourGain * Double(kCanopy.values[i] + kShrub.values[i] + kGrass.values[i]))
        }
        return AnomalyField(temperature: dT, vapourPressure: dE)
    }
}
