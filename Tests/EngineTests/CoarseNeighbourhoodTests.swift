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
    /// The 5 m sample run's model settings, its city (surface only) and its park field.
    static func sample() throws -> (MapSettings, City, ParkField) {
        let folder = SampleRun.folder
        let settings = try MapSettings(record: try RunFolder(folder + "/run").record)
        let city = try City(manifestPath: folder + "/city.yaml", surfaceOnly: true)
        return (settings, city, try ParkField(city: city))
    }

    @Test func coarseMeansMatchTheFineFilter() throws {
        let (settings, city, parks) = try Self.sample()
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

    /// A scenario filters the wide means only over the part of the park grid its cells sample, before and after its
    /// edits: the same means as filtering the whole park grid, to float rounding (the running sums start elsewhere),
    /// and the same change.
    @Test func meansAroundAnEditEqualThoseOfTheWholeGrid() throws {
        let (settings, city, parks) = try Self.sample()
        let grid = settings.grid
        // A 300 m square turned into a wood, and what a scenario samples around it (here 400 m more on each side).
        let edited = Window(x: grid.width / 3, y: grid.height / 3, width: Int(300 / grid.cellSize), height: Int(300 / grid.cellSize))
        let wood = try parks.updated(region: edited, grid: grid) { w in
            var layers = try city.layers(w)
            for i in 0..<layers.treeCanopy.count { layers.treeCanopy.values[i] = 1; layers.canopyStress.values[i] = 0 }
            return layers
        }
        let sampled = edited.expanded(by: Int(400 / grid.cellSize), within: grid.width, grid.height)
        func largest(_ a: NeighbourhoodMeans, _ b: NeighbourhoodMeans) -> Float {
            (0..<NeighbourhoodMeans.inputCount).map { k in
                guard let x = a[k], let y = b[k] else { return 0 }
                return zip(x.values, y.values).map { abs($0 - $1) }.max() ?? 0
            }.max() ?? 0
        }
        for pass in [BlockEngine.Pass(.day, settings.dayHours), .init(.night, settings.nightHours)] {
            let wholeBefore = CoarseNeighbourhoods(parks: parks, pass: pass, settings: settings)
            let wholeAfter = CoarseNeighbourhoods(parks: wood, pass: pass, settings: settings)
            let around = CoarseNeighbourhoods.around(sampled, before: parks, after: wood, pass: pass, settings: settings)
            #expect(around.after.extent.width < wholeAfter.extent.width / 2, "\(pass.regime): a part of the park grid, \(around.after.extent)")
            #expect(largest(around.before.sample(sampled), wholeBefore.sample(sampled)) < 1e-5)
            #expect(largest(around.after.sample(sampled), wholeAfter.sample(sampled)) < 1e-5)
            var worst: Float = 0, moved: Float = 0
            for (a, b) in zip(around.after.changes(since: around.before, over: sampled), wholeAfter.changes(since: wholeBefore, over: sampled)) {
                guard let a, let b else { #expect(a == nil && b == nil); continue }
                for i in a.values.indices { worst = max(worst, abs(a.values[i] - b.values[i])); moved = max(moved, abs(b.values[i])) }
            }
            #expect(moved > 0.1, "\(pass.regime): the wood moves the canopy mean by up to \(moved)")
            #expect(worst < 1e-5, "\(pass.regime): largest difference of the change to the whole grid's \(worst)")
        }
    }
}
