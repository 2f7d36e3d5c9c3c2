import City
import Foundation
import GeoIO
import Grid
import Model
import TestFixtures
import Testing
@testable import Engine
@testable import Run

/// The same cell, the same value: a district run (a 1.5 km crop of the sample) gives the city run's ICTU, by day
/// and by night, at every cell more than one halo from the crop's edge — shadows anchored to the CRS, one sun for
/// both, and parks, wide neighbourhoods and sensors read in the crop's surroundings.
@Suite(.serialized, .tags(.endToEnd)) struct SameCellTests {
    static let crop = (minX: 417_200.0, minY: 6_420_200.0, maxX: 418_700.0, maxY: 6_421_700.0)

    /// The crop's manifest beside the sample's (same inputs, same calibration rules) and its run.
    static let computed: (run: String, warnings: [String]) = {
        let manifest = SampleRun.folder + "/crop.yaml", out = SampleRun.folder + "/crop-run"
        do {
            let text = try String(contentsOfFile: SampleRun.folder + "/city.yaml", encoding: .utf8)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.trimmingCharacters(in: .whitespaces).hasPrefix("extent:")
                    ? "  extent: [\(crop.minX), \(crop.minY), \(crop.maxX), \(crop.maxY)]" : String(line)
            }
            try lines.joined(separator: "\n").write(toFile: manifest, atomically: true, encoding: .utf8)
            var options = ComputeOptions()
            options.mapsOnly = true
            let record = try ComputeRun.run(manifest: manifest, out: out, options: options)
            return (out, record.warnings ?? [])
        } catch { Issue.record("crop run: \(error)") }
        return (out, [])
    }()

    @Test func aCropReproducesTheCityRunAwayFromItsEdge() throws {
        let crop = try RunFolder(Self.computed.run), city = try RunFolder(SampleRun.folder + "/run")
        let halo = try MapSettings(record: crop.record).halo
        let g = crop.record.grid, cityGrid = city.record.grid
        let dx = Int(((g.originX - cityGrid.originX) / g.cellSize).rounded()), dy = Int(((cityGrid.originY - g.originY) / g.cellSize).rounded())
        #expect(g.width > 2 * halo + 50, "the crop has an interior beyond its halo (\(halo) cells)")
        for regime in Regime.allCases {
            let a = try crop.read(RunFolder.map(regime))
            let b = try city.read(RunFolder.map(regime), window: Window(x: dx, y: dy, width: g.width, height: g.height))
            var compared = 0, worst = 0.0
            for r in halo..<(g.height - halo) { for c in halo..<(g.width - halo) {
                let i = r * g.width + c
                #expect(a.values[i].isNaN == b.values[i].isNaN)
                guard !a.values[i].isNaN, !b.values[i].isNaN else { continue }
                compared += 1; worst = max(worst, Double(abs(a.values[i] - b.values[i])))
            } }
            #expect(compared > 10_000)
            #expect(worst <= 0.01, "\(regime): the crop differs from the city run by up to \(worst) °C away from its edge")
        }
    }

    @Test func sensorsAroundTheCropCalibrateAndAreSaid() throws {
        let warnings = Self.computed.warnings
        #expect(warnings.contains { $0.contains("outside the grid but where the inputs cover its surroundings") }, "\(warnings)")
        let record = try RunFolder(Self.computed.run).record
        let city = try RunFolder(SampleRun.folder + "/run").record
        #expect(record.calibrated && record.sites.count == city.sites.count, "the crop calibrates on every site its surroundings hold")
    }

    /// The margins: whole coarse cells, only where every raster covers them, none past a ragged east or south side.
    @Test func surroundingsAreWholeCoarseCellsWhereTheInputsCover() {
        let grid = GridSpec(crs: "EPSG:2154", minX: 1000, minY: 1000, maxX: 2000, maxY: 2000, cellSize: 5)
        let none = Surroundings(of: grid, covered: (1000, 1000, 2000, 2000), unitCells: 2)
        #expect(!none.hasMargin && none.grid == grid)
        let some = Surroundings(of: grid, covered: (993, 0, 9000, 2015), unitCells: 2)
        #expect(some.offsetX == 0 && some.offsetY == 2, "7 m west is less than a coarse cell; 15 m north is one (10 m)")
        #expect(some.grid.maxX == 2000 + Surroundings.marginMetres && some.grid.minY == 1000 - 1000)
        let ragged = GridSpec(crs: "EPSG:2154", originX: 1000, originY: 2000, cellSize: 5, width: 201, height: 200)
        let r = Surroundings(of: ragged, covered: (0, 0, 9000, 9000), unitCells: 2)
        #expect(r.grid.width == 201 + 200 && r.offsetX == 200, "no east margin past a partial coarse cell")
    }
}
