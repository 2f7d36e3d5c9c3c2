import Foundation
import GeoIO
import TestFixtures
import Testing
@testable import Run
@testable import Support

/// kill -9 at moments spread over `ictu compute`, `ictu tiles` and `ictu simulate` (the command-line tool, killed as
/// a user's job would be): no file under a final name is ever partial or corrupt — every raster present has the
/// pixels of a complete run, every document parses — the outputs are there all together or not at all once the next
/// reader has looked, and rerunning the same command completes.
@Suite(.serialized, .tags(.endToEnd)) struct CrashSafetyTests {

    /// Starts the command, kills it (SIGKILL) `delay` seconds after its staging folder appeared in `out`, and returns
    /// whether it was still running then.
    static func killed(_ arguments: [String], out: String, after delay: Double) throws -> Bool {
        let process = try IctuCommand.launch(arguments)
        _ = IctuCommand.waitForStaging(in: out, while: process)
        Thread.sleep(forTimeInterval: delay)
        let running = process.isRunning
        if running { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return running
    }

    /// The band checksums gdalinfo reads from a raster (it reads every pixel: a truncated file fails).
    static func checksums(_ path: String) throws -> [String] {
        try Process.output("/usr/bin/gdalinfo", ["-checksum", path]).split(separator: "\n").filter { $0.contains("Checksum=") }.map { String($0) }
    }

    /// Checks every visible entry of `folder` against the same entry of the complete `reference` folder, and returns
    /// the entries present. A staging folder or a commit journal is hidden (its name starts with a dot).
    static func checkEntries(_ folder: String, reference: String, allowed: Set<String>, context: String) throws -> Set<String> {
        let fm = FileManager.default
        let present = Set(((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") })
        for name in present {
            let path = folder + "/" + name, truth = reference + "/" + name
            #expect(allowed.contains(name), "\(context): unexpected \(name)")
            if name.hasSuffix(".tif") || name.hasSuffix(".vrt") {
                #expect(try checksums(path) == checksums(truth), "\(context): \(name) differs from a complete run's")
            } else if name == RunFolder.patchFolder {
                let files = try fm.contentsOfDirectory(atPath: truth)
                #expect(Set(try fm.contentsOfDirectory(atPath: path)) == Set(files), "\(context): \(name)/ lacks files")
                for file in files where file.hasSuffix(".tif") {
                    #expect(try checksums(path + "/" + file) == checksums(truth + "/" + file), "\(context): \(name)/\(file) differs from a complete run's")
                }
            } else if name.hasSuffix(".json") || name.hasSuffix(".geojson") {
                #expect((try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))) != nil, "\(context): \(name) does not parse")
            } else if name.hasSuffix(".html") {
                #expect(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</html>"), "\(context): \(name) is cut")
            } else if name.hasSuffix(".qml") || name.hasSuffix(".sld") || name.hasSuffix(".qgs") || name.hasSuffix(".aux.xml") {
                let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(["</qgis>", "</StyledLayerDescriptor>", "</PAMDataset>"].contains(where: text.hasSuffix), "\(context): \(name) is cut")
            } else if name.hasSuffix(".mbtiles") {
                #expect(try tileCount(mbtiles: path) == tileCount(mbtiles: truth), "\(context): \(name) lacks tiles")
            } else if name.hasSuffix(".pmtiles") {
                // Written in tile-id order from the same tiles: byte for byte the complete export's archive.
                #expect(fm.contentsEqual(atPath: path, andPath: truth), "\(context): \(name) differs from a complete export's")
            } else {
                #expect(try pngCount(path) == pngCount(truth), "\(context): \(name)/ lacks tiles")
            }
        }
        return present
    }

    static func pngCount(_ folder: String) throws -> Int {
        FileManager.default.enumerator(atPath: folder)?.allObjects.compactMap { $0 as? String }.filter { $0.hasSuffix(".png") }.count ?? 0
    }

    static func tileCount(mbtiles: String) throws -> String {
        try Process.output("/usr/bin/python3", ["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from tiles').fetchone()[0])", mbtiles])
    }

    /// Kills `arguments` five times at fractions of its writing phase (with a seeded jitter), checks what is left each time,
    /// lets a reader finish an interrupted commit, and reruns the command to completion.
    static func killRepeatedly(_ arguments: [String], out: String, reference: String, entries: Set<String>, seconds: Double, rerunEvery: Bool = true,
                               recover: (String) -> Void) throws -> Int {
        var random = SplitMix(seed: 9)
        var killedCount = 0
        // Timed from the staging folder's appearance (before it, nothing is written), crowding the end, where the
        // outputs are moved into place. A kill that comes after the command ended proves nothing: the writing phase
        // is then shorter than measured (the machine's load varies), so the same kill is tried again earlier.
        let fractions = [0.2, 0.5, 0.8, 0.9, 0.97]
        var phase = seconds, attempts = 0
        while killedCount < fractions.count && attempts < 15 {
            attempts += 1
            let trial = killedCount
            let delay = phase * fractions[trial] * (0.95 + 0.1 * random.unit())
            let context = "\(arguments[0]) killed at \(String(format: "%.2f", delay)) s"
            // --force: the run being killed is replacing a complete set (after the first trials), the riskiest case.
            let landed = try killed(arguments + ["--force"], out: out, after: delay)
            _ = try checkEntries(out, reference: reference, allowed: entries, context: context)
            recover(out)
            let present = try checkEntries(out, reference: reference, allowed: entries, context: context + ", after a reader")
            #expect(present.isEmpty || present == entries, "\(context): \(present.count) of \(entries.count) outputs after recovery")
            guard landed else { phase *= 0.7; continue }
            killedCount += 1
            // The rerun: the same command (with --force when the outputs are all there already). A compute is rerun
            // after the last two kills only (it takes the longest).
            guard rerunEvery || trial >= 3 else { continue }
            let rerun = try IctuCommand.ictu(arguments + (present.isEmpty ? [] : ["--force"]))
            #expect(rerun.status == 0, "\(context): the rerun failed: \(rerun.errors)")
            #expect(try checkEntries(out, reference: reference, allowed: entries, context: context + ", rerun") == entries)
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).allSatisfy { !$0.hasPrefix(".ictu-") }, "\(context): staging left after the rerun")
        }
        return killedCount
    }

    @Test func computeTilesAndSimulateSurviveKill9() throws {
        let city = IctuCommand.city
        // The complete runs, timed: the references.
        let reference = TestFiles.root + "crash-reference-\(UUID().uuidString)"
        let compute = try IctuCommand.ictu(["compute", "--city", city, "--out", reference], out: reference)
        try #require(compute.status == 0, "\(compute.errors)")
        // The run's entries, each map's styles, and the QGIS project written once the run is in place.
        let runEntries = Set(RunFolder.runEntries.map(\.fileName) + RunFolder.sidecars(RunFolder.runEntries) + RunFolder.descriptionFiles)

        let out = TestFiles.root + "crash-run-\(UUID().uuidString)"
        let computeKills = try Self.killRepeatedly(["compute", "--city", city, "--out", out], out: out, reference: reference,
                                                   entries: runEntries, seconds: compute.seconds, rerunEvery: false) { _ = try? RunFolder($0).record }
        #expect(computeKills == 5, "five kills landed while compute ran (\(computeKills))")

        // Tiles, exported into the run folder's tiles/ (two layers, XYZ and MBTiles).
        let tiles = try IctuCommand.ictu(["tiles", "--run", reference, "--zoom", "12-16"], out: reference + "/tiles")
        try #require(tiles.status == 0, "\(tiles.errors)")
        let tileEntries: Set<String> = ["day", "night", "day.mbtiles", "night.mbtiles", "day.pmtiles", "night.pmtiles"]
        let tileKills = try Self.killRepeatedly(["tiles", "--run", out, "--zoom", "12-16"], out: out + "/tiles", reference: reference + "/tiles",
                                                entries: tileEntries, seconds: tiles.seconds) {
            try? StagedOutput.finishInterruptedCommits(in: URL(fileURLWithPath: $0))
        }
        #expect(tileKills == 5, "five kills landed while tiles ran (\(tileKills))")

        // A scenario: a 200 m park in the middle of the city.
        let grid = try RunFolder(reference).record.grid
        let (x, y) = ((grid.minX + grid.maxX) / 2, (grid.minY + grid.maxY) / 2)
        let scenario = TestFiles.root + "crash-park-\(UUID().uuidString).geojson"
        try """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"park","kind":"park","years_after_planting":20},
        "geometry":{"type":"Polygon","coordinates":[[[\(x - 100),\(y - 100)],[\(x + 100),\(y - 100)],[\(x + 100),\(y + 100)],[\(x - 100),\(y + 100)],[\(x - 100),\(y - 100)]]]}}]}
        """.write(toFile: scenario, atomically: true, encoding: .utf8)
        let simulatedReference = TestFiles.root + "crash-simulated-\(UUID().uuidString)"
        let simulate = try IctuCommand.ictu(["simulate", scenario, "--crs", "EPSG:2154", "--run", reference, "--out", simulatedReference], out: simulatedReference)
        try #require(simulate.status == 0, "\(simulate.errors)")
        let simulated = TestFiles.root + "crash-simulated-\(UUID().uuidString)"
        let simulateKills = try Self.killRepeatedly(["simulate", scenario, "--crs", "EPSG:2154", "--run", reference, "--out", simulated], out: simulated,
                                                    reference: simulatedReference, entries: Set(RunFolder.scenarioFiles(patched: true).write + RunFolder.sidecars(RunFolder.scenarioEntries).filter { !$0.hasSuffix(".aux.xml") } + RunFolder.descriptionFiles), seconds: simulate.seconds) {
            _ = try? RunFolder($0).record
        }
        #expect(simulateKills == 5, "five kills landed while simulate ran (\(simulateKills))")
    }
}

/// A small seeded generator (SplitMix64): the kill moments are "random" and the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// A disk that fills up during a write (a 1 MiB tmpfs, mounted for the test: needs root, as CI is): a clear error, a
/// non-zero exit, and nothing left behind — no partial file, no staging folder, not even the output folder.
@Suite(.serialized, .tags(.endToEnd)) struct DiskFullTests {
    static let isRoot = geteuid() == 0

    @Test(.enabled(if: isRoot, "mounting a small file system needs root")) func aFullDiskLeavesNoPartialOutput() throws {
        let mount = TestFiles.root + "full-disk-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        _ = try Process.output("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount])
        defer { _ = try? Process.output("/bin/umount", [mount]) }
        let out = mount + "/run"
        let compute = try IctuCommand.ictu(["compute", "--city", IctuCommand.city, "--out", out])
        #expect(compute.status != 0, "the run cannot fit in 1 MiB")
        // The run's estimate (6 MiB at its peak) is refused before anything is written; a disk that fills during the
        // write anyway gives GDAL's "No space left on device" through the same staged, all-or-nothing output.
        #expect(compute.errors.contains("MiB free") || compute.errors.contains("No space left on device"), "\(compute.errors)")
        let left = try FileManager.default.contentsOfDirectory(atPath: mount)
        #expect(left.isEmpty, "nothing left: \(left)")
    }
}
