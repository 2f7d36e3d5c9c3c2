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
        let found = parks(vegetation: vegetation, building: building, cellMetres: cellMetres)
        return (found.influence, found.parks)
    }
}
