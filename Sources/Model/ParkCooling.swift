import Foundation
import Grid

/// Parks and their cooling reach (docs/model.md: ΔT_park = PCI·exp(−d/L)).
///
/// Parks are connected green areas (vegetation fraction ≥ 0.6, no building) of at least 1 ha; d is the distance
/// from the park's edge (0 inside); L grows with the park's area: 100 m below 2 ha, 350 m above 10 ha, linear
/// between. Parks are found on a coarse grid (default 10 m cells, the mean of the fine cells): the term varies
/// over ≥ 100 m, and a coarse global pass keeps the fine grid streamable in blocks at any city size.
public struct ParkCooling: Sendable {
    public var minimumVegetation: Double = 0.6
    /// Coarse cells whose mean building fraction is below this count as "no building".
    public var maximumBuilding: Double = 0.05
    public var minimumAreaSquareMetres: Double = 10_000
    public var smallParkDecayMetres: Double = 100
    public var largeParkDecayMetres: Double = 350
    public var smallParkAreaSquareMetres: Double = 20_000
    public var largeParkAreaSquareMetres: Double = 100_000
    public var coarseCellMetres: Double = 10

    public init() {}

    /// Decay length L, m, of a park of `area` m².
    public func decayMetres(area: Double) -> Double {
        if area <= smallParkAreaSquareMetres { return smallParkDecayMetres }
        if area >= largeParkAreaSquareMetres { return largeParkDecayMetres }
        let t = (area - smallParkAreaSquareMetres) / (largeParkAreaSquareMetres - smallParkAreaSquareMetres)
        return smallParkDecayMetres + t * (largeParkDecayMetres - smallParkDecayMetres)
    }

    /// The unit park influence exp(−d/L) (multiply by PCI) on a coarse grid, from coarse vegetation and building fractions.
    /// Returns the plane and the number of parks found.
    public func influence(vegetation: Plane, building: Plane, cellMetres: Double) -> (influence: Plane, parks: Int) {
        let width = vegetation.width, height = vegetation.height
        let (labels, sizes) = ConnectedComponents.label(width: width, height: height, connectivity: .eight) { i in
            Double(vegetation.values[i]) >= minimumVegetation && Double(building.values[i]) < maximumBuilding
        }
        let cellArea = cellMetres * cellMetres
        let keep = sizes.map { Double($0) * cellArea >= minimumAreaSquareMetres }
        let decayCells = sizes.map { decayMetres(area: Double($0) * cellArea) / cellMetres }
        let (distance, nearest) = DistanceTransform.nearest(width: width, height: height) { i in
            labels[i] != 0 && keep[Int(labels[i])]
        }
        var out = Plane(width: width, height: height)
        for i in 0..<out.count where nearest[i] >= 0 {
            let park = Int(labels[Int(nearest[i])])
            out.values[i] = Float(exp(-Double(distance[i]) / decayCells[park]))
        }
        return (out, keep.dropFirst().filter { $0 }.count)
    }
}
