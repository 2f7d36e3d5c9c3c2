import Foundation
import GeoIO
import Grid
import Model
import TestFixtures
import Testing
@testable import Run
@testable import Sample
@testable import Scenario
@testable import Support
@testable import Tiles

/// Scenarios simulated on the 5 m sample run (SampleRecoveryTests): each edit moves the felt temperature the way
/// its physics says, the incremental recompute equals a full one, an empty scenario changes nothing.
/// Places are the sample's fixed districts (Lambert-93, SyntheticCity.coreLayout): industrial plots at
/// x 418–419 km, y 6419–6420 km; the tree-lined boulevard of the dense district at y 6421.5 km; the mineral
/// square at x 418.43–418.57 km, y 6420.375–6420.485 km; detached houses at x 416–417 km, y 6419–6420 km.
@Suite(.serialized, .tags(.endToEnd)) struct SimulationTests {
    static let base: SimulationBase? = {
        _ = SampleRun.folder
        do { return try SimulationBase(run: SampleRun.folder + "/run") } catch { Issue.record("loading the run: \(error)"); return nil }
    }()

    /// A scenario of axis-aligned rectangles given in Lambert-93 (the file names its CRS).
    static func scenario(_ features: [(properties: String, x0: Double, y0: Double, x1: Double, y1: Double)]) throws -> Scenario {
        let path = TestFiles.root + "scenario-\(UUID().uuidString).geojson"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let items = features.enumerated().map { k, f in
            "{\"type\":\"Feature\",\"properties\":{\"id\":\"e\(k + 1)\",\(f.properties)},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\(f.x0),\(f.y0)],[\(f.x1),\(f.y0)],[\(f.x1),\(f.y1)],[\(f.x0),\(f.y1)],[\(f.x0),\(f.y0)]]]}}"
        }
        try "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::2154\"}},\"features\":[\(items.joined(separator: ","))]}"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return try Scenario(path: path, grid: base!.record.grid)
    }

    static func simulate(_ scenario: Scenario, _ configure: (inout SimulationOptions) -> Void = { _ in }) throws -> SimulationResult {
        var options = SimulationOptions()
        configure(&options)
        return try Simulation.compute(scenario, name: "test", base: base!, options: options)
    }

    /// Mean of after − before (day) over the cells of a rectangle (Lambert-93) where `keep` holds and both maps have a value.
    static func meanChange(_ result: SimulationResult, x0: Double, y0: Double, x1: Double, y1: Double, night: Bool = false,
                           keep: (SurfaceLayers, Int) -> Bool = { _, _ in true }) throws -> (mean: Double, cells: Int) {
        let base = base!, grid = base.record.grid
        let window = Window(x: Int((x0 - grid.originX) / grid.cellSize), y: Int((grid.originY - y1) / grid.cellSize),
                            width: Int((x1 - x0) / grid.cellSize), height: Int((y1 - y0) / grid.cellSize))
        let layers = try base.layers(window)
        let before = try night ? base.night : base.day, after = try night ? result.afterNight(base) : result.afterDay(base)
        var sum = 0.0, n = 0
        for r in 0..<window.height { for c in 0..<window.width where keep(layers, r * window.width + c) {
            let i = (window.y + r) * grid.width + window.x + c
            guard !before.values[i].isNaN, !after.values[i].isNaN else { continue }
            sum += Double(after.values[i] - before.values[i]); n += 1
        } }
        return (n > 0 ? sum / Double(n) : .nan, n)
    }

    /// Writes the result's run folder into a new temporary folder (the caller removes it).
    static func writeFolder(_ result: SimulationResult, base: SimulationBase? = nil, standalone: Bool = false) throws -> String {
        let out = TestFiles.root + "ictu-scenario-\(UUID().uuidString)"
        let file = TestFiles.root + "scenario-\(UUID().uuidString).geojson"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "{\"type\":\"FeatureCollection\",\"features\":[]}".write(toFile: file, atomically: true, encoding: .utf8)
        try ScenarioOutput.write(result, base: base ?? Self.base!, scenarioFile: file, out: out, overwrite: false, standalone: standalone)
        return out
    }

    static let park = (x0: 418_300.0, y0: 6_419_300.0, x1: 418_620.0, y1: 6_419_500.0)

    @Test func aNewParkCoolsInsideAndTheCoolingFadesWithDistance() throws {
        let properties = "\"kind\":\"park\",\"tree_cover\":0.55,\"years_after_planting\":30"
        let result = try Self.simulate(try Self.scenario([(properties, Self.park.x0, Self.park.y0, Self.park.x1, Self.park.y1)]))
        let zones = result.summary.zones.map { $0.dayMeanChange ?? .nan }
        // Shade (crowns stop 1 − τ of the sun), transpiration and the park's own cooling inside; outside only the
        // neighbourhood means and exp(−d/L) reach, both decreasing with distance.
        #expect(zones[0] < -2, "perimeter \(zones[0]) °C")
        #expect(zones[0] < zones[1] && zones[1] < zones[2] && zones[2] < 0, "perimeter, 0–100 m, 100–300 m: \(zones)")
        #expect(result.summary.zones[0].openAreaSquareMetres > 40_000, "most of the 6.4 ha is open ground before and after")
        // At planting the crowns are a tenth of their mature spread (TreeGrowth): less shade, less cooling.
        let young = try Self.simulate(try Self.scenario([(properties, Self.park.x0, Self.park.y0, Self.park.x1, Self.park.y1)])) { $0.years = 0 }
        let youngPerimeter = young.summary.zones[0].dayMeanChange!
        #expect(youngPerimeter < 0 && youngPerimeter > zones[0] + 1, "at planting \(youngPerimeter) °C, at 30 years \(zones[0]) °C")
        // Outside the recomputed window nothing moved.
        let region = try #require(result.region)
        let after = try result.afterDay(Self.base!), day = try Self.base!.day
        var moved = 0
        for i in after.values.indices where !region.contains(col: i % after.width, row: i / after.width) && after.values[i] != day.values[i] && !after.values[i].isNaN { moved += 1 }
        #expect(moved == 0)
    }

    @Test func pruningRaisesTheDayICTUUnderThePrunedCrowns() throws {
        let street = (x0: 417_150.0, y0: 6_421_482.0, x1: 417_850.0, y1: 6_421_518.0)
        let result = try Self.simulate(try Self.scenario([("\"kind\":\"prune\",\"crown_reduction\":0.5", street.x0, street.y0, street.x1, street.y1)]))
        let underCrowns = try Self.meanChange(result, x0: street.x0, y0: street.y0, x1: street.x1, y1: street.y1) { l, i in l.treeCanopy.values[i] > 0.5 }
        // Half the crown gone: the sunlit share under it rises by about 0.5·(1 − τ), so does the mean radiant temperature.
        #expect(underCrowns.cells > 100 && underCrowns.mean > 0.5, "under the crowns \(underCrowns.mean) °C over \(underCrowns.cells) cells")
        // Beside the crowns the ground loses the part of their shade that fell there (at 2 m cells and a high sun, a crown's
        // shadow falls mostly on the cells beside it), under them the cells lose that and their own crown's part: less
        // beside than under.
        let open = try Self.meanChange(result, x0: street.x0, y0: street.y0, x1: street.x1, y1: street.y1) { l, i in l.treeCanopy.values[i] == 0 }
        #expect(open.mean > 0 && open.mean < underCrowns.mean, "where there was no crown \(open.mean) °C, under the crowns \(underCrowns.mean) °C")
    }

    @Test func aTallBuildingShadesItsNorthSideByDay() throws {
        let result = try Self.simulate(try Self.scenario([("\"kind\":\"building\",\"height_m\":40", 418_480, 6_420_380, 418_510, 6_420_400)]))
        // 14–17 h in a Bordeaux summer: sun in the south-west to west at 35–60°, so a 40 m building's shadow
        // falls 23–57 m to the north-north-east … east-north-east.
        let north = try Self.meanChange(result, x0: 418_485, y0: 6_420_400, x1: 418_525, y1: 6_420_425)
        #expect(north.cells >= 30 && north.mean < -1, "north side \(north.mean) °C over \(north.cells) cells")
        let south = try Self.meanChange(result, x0: 418_440, y0: 6_420_340, x1: 418_470, y1: 6_420_370)
        #expect(abs(south.mean) < abs(north.mean) / 3, "south-west side \(south.mean) °C")
        // The footprint is a building now: no value after.
        let (col, row) = Self.base!.record.grid.cell(x: 418_495, y: 6_420_390)!
        #expect(try result.afterDay(Self.base!)[col, row].isNaN)
    }

    @Test func wateringStressedTreesLowersTheICTU() throws {
        let houses = (x0: 416_000.0, y0: 6_419_000.0, x1: 417_000.0, y1: 6_420_000.0)
        let result = try Self.simulate(try Self.scenario([("\"kind\":\"irrigate\",\"stress_after\":0", houses.x0, houses.y0, houses.x1, houses.y1)]))
        // Stress cuts transpiration (a warmer, drier cell) and shade (k_sh): removing it cools where it was.
        let stressed = try Self.meanChange(result, x0: houses.x0, y0: houses.y0, x1: houses.x1, y1: houses.y1) { l, i in l.canopyStress.values[i] > 0.3 && l.treeCanopy.values[i] > 0.5 }
        #expect(stressed.cells > 100 && stressed.mean < -0.1, "stressed crowns \(stressed.mean) °C over \(stressed.cells) cells")
        // Nowhere warmer.
        #expect((result.summary.zones[0].dayLargestWarming ?? 0) <= 1e-3)
    }

    @Test func anEmptyScenarioChangesNothing() throws {
        let result = try Self.simulate(try Self.scenario([]))
        #expect(result.region == nil)
        let out = try Self.writeFolder(result)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let folder = try RunFolder(out), delta = try folder.open(.delta)
        for b in 1...2 {
            let values = try delta.band(b).read(x: 0, y: 0, width: delta.width, height: delta.height)
            let before = try b == 1 ? Self.base!.day : Self.base!.night
            #expect(values.indices.allSatisfy { values[$0] == 0 || (values[$0].isNaN && before.values[$0].isNaN) }, "band \(b): exactly 0 wherever there is a value")
        }
        let day = try folder.open(.dayMap).band(1).read(x: 0, y: 0, width: delta.width, height: delta.height)
        #expect(zip(day, try Self.base!.day.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    /// Incremental = full: the edits' window recomputed alone gives, inside it, what recomputing the whole grid
    /// gives. Beyond it only the air changes (the wide neighbourhoods and the park term), and the shifted cells give
    /// the full recompute's change within 1 % (+ float rounding): what the shift leaves out is the hours' spread of
    /// the partials and the crowns around whose stress share the wide means also set — measured 0.3–0.6 % of the
    /// change, up to 0.005 °C beside the new park, whose cells change by a degree. Outside both, the full recompute
    /// differs from the run only by the park tail left out (≤ the tolerance, times ∂UTCI/∂Ta ≤ 1.5) and float rounding.
    @Test func theIncrementalRecomputeEqualsAFullOne() throws {
        let scenario = try Self.scenario([("\"kind\":\"park\",\"years_after_planting\":10", 418_300, 6_419_300, 418_450, 6_419_420),
                                          ("\"kind\":\"building\",\"height_m\":80", 418_700, 6_419_600, 418_730, 6_419_630)])
        let incremental = try Self.simulate(scenario)
        let full = try Self.simulate(scenario) { $0.recomputeEverything = true }
        let region = try #require(incremental.region), recomputed = try #require(incremental.recomputed)
        let grid = Self.base!.record.grid
        #expect(region.cellCount < grid.cellCount / 2, "the window \(region) is a part of the grid")
        #expect(region.cellCount > recomputed.cellCount, "the new park's cooling reaches past the recomputed window: the tail is exercised")
        #expect(region.union(recomputed) == region, "the region holds the recomputed window")
        for night in [false, true] {
            let a = try night ? incremental.afterNight(Self.base!) : incremental.afterDay(Self.base!)
            let f = try night ? full.afterNight(Self.base!) : full.afterDay(Self.base!)
            let before = try night ? Self.base!.night : Self.base!.day
            var inside = 0.0, shifted = 0.0, largestShifted = 0.0, outside = 0.0, nanMismatch = 0
            for i in a.values.indices {
                if a.values[i].isNaN != f.values[i].isNaN { nanMismatch += 1; continue }
                guard !a.values[i].isNaN else { continue }
                let d = Double(abs(a.values[i] - f.values[i])), c = i % grid.width, r = i / grid.width
                if recomputed.contains(col: c, row: r) { inside = max(inside, d) } else if region.contains(col: c, row: r) {
                    let change = Double(abs(f.values[i] - before.values[i]))
                    shifted = max(shifted, d - 0.01 * change); largestShifted = max(largestShifted, change)
                } else { outside = max(outside, d) }
            }
            #expect(nanMismatch == 0)
            #expect(inside < 1e-3, "\(night ? "night" : "day"): largest difference inside the recomputed window \(inside) °C")
            #expect(shifted < 1e-3, "\(night ? "night" : "day"): the shifted cells' largest difference beyond 1 % of their change: \(shifted) °C")
            #expect(largestShifted > 0.2, "\(night ? "night" : "day"): shifted cells change by up to \(largestShifted) °C: the shift is exercised")
            #expect(outside < 1.5 * SimulationOptions().parkToleranceC + 1e-3, "\(night ? "night" : "day"): largest difference outside \(outside) °C")
        }
    }
}

/// The scenario's run folder: what a user opens.
extension SimulationTests {
    @Test func theScenarioFolderIsARunWithItsSummaryPage() throws {
        let street = (x0: 417_150.0, y0: 6_421_482.0, x1: 417_850.0, y1: 6_421_518.0)
        let result = try Self.simulate(try Self.scenario([("\"kind\":\"prune\",\"crown_reduction\":0.5", street.x0, street.y0, street.x1, street.y1)]))
        let out = try Self.writeFolder(result)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let file = out + "/scenario.geojson"
        let styles = RunFolder.sidecars(RunFolder.scenarioEntries).filter { !$0.hasSuffix(".aux.xml") }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out)) == Set(RunFolder.scenarioFiles(patched: true).write + styles + RunFolder.descriptionFiles), "every output, no staging left")
        // Nothing a user had is overwritten silently.
        #expect(throws: OutputError.self) { try ScenarioOutput.write(result, base: Self.base!, scenarioFile: file, out: out, overwrite: false) }
        #expect(throws: OutputError.self) { try ScenarioOutput.write(result, base: Self.base!, scenarioFile: file, out: Self.base!.folder.path, overwrite: true) }
        // The folder is a run: its map and its delta layers are offered as tiles.
        let map = try TileCatalogue(try RunFolder(out))
        #expect(map.record.scenario != nil && map.layer("delta") != nil && map.layer("delta-night") != nil && map.layer("day") != nil)
        let info = try Process.output("/usr/bin/gdalinfo", ["-json", out + "/delta.vrt"])
        #expect(info.contains("day ICTU after − before") && info.contains("\"VRT\""))
        let patch = try Process.output("/usr/bin/gdalinfo", ["-json", out + "/patch/delta.tif"])
        #expect(patch.contains("\"LAYOUT\":\"COG\""), "the changed window is a COG")
        // summary.html in Debian's headless Chromium: before, after and delta maps decode, no console message.
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Browser/open_page.py").path
        let page = try Browser.open("file://" + out + "/summary.html", script: script, count: ["svg.map", "table tr"])
        let phone = try Browser.open("file://" + out + "/summary.html", script: script, width: 390)
        #expect(phone.pageWidth <= phone.viewportWidth, "on a phone the summary does not scroll sideways: \(phone.pageWidth) px for \(phone.viewportWidth)")
        #expect(page.console.isEmpty, "\(page.console)")
        #expect(page.images.count == 3 && page.images.allSatisfy(\.ok), "\(page.images)")
        #expect(page.counts["svg.map"] == 3 && (page.counts["table tr"] ?? 0) >= 15)
    }
}

/// A scenario's folder written as patches over the run: what every reader sees is the whole folder's.
extension SimulationTests {
    /// The patched folder's rasters, read through their VRTs, equal the standalone folder's COGs to the bit, band by
    /// band, at full resolution and at every overview (the window is widened to whole cells of the coarsest, so its
    /// overviews average what the whole map's do); and it writes a fraction of the bytes.
    @Test func aPatchedScenarioReadsAsTheStandaloneOneToTheBit() throws {
        let result = try Self.simulate(try Self.scenario([("\"kind\":\"park\",\"years_after_planting\":10", 418_300, 6_419_300, 418_450, 6_419_420)]))
        let patched = try Self.writeFolder(result), standalone = try Self.writeFolder(result, standalone: true)
        defer { for folder in [patched, standalone] { try? FileManager.default.removeItem(atPath: folder) } }
        let a = try RunFolder(patched), b = try RunFolder(standalone)
        var compared = 0, overviews = 0
        for entry in RunFolder.scenarioEntries where entry.isRaster {
            let x = try a.open(entry), y = try b.open(entry)
            #expect(a.path(entry).hasSuffix(".vrt") && b.path(entry).hasSuffix(".tif"))
            #expect(x.bandCount == y.bandCount, "\(entry.stem): \(x.bandCount) bands, \(y.bandCount) standalone")
            for k in 1...min(x.bandCount, y.bandCount) {
                let p = try x.band(k), q = try y.band(k)
                #expect(p.overviewCount == q.overviewCount, "\(entry.stem) band \(k): overviews \(p.overviewCount) vs \(q.overviewCount)")
                for level in -1..<min(p.overviewCount, q.overviewCount) {
                    let u = level < 0 ? p : try p.overview(level), v = level < 0 ? q : try q.overview(level)
                    let (w, h) = v.size
                    #expect(u.size == v.size)
                    let left = try u.read(x: 0, y: 0, width: w, height: h), right = try v.read(x: 0, y: 0, width: w, height: h)
                    let differing = zip(left, right).filter { $0 != $1 && !($0.isNaN && $1.isNaN) }.count
                    #expect(differing == 0, "\(entry.stem) band \(k) level \(level + 1): \(differing) cells differ")
                    compared += 1; if level >= 0 { overviews += 1 }
                }
            }
        }
        #expect(compared - overviews == 44 && overviews >= 8, "every band (44) and the 8 map bands' overviews compared: \(compared), \(overviews) of them overviews")
        let delta = try a.read(RunFolder.delta(.day))
        #expect(delta.values.contains { $0 < -0.5 }, "the park cools its cells: the comparison is not of two unchanged runs")
        func bytes(_ folder: String) -> Int {
            let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
            return files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: folder + "/" + $1)[.size] as? Int) ?? 0) }
        }
        #expect(bytes(patched) * 2 < bytes(standalone), "the patches are a part of the city: \(bytes(patched)) bytes, standalone \(bytes(standalone))")
    }

    /// A patched scenario needs its run where it was, unchanged: moved away or computed again, every command says so
    /// and what to do, rather than drawing the window over other maps.
    @Test func aPatchedScenarioRefusesAMissingOrRecomputedRun() throws {
        let copy = TestFiles.root + "ictu-base-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: SampleRun.folder + "/run", toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let base = try SimulationBase(run: copy)
        let scenario = try Self.scenario([("\"kind\":\"building\",\"height_m\":40", 418_480, 6_420_380, 418_510, 6_420_400)])
        let out = try Self.writeFolder(try Simulation.compute(scenario, name: "test", base: base, options: SimulationOptions()), base: base)
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = try RunFolder(out)
        try FileManager.default.moveItem(atPath: copy, toPath: copy + "-moved")
        #expect { _ = try RunFolder(out) } throws: { "\($0)".contains("not there") && "\($0)".contains("--standalone") }
        try FileManager.default.moveItem(atPath: copy + "-moved", toPath: copy)
        _ = try RunFolder(out)
        let record = copy + "/" + RunFolder.Entry.record.fileName
        try (String(contentsOfFile: record, encoding: .utf8) + "\n").write(toFile: record, atomically: true, encoding: .utf8)
        #expect { _ = try RunFolder(out) } throws: { "\($0)".contains("computed again") }
    }
}

/// The server's variant layers: the run's COG with the changed window drawn over it.
extension SimulationTests {
    /// A variant's after and change layers give, at every zoom from the city to the street, the values of the
    /// scenario's own COGs (its standalone folder, whose overviews GDAL averaged over the whole after map): the window
    /// the server holds is all that differs from the run, at every level of the pyramid. Within 1e-4 °C: the window's
    /// levels are averaged in memory, the COG's by GDAL (float rounding only).
    @Test func aVariantsLayersAreTheScenariosMapsAtEveryZoom() throws {
        let base = Self.base!
        let result = try Self.simulate(try Self.scenario([("\"kind\":\"park\",\"years_after_planting\":10", 418_300, 6_419_300, 418_450, 6_419_420)]))
        let standalone = try Self.writeFolder(result, standalone: true)
        defer { try? FileManager.default.removeItem(atPath: standalone) }
        let folder = try RunFolder(standalone)
        let grid = base.record.grid
        let renderer = try TileRenderer(grid: grid)
        let toWGS = try CoordinateTransform(from: "EPSG:2154", to: "EPSG:4326")
        let sw = try toWGS.transform(x: 418_250, y: 6_419_250), ne = try toWGS.transform(x: 418_500, y: 6_419_470)
        for (regime, delta) in [(Regime.day, false), (.day, true), (.night, false), (.night, true)] {
            let run = try COGLayer(base.folder, band: RunFolder.map(regime))
            let window = PatchedLayer.window(around: try #require(result.region), base: run)
            var values = try result.after(regime, window: window, base: base)
            if delta { values = values.combined(with: try base.map(regime, window: window)) { a, b in a.isNaN || b.isNaN ? .nan : a - b } }
            let layer = try PatchedLayer(base: run, window: window, values: values, zeroOutside: delta)
            let reference = try COGLayer(folder, band: delta ? RunFolder.delta(regime) : RunFolder.map(regime))
            var compared = 0, largest: Float = 0, nanMismatch = 0, changed = 0
            for z in 11...17 {
                for tile in WebMercator.tiles(z: z, west: sw.x, south: sw.y, east: ne.x, north: ne.y) {
                    let pixels = try renderer.gridCoordinates(tile)
                    let a = try layer.values(pixels), b = try reference.values(pixels)
                    for i in a.indices {
                        if a[i].isNaN != b[i].isNaN { nanMismatch += 1; continue }
                        guard !a[i].isNaN else { continue }
                        largest = max(largest, abs(a[i] - b[i])); compared += 1
                        if delta && abs(b[i]) > 0.1 { changed += 1 }
                    }
                }
            }
            let name = "\(regime.rawValue)\(delta ? " change" : "")"
            #expect(nanMismatch == 0, "\(name): \(nanMismatch) pixels with a value on one side only")
            #expect(largest < 1e-4, "\(name): largest difference \(largest) °C over \(compared) pixels")
            #expect(compared > 100_000, "\(name): \(compared) pixels compared")
            if delta && regime == .day { #expect(changed > 10_000, "the park's change is in the tiles compared: \(changed) pixels") }
        }
    }
}
