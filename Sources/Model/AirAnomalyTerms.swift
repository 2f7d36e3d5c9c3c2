/// A cell's air-temperature (°C) and vapour-pressure (hPa) anomaly to the reference station, term by term
/// (docs/model.md eq. 3–4), from its neighbourhood means and its park influence exp(−d/L). The kriged residual is
/// added by the caller. The engine maps with it, and a scenario shifts the cells whose only change is their air.
public struct AirAnomalyTerms: Sendable {
    public var offset, sealed, buildings, canopy, shrub, grass, stress, water, park: Double
    public var vapourCanopy, vapourShrub, vapourGrass, vapourStress: Double

    /// The means in `NeighbourhoodMeans` order; the built volume in metres (f_b·H), divided here by H0.
    @inline(__always)
    public init(_ k: AirTemperatureCoefficients, sealed: Float, volumeMetres: Float, canopy: Float, canopyStressed: Float, shrub: Float,
                shrubStressed: Float, grass: Float, grassStressed: Float, water: Float, parkInfluence: Float) {
        offset = k.intercept
        self.sealed = k.sealed * Double(sealed)
        buildings = k.buildingVolume * Double(volumeMetres / Float(k.referenceHeightMetres))
        self.canopy = -k.canopy * Double(canopy); self.shrub = -k.shrub * Double(shrub); self.grass = -k.grass * Double(grass)
        stress = k.canopy * Double(canopyStressed) + k.shrub * Double(shrubStressed) + k.grass * Double(grassStressed)
        self.water = -k.water * Double(water)
        park = -k.parkIntensity * Double(parkInfluence)
        vapourCanopy = k.vapourGain * Double(canopy); vapourShrub = k.vapourGain * Double(shrub); vapourGrass = k.vapourGain * Double(grass)
        vapourStress = -k.vapourGain * Double(canopyStressed + shrubStressed + grassStressed)
    }

    /// ΔTa without the residual, °C.
    public var temperature: Double { offset + sealed + buildings + canopy + shrub + grass + stress + water + park }
    /// Δe, hPa.
    public var vapour: Double { vapourCanopy + vapourShrub + vapourGrass + vapourStress }
}
