import City
import Grid
import Model

/// The wide neighbourhood means of one regime (radius ≥ 100 m: the built, vegetation and water neighbourhoods
/// as calibrated), computed once per run on the park grid (10 m) from its coarse inputs, then sampled bilinearly
/// by every block. Filtering each block instead would need a halo of twice the radius (250 cells a side at 2 m for
/// 250 m), doubling the cells each block reads and filters. The error against the fine filter is second order in
/// the coarse cell over the kernel's σ (≥ 50 m): hundredths of a degree (test: against the fine filter).
public struct CoarseNeighbourhoods: Sendable {
    /// Narrower neighbourhoods are filtered per block, on the fine cells.
    static let minimumRadiusMetres = 100.0

    /// Per input (NeighbourhoodMeans order): its coarse mean over `extent`, nil when left to the blocks.
    let planes: [Plane?]
    let factor: Int
    let surroundings: Surroundings
    /// The coarse cells the planes hold (the whole park grid, or the part around a scenario's edits), and the park
    /// grid's size.
    let extent: Window
    let size: (width: Int, height: Int)

    init(parks: ParkField, coefficients k: AirTemperatureCoefficients, cellSize: Double) {
        let size = parks.coarseSize
        self.init(parks: parks, coefficients: k, cellSize: cellSize, extent: Window(x: 0, y: 0, width: size.width, height: size.height))
    }

    /// The means over `extent` only: each filtered from a window holding the filter's reach around the extent (what
    /// the whole grid's filter reads there).
    init(parks: ParkField, coefficients k: AirTemperatureCoefficients, cellSize: Double, extent: Window) {
        factor = parks.factor
        surroundings = parks.surroundings
        size = parks.coarseSize
        self.extent = extent
        let coarseMetres = cellSize * Double(parks.factor)
        var planes = [Plane?](repeating: nil, count: NeighbourhoodMeans.inputCount)
        for (radius, inputs) in Self.coarseInputsByRadius(k) {
            let read = extent.expanded(by: FocalMean.reach(radiusCells: radius / coarseMetres), within: size.width, size.height)
            let inner = Window(x: extent.x - read.x, y: extent.y - read.y, width: extent.width, height: extent.height)
            let around = parks.inputs(over: read)
            let filtered = FocalMean.gaussian(inputs.map { around[$0] }, radiusCells: radius / coarseMetres)
            for (input, plane) in zip(inputs, filtered) { planes[input] = read == extent ? plane : plane.cropped(to: inner) }
        }
        self.planes = planes
    }

    /// The wide means before and after a scenario's edits, over the coarse cells that sampling the fine cells of
    /// `window` reads (a scenario's recomputed blocks with their halos, and the reach of its air): both filtered the
    /// same way from the same windows, so they differ only where the edits reach. The window, not the city, sets
    /// the cost and the memory.
    public static func around(_ window: Window, before: ParkField, after: ParkField, pass: BlockEngine.Pass,
                              settings: MapSettings) -> (before: CoarseNeighbourhoods, after: CoarseNeighbourhoods) {
        let k = pass.regime == .day ? settings.coefficients.day : settings.coefficients.night
        let extent = Plane.coarseCells(before.surroundings.window(window), factor: before.factor, of: before.coarseSize)
        return (CoarseNeighbourhoods(parks: before, coefficients: k, cellSize: settings.grid.cellSize, extent: extent),
                CoarseNeighbourhoods(parks: after, coefficients: k, cellSize: settings.grid.cellSize, extent: extent))
    }

    /// The wide neighbourhoods of one pass of the engine.
    public init(parks: ParkField, pass: BlockEngine.Pass, settings: MapSettings) {
        self.init(parks: parks, coefficients: pass.regime == .day ? settings.coefficients.day : settings.coefficients.night, cellSize: settings.grid.cellSize)
    }

    static func isCoarse(_ radiusMetres: Double) -> Bool { radiusMetres >= minimumRadiusMetres }

    /// The inputs whose means come from the coarse grid, grouped by radius (a group shares one filter pass).
    static func coarseInputsByRadius(_ k: AirTemperatureCoefficients) -> [Double: [Int]] {
        Dictionary(grouping: (0..<NeighbourhoodMeans.inputCount).filter { isCoarse(NeighbourhoodMeans.radiusMetres($0, k)) }) { NeighbourhoodMeans.radiusMetres($0, k) }
    }

    /// Twice the widest neighbourhood left to the blocks, m (their halo must hold it).
    static func blockReachMetres(_ k: AirTemperatureCoefficients) -> Double {
        (0..<NeighbourhoodMeans.inputCount).map { NeighbourhoodMeans.radiusMetres($0, k) }.filter { !isCoarse($0) }.map { 2 * $0 }.max() ?? 0
    }

    /// How much each mean moved since `before` (computed on the same park grid and extent), on the cells of
    /// `window` (fine grid): the differences taken on the coarse cells, then sampled (nil: an input left to the blocks).
    public func changes(since before: CoarseNeighbourhoods, over window: Window) -> [Plane?] {
        precondition(before.extent == extent)
        let (planes, was, fine, factor, size, at) = (planes, before.planes, surroundings.window(window), factor, size, (extent.x, extent.y))
        return concurrentMap(planes.count) { k in // each mean on its own core
            guard let now = planes[k], let was = was[k] else { return nil }
            return now.combined(with: was, -).sampledAtFineCells(fine, factor: factor, of: size, at: at)
        }
    }

    /// The means on the cells of `window` (fine grid).
    public func sample(_ window: Window) -> NeighbourhoodMeans {
        var means = NeighbourhoodMeans()
        for (input, plane) in planes.enumerated() {
            guard let plane else { continue }
            means[input] = plane.sampledAtFineCells(surroundings.window(window), factor: factor, of: size, at: (extent.x, extent.y))
        }
        return means
    }
}
