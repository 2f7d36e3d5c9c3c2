import Foundation
import GeoIO
import Model
import TestFixtures
import Testing
@testable import Engine
@testable import Run
@testable import Support

/// `ictu compute` end to end on the small fixture city (defaults: too few sites to calibrate).
@Suite(.tags(.endToEnd)) struct ComputeRunTests {
    @Test func writesCOGsWhoseComponentsSumToTheICTUAndExplainReadsThemBack() throws {
        let city = try FixtureCity()
        let out = city.folder + "/run"
        let record = try ComputeRun.run(manifest: city.manifest, out: out)
        #expect(!record.calibrated, "two sensors on one site cannot calibrate: the documented defaults are used and said")
        #expect(record.hotDays == ["2022-07-18"])
        for name in RunFolder.runEntries.map(\.fileName) where name.hasSuffix(".tif") {
            let ds = try RasterDataset.open(out + "/" + name)
            #expect(ds.metadata("LAYOUT", domain: "IMAGE_STRUCTURE") == "COG", "\(name) is a COG")
            #expect(ds.spatialReference?.authorityCode == "EPSG:2154")
        }
        let day = try RasterDataset.open(out + "/ictu_day.tif").band(1).read(x: 0, y: 0, width: 20, height: 20)
        let components = try RasterDataset.open(out + "/components.tif")
        #expect(components.bandCount == 2 * ComfortTerm.allCases.count)
        #expect(try components.band(1).bandDescription.hasPrefix("day: reference"))
        var bands: [[Float]] = []
        for b in 1...ComfortTerm.allCases.count { bands.append(try components.band(b).read(x: 0, y: 0, width: 20, height: 20)) }
        var checked = 0
        for i in 0..<400 where !day[i].isNaN {
            let sum = bands.reduce(0.0) { $0 + Double($1[i]) }
            #expect(abs(sum - Double(day[i])) < 1e-3, "cell \(i): parts \(sum) vs ICTU \(day[i])")
            checked += 1
        }
        #expect(checked > 300, "open cells have values; the 32 building cells are no data")
        #expect(day.filter(\.isNaN).count == 32)
        // The window's reference air is 26–27.5 °C (14–17 h CEST = 12–15 h UTC, 20 + h/2); in the sun, felt is a few °C above.
        let mean = day.filter { !$0.isNaN }.reduce(0, +) / Float(checked)
        #expect(mean > 27 && mean < 37, "mean day ICTU \(mean)")

        // explain reads the same numbers back at a point (sensor A's cell).
        let toWGS = try CoordinateTransform(from: "EPSG:2154", to: "EPSG:4326")
        let p = try toWGS.transform(x: FixtureCity.minX + 11, y: FixtureCity.maxY - 11)
        let explanation = try Explanation.at(run: out, longitude: p.x, latitude: p.y)
        #expect(explanation.col == 5 && explanation.row == 5)
        let value = try #require(explanation.day.ictu)
        #expect(abs(value - Double(day[5 * 20 + 5])) < 1e-6)
        #expect(abs(explanation.day.sumOfTerms - value) < 1e-3)

        // A second run into the same folder refuses to overwrite.
        #expect(throws: OutputError.self) { try ComputeRun.run(manifest: city.manifest, out: out) }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/calibration.json"))) as! [String: Any]
        #expect((json["inputs"] as! [String: String])["SensorData/sensors.csv"]?.count == 64, "inputs carry their SHA-256")
    }

    @Test func sha256MatchesTheStandardTestVector() throws {
        let path = TestFiles.root + "abc-\(UUID().uuidString)"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try FileDigest.sha256(ofFile: path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

/// Crash safety: a run killed before it could clean up leaves its hidden staging folder; the next output into the
/// same folder removes it (its process is gone), and leaves alone a staging folder whose process still runs.
@Suite(.tags(.endToEnd)) struct StagingTests {
    /// The id of a process that has finished (a killed run's).
    static func deadProcessID() throws -> Int32 {
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        return finished.processIdentifier
    }

    @Test func abandonedStagingFoldersAreRemovedByTheNextRun() throws {
        let folder = TestFiles.root + "staging-\(UUID().uuidString)"
        let fm = FileManager.default
        let dead = "\(folder)/.ictu-staging-\(try Self.deadProcessID())-0badc0de", alive = "\(folder)/.ictu-staging-1-0badc0de"
        for path in [dead, alive] {
            try fm.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Data("half a raster".utf8).write(to: URL(fileURLWithPath: path + "/ictu_day.tif"))
        }
        let staged = try StagedOutput(destination: folder, entries: ["a.txt"], overwrite: false)
        #expect(!fm.fileExists(atPath: dead), "the killed run's staging is gone")
        #expect(fm.fileExists(atPath: alive), "a running process's staging (pid 1) is kept")
        try Data("done".utf8).write(to: URL(fileURLWithPath: try staged.path("a.txt")))
        try staged.commit()
        #expect(Set(try fm.contentsOfDirectory(atPath: folder)) == ["a.txt", ".ictu-staging-1-0badc0de"])
    }

    /// A run killed while it moved its complete set into place (journal written, some entries moved, an old file not
    /// yet replaced): the next reader finishes the moves, so the folder holds the whole new set, never a mix.
    @Test func aCommitInterruptedByACrashIsFinishedByTheNextReader() throws {
        let folder = TestFiles.root + "journal-\(UUID().uuidString)"
        let fm = FileManager.default
        let tag = "\(try Self.deadProcessID())-0badc0de"
        try fm.createDirectory(atPath: "\(folder)/.ictu-staging-\(tag)", withIntermediateDirectories: true)
        try Data("new b".utf8).write(to: URL(fileURLWithPath: "\(folder)/.ictu-staging-\(tag)/b.txt"))
        try Data("new a".utf8).write(to: URL(fileURLWithPath: "\(folder)/a.txt"))   // already moved
        try Data("old b".utf8).write(to: URL(fileURLWithPath: "\(folder)/b.txt"))   // the previous run's, to be replaced
        try Data("a.txt\nb.txt\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/.ictu-commit-\(tag)"))
        try StagedOutput.finishInterruptedCommits(in: URL(fileURLWithPath: folder))
        #expect(Set(try fm.contentsOfDirectory(atPath: folder)) == ["a.txt", "b.txt"], "staging and journal gone")
        #expect(try String(contentsOfFile: folder + "/b.txt", encoding: .utf8) == "new b", "the interrupted set is the one in place")
        // Without a journal the staged set was incomplete: it is dropped, and the old file stays.
        try fm.createDirectory(atPath: "\(folder)/.ictu-staging-\(tag)", withIntermediateDirectories: true)
        try Data("half".utf8).write(to: URL(fileURLWithPath: "\(folder)/.ictu-staging-\(tag)/b.txt"))
        _ = try StagedOutput(destination: folder, entries: ["c.txt"], overwrite: false)
        #expect(try String(contentsOfFile: folder + "/b.txt", encoding: .utf8) == "new b")
    }
}
