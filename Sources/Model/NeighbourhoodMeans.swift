import Grid

/// The neighbourhood means the air-temperature model reads at each cell (docs/model.md eq. 3–4), for a window of
/// cells, given from outside: the engine computes the wide ones (radius ≥ 100 m) once per run on a coarse grid
/// and samples them, instead of filtering every block with a halo as wide as 2 × the radius. Nil: computed in the
/// window from the fine layers, as before (narrow radii; the sample generator's truth).
public struct NeighbourhoodMeans: Sendable {
    /// Sealed fraction min(1, impervious + building), over the built radius.
    public var sealed: Plane?
    /// Building fraction × height (m), over the built radius (divided by the reference height where used).
    public var buildingVolumeMetres: Plane?
    public var canopy: Plane?, canopyStressed: Plane?
    public var shrub: Plane?, shrubStressed: Plane?
    public var grass: Plane?, grassStressed: Plane?
    /// Water fraction, over the water radius.
    public var water: Plane?

    public init() {}

    /// The inputs in a fixed order: sealed, volume, canopy, canopy × stress, shrub, shrub × stress, grass, grass × stress, water.
    public static let inputCount = 9

    /// Cell i of `layers`'s value of input `k` (the order above).
    @inline(__always)
    public static func input(_ k: Int, _ L: SurfaceLayers, _ i: Int) -> Float {
        switch k {
        case 0: return min(1, L.impervious.values[i] + L.buildingFraction.values[i])
        case 1: return L.buildingFraction.values[i] * L.buildingHeight.values[i]
        case 2: return L.treeCanopy.values[i]
        case 3: return L.treeCanopy.values[i] * L.canopyStress.values[i]
        case 4: return L.shrub.values[i]
        case 5: return L.shrub.values[i] * L.shrubStress.values[i]
        case 6: return L.grass.values[i]
        case 7: return L.grass.values[i] * L.grassStress.values[i]
        default: return L.water.values[i]
        }
    }

    /// The radius (m) input `k` is averaged over.
    public static func radiusMetres(_ k: Int, _ c: AirTemperatureCoefficients) -> Double {
        switch k {
        case 0, 1: return c.builtRadiusMetres
        case 8: return c.waterRadiusMetres
        default: return c.vegetationRadiusMetres
        }
    }

    public subscript(k: Int) -> Plane? {
        get { [sealed, buildingVolumeMetres, canopy, canopyStressed, shrub, shrubStressed, grass, grassStressed, water][k] }
        set {
            switch k {
            case 0: sealed = newValue
            case 1: buildingVolumeMetres = newValue
            case 2: canopy = newValue
            case 3: canopyStressed = newValue
            case 4: shrub = newValue
            case 5: shrubStressed = newValue
            case 6: grass = newValue
            case 7: grassStressed = newValue
            default: water = newValue
            }
        }
    }
}
