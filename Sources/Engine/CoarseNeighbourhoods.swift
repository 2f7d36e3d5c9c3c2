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
        var byRadius: [Double: [Int]] = [:]
        for input in 0..<NeighbourhoodMeans.inputCount where Self.isCoarse(NeighbourhoodMeans.radiusMetres(input, k)) {
            byRadius[NeighbourhoodMeans.radiusMetres(input, k), default: []].append(input)
        }
        for (radius, inputs) in byRadius {
            for (input, plane) in zip(inputs, FocalMean.gaussian(inputs.map { parks.inputs[$0] }, radiusCells: radius / coarseMetres)) { planes[input] = plane }
        }
        self.planes = planes
    }

    /// The wide neighbourhoods of one pass of the engine.
    init(parks: ParkField, pass: BlockEngine.Pass, settings: MapSettings) {
        self.init(parks: parks, coefficients: pass.regime == .day ? settings.coefficients.day : settings.coefficients.night, cellSize: settings.grid.cellSize)
    }

    static func isCoarse(_ radiusMetres: Double) -> Bool { radiusMetres >= minimumRadiusMetres }

    /// Twice the widest neighbourhood left to the blocks, m (their halo must hold it).
    static func blockReachMetres(_ k: AirTemperatureCoefficients) -> Double {
        (0..<NeighbourhoodMeans.inputCount).map { NeighbourhoodMeans.radiusMetres($0, k) }.filter { !isCoarse($0) }.map { 2 * $0 }.max() ?? 0
    }

    /// The means on the cells of `window` (fine grid).
    func sample(_ window: Window) -> NeighbourhoodMeans {
        var means = NeighbourhoodMeans()
        for (input, plane) in planes.enumerated() {
            guard let plane else { continue }
            means[input] = plane.sampledAtFineCells(surroundings.window(window), factor: factor)
        }
        return means
    }
}
