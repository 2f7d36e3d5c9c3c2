import Foundation
import TestFixtures
import Testing
@testable import Engine
@testable import Run
@testable import Support

/// Nothing a user had is lost: one writer per output folder, no output over or into the inputs, and a run replaced
/// takes what was derived from it along. And an uncalibrated run says so wherever it is read.
@Suite(.tags(.endToEnd)) struct OutputSafetyTests {
    @Test func anOutputFolderHasOneWriterAtATime() throws {
        let folder = TestFiles.root + "locked-\(UUID().uuidString)"
        let first = try StagedOutput(destination: folder, entries: ["a.txt"], overwrite: false)
        let error = #expect(throws: OutputError.self) { try StagedOutput(destination: folder, entries: ["b.txt"], overwrite: false) }
        #expect(error?.description.contains("is being written by") == true, "\(String(describing: error))")
        try Data("1".utf8).write(to: URL(fileURLWithPath: try first.path("a.txt")))
        try first.commit()
        _ = first
        // Released once the first is done: the next writer goes ahead.
        withExtendedLifetime(first) {}
    }

    /// Two `ictu compute` into one folder at the same moment (the 20 m sample city): one writes the run, the other
    /// is refused, saying why — never both "successful" with one run silently replacing the other.
    @Test func twoComputesIntoOneFolderDoNotBothSucceed() throws {
        let out = TestFiles.root + "race-\(UUID().uuidString)"
        let processes = try (0..<2).map { _ in try IctuCommand.launch(["compute", "--city", IctuCommand.city, "--out", out]) }
        for p in processes { p.waitUntilExit() }
        let results = processes.map { ($0.terminationStatus, (try? String(contentsOfFile: IctuCommand.logPath($0), encoding: .utf8)) ?? "") }
        #expect(results.filter { $0.0 == 0 }.count == 1, "exactly one writes the run: \(results)")
        let refused = try #require(results.first { $0.0 != 0 })
        #expect(refused.1.contains("is being written by ictu (process") || refused.1.contains("already holds"), "\(refused.1)")
        #expect(try RunFolder(out).record.grid.cellSize == 20)
    }

    @Test func noOutputGoesOverOrIntoAnInput() throws {
        let city = try FixtureCity()
        let input = city.folder + "/Rasters/tree_canopy.tif"
        let before = try FileDigest.sha256(ofFile: input)
        var options = ComputeOptions()
        options.overwrite = true
        for out in [city.folder + "/Rasters", city.folder, city.folder + "/.."] {
            let error = #expect(throws: OutputError.self) { try ComputeRun.run(manifest: city.manifest, out: out, options: options) }
            #expect(error?.description.contains("which this command reads") == true && error?.description.contains("--force never") == true, "\(String(describing: error))")
        }
        #expect(try FileDigest.sha256(ofFile: input) == before, "the input is untouched")
        #expect(!FileManager.default.fileExists(atPath: city.folder + "/Rasters/ictu_day.tif"))
    }

    @Test func aRunReplacedWithdrawsWhatWasDerivedFromIt() throws {
        let city = try FixtureCity()
        let out = city.folder + "/run"
        _ = try ComputeRun.run(manifest: city.manifest, out: out)
        for entry in RunFolder.derivedProducts {
            try FileManager.default.createDirectory(atPath: out + "/" + entry.fileName, withIntermediateDirectories: true)
            try Data("old".utf8).write(to: URL(fileURLWithPath: out + "/" + entry.fileName + "/old.json"))
        }
        var options = ComputeOptions()
        options.overwrite = true
        _ = try ComputeRun.run(manifest: city.manifest, out: out, options: options)
        for entry in RunFolder.derivedProducts {
            #expect(!FileManager.default.fileExists(atPath: out + "/" + entry.fileName), "\(entry.fileName) of the old run withdrawn")
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: out)) == Set(RunFolder.runEntries.map(\.fileName) + RunFolder.sidecars(RunFolder.runEntries) + RunFolder.descriptionFiles))
    }

    /// The fixture city has one sensor site and one day of data (no window signature): calibration needs eight sites. The run says so in its record, its report and
    /// on the terminal, with the reason.
    @Test func anUncalibratedRunSaysSoAndWhy() throws {
        let city = try FixtureCity()
        let result = try IctuCommand.ictu(["compute", "--city", city.manifest, "--out", city.folder + "/run"])
        #expect(result.status == 0)
        #expect(result.errors.contains("NOT CALIBRATED") && result.errors.contains("needs 8"), "\(result.errors)")
        let record = try RunFolder(city.folder + "/run").record
        #expect(!record.calibrated && record.calibrationNote?.contains("0 sites have a signature") == true, "\(record.calibrationNote ?? "")")
        let report = try String(contentsOfFile: city.folder + "/run/report.html", encoding: .utf8)
        #expect(report.contains("role=alert><strong>Not calibrated</strong>") && report.contains("needs 8"))
        let defaults = try IctuCommand.ictu(["compute", "--city", city.manifest, "--out", city.folder + "/run-defaults", "--defaults"])
        #expect(defaults.errors.contains("--defaults"), "\(defaults.errors)")
    }

    /// 0.1 mm cells over the fixture's 40 m: 1.6e11 cells (23 TiB). Refused before any input is read, with the estimate and the fix.
    @Test func aRunTheMachineCannotHoldIsRefusedUpFront() throws {
        let city = try FixtureCity()
        try city.write("city.yaml", FixtureCity.manifestText.replacingOccurrences(of: "cell_size_m: 2", with: "cell_size_m: 0.0001"))
        let out = city.folder + "/run"
        let error = #expect(throws: OutputError.self) { try ComputeRun.run(manifest: city.manifest, out: out) }
        let message = error?.description ?? ""
        #expect(message.contains("1.6e+11 cells") && message.contains("of disk") && message.contains("cell_size_m"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

