import Diagnosis
import Foundation
import Grid

/// Cool islands on a day map, as `ictu diagnose` finds them (below the heat-stress class boundary, or far enough
/// below the map's median; at least the minimum island area), and the share of the open ground — and of the
/// population, with a population layer — within 300 m of one. The map is read in strips of rows (StripedAccess):
/// a scenario's summary holds a bit a cell for the islands, never the city's map.
struct CoolIslandAccess: Sendable {
    let sources: BitGrid
    let share: Double
    let populationShare: Double?

    init(grid: GridSpec, population: Plane?, rows: StripedAccess.Rows) throws {
        let d = DiagnosisOptions()
        let median = try StripedAccess.quantile(width: grid.width, height: grid.height, rows: rows, q: 0.5)
        let limit = max(d.coolMaxICTU, median - d.coolBelowMedian)
        let minCells = max(1, Int((d.minIslandSquareMetres / grid.cellArea).rounded(.up)))
        sources = try StripedAccess.regions(width: grid.width, height: grid.height, rows: rows, minCells: minCells) { !$0.isNaN && Double($0) < limit }
        let weights = population.map(StripedAccess.rows)
        let access = try StripedAccess.access(width: grid.width, height: grid.height, cellSize: grid.cellSize, radius: d.accessMetres,
                                              sources: sources, rows: rows, counts: { !$0.isNaN }, weights: weights)
        share = access.share
        populationShare = access.weightedShare
    }

    /// Which cells of `window` are within 300 m of a cool island.
    func reached(_ window: Window, grid: GridSpec) -> BitGrid {
        StripedAccess.reached(window, sources: sources, cellSize: grid.cellSize, radius: DiagnosisOptions().accessMetres)
    }
}
