import Grid

/// The surface description of (a window of) the analysis grid, one plane per input role, all the same size.
/// Fractions are 0–1, heights in metres, stress 0 (none) … 1 (severe).
public struct SurfaceLayers: Sendable {
    public var treeCanopy: Plane
    public var shrub: Plane
    public var grass: Plane
    public var canopyStress: Plane
    public var shrubStress: Plane
    public var grassStress: Plane
    public var impervious: Plane
    public var albedo: Plane
    public var water: Plane
    public var buildingFraction: Plane
    public var buildingHeight: Plane
    public var canopyHeight: Plane

    public init(width: Int, height: Int) {
        let zero = Plane(width: width, height: height)
        treeCanopy = zero; shrub = zero; grass = zero
        canopyStress = zero; shrubStress = zero; grassStress = zero
        impervious = zero; albedo = zero; water = zero
        buildingFraction = zero; buildingHeight = zero; canopyHeight = zero
    }

    public var width: Int { treeCanopy.width }
    public var height: Int { treeCanopy.height }

    /// Role names as in the manifest, with their planes, for generic handling (I/O, inspection).
    nonisolated(unsafe) public static let roles: [(name: String, keyPath: WritableKeyPath<SurfaceLayers, Plane>)] = [
        ("tree_canopy", \.treeCanopy), ("shrub", \.shrub), ("grass", \.grass),
        ("hydric_stress_canopy", \.canopyStress), ("hydric_stress_shrub", \.shrubStress), ("hydric_stress_grass", \.grassStress),
        ("impervious", \.impervious), ("albedo", \.albedo), ("water", \.water),
        ("building_fraction", \.buildingFraction), ("building_height", \.buildingHeight), ("canopy_height", \.canopyHeight),
    ]

    public func cropped(to w: Window) -> SurfaceLayers {
        var out = self
        for role in Self.roles { out[keyPath: role.keyPath] = self[keyPath: role.keyPath].cropped(to: w) }
        return out
    }
}
