import City
import Foundation
import Grid
import Model
import TestFixtures
import Testing
@testable import Engine
@testable import Run

/// The wide neighbourhood means come from the run's coarse (10 m) grid, sampled bilinearly, instead of the fine
/// filter over each block's halo. Against the fine filter on the 5 m sample, with the run's calibrated
/// coefficients: the ICTU moves by hundredths of a degree at most — second order in the coarse cell (10 m) over
/// the kernels' σ (≥ 50 m): (10/50)² / 12 ≈ 0.3 % of a term of ≈ 1–2 °C.
struct CoarseNeighbourhoodTests {
    @Test func coarseMeansMatchTheFineFilter() throws {
        let folder = SampleRun.folder
        let record = try RunFolder(folder + "/run").record
        let settings = try MapSettings(record: record)
        let city = try City(manifestPath: folder + "/city.yaml", surfaceOnly: true)
        let parks = try ParkField(city: city)
        let grid = settings.grid
        // A block in the middle of the city, read with the halo the fine filter needs (twice the widest radius).
        let fineReach = Int((max(settings.coefficients.day.reachMetres, settings.coefficients.night.reachMetres) / grid.cellSize).rounded(.up)) + settings.halo
        let core = Window(x: grid.width / 2 - 100, y: grid.height / 2 - 100, width: 200, height: 200)
        let window = core.expanded(by: fineReach, within: grid.width, grid.height)
        let layers = try city.layers(window)
        let local = Window(x: core.x - window.x, y: core.y - window.y, width: core.width, height: core.height)
        var worst = 0.0, sumSquares = 0.0, count = 0
        for (regime, k, hours) in [(Regime.day, settings.coefficients.day, settings.dayHours), (.night, settings.coefficients.night, settings.nightHours)] {
            let coarse = CoarseNeighbourhoods(parks: parks, coefficients: k, cellSize: grid.cellSize)
            #expect(coarse.planes.contains { $0 != nil }, "the calibrated radii are ≥ 100 m: some means come from the coarse grid")
            func field(_ neighbourhoods: NeighbourhoodMeans?) -> Plane {
                ComfortField.window(layers: layers, parkInfluence: parks.sample(window), cellSize: grid.cellSize, hours: hours, regime: regime,
                                    coefficients: settings.coefficients, core: local, origin: (window.x, window.y), neighbourhoods: neighbourhoods).ictu
            }
            let fine = field(nil), sampled = field(coarse.sample(window))
            for (a, b) in zip(fine.values, sampled.values) where !a.isNaN {
                let d = Double(abs(a - b)); worst = max(worst, d); sumSquares += d * d; count += 1
            }
        }
        let rmse = (sumSquares / Double(max(count, 1))).squareRoot()
        #expect(count > 40_000)
        #expect(worst < 0.05, "largest difference \(worst) °C")
        #expect(rmse < 0.01, "RMSE \(rmse) °C")
    }
}
