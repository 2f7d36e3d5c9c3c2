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

    /// Per input (NeighbourhoodMeans order): its coarse mean, nil when left to the blocks.
    let planes: [Plane?]
    let factor: Int
    let surroundings: Surroundings

    init(parks: ParkField, coefficients k: AirTemperatureCoefficients, cellSize: Double) {
        factor = parks.factor
        surroundings = parks.surroundings
        let coarseMetres = cellSize * Double(parks.factor)
        var planes = [Plane?](repeating: nil, count: NeighbourhoodMeans.inputCount)
        for (radius, inputs) in Self.coarseInputsByRadius(k) {
            for (input, plane) in zip(inputs, FocalMean.gaussian(inputs.map { parks.inputs[$0] }, radiusCells: radius / coarseMetres)) { planes[input] = plane }
        }
        self.planes = planes
    }

    private init(planes: [Plane?], factor: Int, surroundings: Surroundings) { self.planes = planes; self.factor = factor; self.surroundings = surroundings }

    /// These means (computed from `parks` before its update) with the update filtered in: `parks` differs from the
    /// field they came from only in the coarse cells under `edited` (a window of the analysis grid), so each mean
    /// is filtered again only within its reach of them, from a window holding that reach once more (what the whole
    /// grid's filter reads there), and kept elsewhere. The window, not the city, sets the cost.
    public func updated(parks: ParkField, edited: Window, pass: BlockEngine.Pass, settings: MapSettings) -> CoarseNeighbourhoods {
        let k = pass.regime == .day ? settings.coefficients.day : settings.coefficients.night
        let coarseMetres = settings.grid.cellSize * Double(factor)
        let e = surroundings.window(edited)
        let x0 = e.x / factor, y0 = e.y / factor, x1 = (e.x + e.width + factor - 1) / factor, y1 = (e.y + e.height + factor - 1) / factor
        var updated = planes
        for (radius, inputs) in Self.coarseInputsByRadius(k) {
            let first = planes[inputs[0]]!
            let reach = FocalMean.reach(radiusCells: radius / coarseMetres)
            let core = Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0).expanded(by: reach, within: first.width, first.height)
            let read = core.expanded(by: reach, within: first.width, first.height)
            let filtered = FocalMean.gaussian(inputs.map { parks.inputs[$0].cropped(to: read) }, radiusCells: radius / coarseMetres)
            let inner = Window(x: core.x - read.x, y: core.y - read.y, width: core.width, height: core.height)
            for (input, plane) in zip(inputs, filtered) { updated[input]!.paste(plane.cropped(to: inner), x: core.x, y: core.y) }
        }
        return CoarseNeighbourhoods(planes: updated, factor: factor, surroundings: surroundings)
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

    /// How much each mean moved since `before` (computed on the same park grid), on the cells of `window` (fine
    /// grid): the differences taken on the coarse cells, then sampled (nil: an input left to the blocks).
    public func changes(since before: CoarseNeighbourhoods, over window: Window) -> [Plane?] {
        zip(planes, before.planes).map { now, was in
            guard let now, let was else { return nil }
            return now.combined(with: was, -).sampledAtFineCells(surroundings.window(window), factor: factor)
        }
    }

    /// The means on the cells of `window` (fine grid).
    public func sample(_ window: Window) -> NeighbourhoodMeans {
        var means = NeighbourhoodMeans()
        for (input, plane) in planes.enumerated() {
            guard let plane else { continue }
            means[input] = plane.sampledAtFineCells(surroundings.window(window), factor: factor)
        }
        return means
    }
}
