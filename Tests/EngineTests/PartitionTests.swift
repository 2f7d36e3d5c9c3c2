import Foundation
import GeoIO
import TestFixtures
import Testing
@testable import Engine
@testable import Run
@testable import Support

/// A run split with `--partition i/n` into pieces computed by separate processes (as a job array's tasks would be),
/// then assembled by `ictu mosaic`, is the one-machine run: every pixel of every band, the overviews, the band
/// descriptions and calibration.json (but for its timings) are identical.
@Suite(.serialized, .tags(.endToEnd)) struct PartitionTests {
    /// The 5 m sample (800 × 800 cells) in 256-cell blocks: 4 rows of blocks, 3 unequal partitions (256, 256, 288
    /// rows), and maps large enough for a COG overview level — so a mosaic that copied the pieces' own overviews
    /// (averaged without their neighbours across a seam) would be caught.
    static let pieces = 3
    static let computed: (single: String, parts: [String], mosaic: String) = {
        let root = TestFiles.root + "ictu-partitions-\(UUID().uuidString)"
        let manifest = SampleRun.folder + "/city.yaml"
        let single = root + "/single", parts = (0..<pieces).map { root + "/part-\($0)" }, mosaic = root + "/mosaic"
        do {
            let runs = try [IctuCommand.launch(["compute", "--city", manifest, "--out", single, "--block", "256"])]
                + (0..<pieces).map { try IctuCommand.launch(["compute", "--city", manifest, "--out", parts[$0], "--block", "256", "--partition", "\($0)/\(pieces)"]) }
            for run in runs {
                run.waitUntilExit()
                if run.terminationStatus != 0 { Issue.record("compute failed: \((try? String(contentsOfFile: IctuCommand.logPath(run), encoding: .utf8)) ?? "")") }
            }
            let result = try IctuCommand.ictu(["mosaic", "--out", mosaic] + parts.reversed())
            if result.status != 0 { Issue.record("mosaic failed: \(result.errors)") }
        } catch { Issue.record("launching ictu: \(error)") }
        return (single, parts, mosaic)
    }()

    /// gdalinfo's description of a raster with every band's and overview's checksum, its own file name left out.
    static func gdalinfo(_ path: String) throws -> [String] {
        try Process.output("/usr/bin/gdalinfo", ["-checksum", path]).split(separator: "\n").map(String.init)
            .filter { !$0.contains(path) && !$0.hasPrefix("Files:") }
    }

    @Test(arguments: RunFolder.runEntries.map(\.fileName).filter { $0.hasSuffix(".tif") })
    func mosaicEqualsTheOneMachineRun(raster: String) throws {
        let (single, _, mosaic) = Self.computed
        let a = try RasterDataset.open(single + "/" + raster), b = try RasterDataset.open(mosaic + "/" + raster)
        #expect(a.width == b.width && a.height == b.height && a.bandCount == b.bandCount)
        for k in 1...a.bandCount {
            let x = try a.band(k).read(x: 0, y: 0, width: a.width, height: a.height), y = try b.band(k).read(x: 0, y: 0, width: b.width, height: b.height)
            // Bit for bit: NaN where NaN, and no last-bit difference anywhere.
            let differing = zip(x, y).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(raster) band \(k): \(differing) cells differ")
        }
        let info = try Self.gdalinfo(single + "/" + raster)
        #expect(info == (try Self.gdalinfo(mosaic + "/" + raster)))
        if ["ictu_day.tif", "ictu_delta_median.tif"].contains(raster) { #expect(info.contains { $0.contains("Overviews checksum") }, "the test needs an overview level") }
    }

    @Test func recordsAgreeAndThePiecesAreWhatWasAsked() throws {
        let (single, parts, mosaic) = Self.computed
        var a = try RunFolder(single).record, b = try RunFolder(mosaic).record
        a.stageSeconds = [:]; b.stageSeconds = [:]
        #expect(try Mosaic.identity(a) == Mosaic.identity(b))
        #expect(a.medianDayICTU == b.medianDayICTU && a.invalidCellHours == b.invalidCellHours)
        let rows = try parts.map { try RunFolder.partition($0).record.partition! }.map { [$0.firstRow, $0.endRow] }
        #expect(rows == [[0, 256], [256, 512], [512, 800]])
        // A piece is not a run: the tools that read runs send the user to the mosaic.
        let error = #expect(throws: OutputError.self) { try RunFolder(parts[0]).record }
        #expect(error.map { "\($0)" }?.contains("ictu mosaic") == true)
    }

    @Test func aMosaicRefusesAnIncompleteOrMixedSet() throws {
        let (_, parts, _) = Self.computed
        let out = TestFiles.root + "ictu-mosaic-refused-\(UUID().uuidString)"
        let missing = try IctuCommand.ictu(["mosaic", "--out", out, parts[0], parts[2]])
        #expect(missing.status != 0 && missing.errors.contains("partition 1/3 missing"), "\(missing.errors)")
        let twice = try IctuCommand.ictu(["mosaic", "--out", out, parts[0], parts[1], parts[1]])
        #expect(twice.status != 0 && twice.errors.contains("are both partition 1/3"), "\(twice.errors)")
        // A piece from another city (a changed input hash) is not assembled with the others.
        let other = TestFiles.root + "ictu-partition-other-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: parts[1], toPath: other)
        let json = other + "/partition.json"
        let text = try String(contentsOfFile: json, encoding: .utf8)
        let record = try RunFolder.partition(other).record
        let someInput = record.inputs.keys.sorted()[0]
        try text.replacingOccurrences(of: record.inputs[someInput]!, with: String(repeating: "0", count: 64)).write(toFile: json, atomically: true, encoding: .utf8)
        let mixed = try IctuCommand.ictu(["mosaic", "--out", out, parts[0], other, parts[2]])
        #expect(mixed.status != 0 && mixed.errors.contains("different inputs (\(someInput))"), "\(mixed.errors)")
        #expect(!FileManager.default.fileExists(atPath: out), "a refused mosaic writes nothing")
    }

    @Test func partitionArgumentsAreChecked() throws {
        let manifest = SampleRun.folder + "/city.yaml", out = TestFiles.root + "ictu-partition-bad-\(UUID().uuidString)"
        let outOfRange = try IctuCommand.ictu(["compute", "--city", manifest, "--out", out, "--partition", "3/3"])
        #expect(outOfRange.status != 0 && outOfRange.errors.contains("the index runs from 0 to the count − 1"), "\(outOfRange.errors)")
        let malformed = try IctuCommand.ictu(["compute", "--city", manifest, "--out", out, "--partition", "two"])
        #expect(malformed.status != 0 && malformed.errors.contains("expected INDEX/COUNT"), "\(malformed.errors)")
        // 800 rows in 256-cell blocks: 4 rows of blocks, so 5 pieces cannot be made of whole blocks.
        let tooMany = try IctuCommand.ictu(["compute", "--city", manifest, "--out", out, "--block", "256", "--partition", "0/5"])
        #expect(tooMany.status != 0 && tooMany.errors.contains("at most 4 partitions"), "\(tooMany.errors)")
        #expect(!FileManager.default.fileExists(atPath: out))
        // Said before the inputs are read (at 25 km that is 15 s of sensors and scans): here the sensor file the
        // manifest names is missing, and the partition is still what is reported.
        let city = TestFiles.root + "ictu-partition-city-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: city, withIntermediateDirectories: true)
        for folder in ["Rasters", "SensorData"] {
            try FileManager.default.createSymbolicLink(atPath: city + "/" + folder, withDestinationPath: SampleRun.folder + "/" + folder)
        }
        let text = try String(contentsOfFile: manifest, encoding: .utf8).replacingOccurrences(of: "measurements_2021.csv.gz", with: "missing.csv")
        try text.write(toFile: city + "/city.yaml", atomically: true, encoding: .utf8)
        let early = try IctuCommand.ictu(["compute", "--city", city + "/city.yaml", "--out", out, "--block", "256", "--partition", "0/5"])
        #expect(early.status != 0 && early.errors.contains("at most 4 partitions") && !early.errors.contains("missing.csv"), "\(early.errors)")
    }

    @Test func partitionRowsAreWholeBlocksAndCoverTheGrid() throws {
        for (height, block, n) in [(800, 256, 3), (1000, 64, 7), (5, 1024, 1), (4096, 512, 8)] {
            let rows = try (0..<n).map { try Partition(index: $0, count: n).rows(gridHeight: height, blockSize: block) }
            #expect(rows.first!.lowerBound == 0 && rows.last!.upperBound == height)
            for (r, s) in zip(rows, rows.dropFirst()) { #expect(r.upperBound == s.lowerBound && r.lowerBound % block == 0 && !r.isEmpty) }
        }
    }
}
