import Foundation
import GeoIO
import Model
import TestFixtures
import Testing
@testable import City
@testable import Engine
@testable import Run
@testable import Support

/// The run folder as one type: its layout named in one place, its bands addressed by window and term, and a run
/// that moves — copied elsewhere, opened from any folder, its city found from its record or given with --city.
@Suite(.serialized, .tags(.endToEnd)) struct RunFolderTests {
    static let sourcesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// Every Swift file of the sources outside the run type, without its comment lines.
    static func sourceFiles() throws -> [(path: String, code: String)] {
        let files = FileManager.default.enumerator(atPath: sourcesFolder.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        return try files.filter { !$0.hasSuffix("Run/RunFolder.swift") }.map { file in
            let text = try String(contentsOf: sourcesFolder.appendingPathComponent(file), encoding: .utf8)
            let code = text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
            return (file, code)
        }
    }

    @Test func noSourceOutsideTheRunTypeNamesARunEntryOrComputesABand() throws {
        let files = try Self.sourceFiles()
        #expect(files.count > 100, "the sources were found: \(files.count) files")
        // A run entry's file name inside a string literal (the folders diagnosis/, watering/, tiles/ are products of their own).
        let names = RunFolder.Entry.allCases.map(\.fileName).filter { $0.contains(".") }
        var named: [String] = []
        for (path, code) in files {
            for name in names {
                let pattern = "\"[^\"\\n]*\\b" + NSRegularExpression.escapedPattern(for: name) + "\\b[^\"\\n]*\""
                if code.range(of: pattern, options: .regularExpression) != nil { named.append("\(path): \(name)") }
            }
        }
        #expect(named.isEmpty, "run entries named outside RunFolder: \(named)")
        // Band arithmetic: an index computed from the number of terms or quantities.
        let arithmetic = #"(\*\s*(terms|ComfortTerm\.allCases)\.count|(terms|ComfortTerm\.allCases)\.count\s*[+*]|intermediateNames|Quantity\.allCases\.count\s*[+*])"#
        let computed = files.filter { $0.code.range(of: arithmetic, options: .regularExpression) != nil && !$0.path.hasPrefix("Model/") }.map(\.path)
        #expect(computed.isEmpty, "band indices computed outside RunFolder: \(computed)")
    }

    /// The typed addresses point at the bands the engine wrote: each band's description, written from the
    /// engine's own order, names the window and the term (or quantity) the address asked for.
    @Test func typedBandsAreTheBandsTheEngineWrote() throws {
        let folder = try RunFolder(SampleRun.folder + "/run")
        for regime in Regime.allCases {
            for term in ComfortTerm.allCases {
                let band = RunFolder.components(regime, term)
                let description = try folder.open(band.entry).band(band.number).bandDescription
                #expect(description == "\(regime.rawValue): \(term.label) (°C)", "\(band): \(description)")
            }
            for quantity in RunFolder.Quantity.allCases {
                let band = RunFolder.intermediate(regime, quantity)
                #expect(try folder.open(band.entry).band(band.number).bandDescription == "\(regime.rawValue): \(quantity.rawValue)")
            }
        }
        // A term's band sums with the others to the map (the explanation's promise), at a cell with a value.
        let day = try folder.read(RunFolder.map(.night))
        let cell = try #require(day.values.indices.first { !day.values[$0].isNaN && $0 > day.values.count / 2 })
        let sum = try ComfortTerm.allCases.map { try folder.read(RunFolder.components(.night, $0)).values[cell] }.reduce(0, +)
        #expect(abs(sum - day.values[cell]) < 1e-3, "night terms sum to the night map: \(sum) vs \(day.values[cell])")
    }

    /// The sample's run (5 m, calibrated) is the same, band for band, as the run this change was made on: SHA-256
    /// of each band's values as little-endian Float32, listed in Tests/Fixtures (written by GDAL's Python bindings
    /// from the run of ictu before the run folder became a type).
    @Test func theSampleRunIsBitIdenticalToTheStoredChecksums() throws {
        let list = Self.sourcesFolder.deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/sample-5m-band-checksums.txt")
        let expected = try String(contentsOf: list, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(expected.count == 42, "every band of every raster is listed")
        let run = SampleRun.folder + "/run"
        for line in expected {
            let (file, band, hash) = (line[0], Int(line[1])!, line[2])
            let dataset = try RasterDataset.open(run + "/" + file)
            let values = try dataset.band(band).read(x: 0, y: 0, width: dataset.width, height: dataset.height)
            let bytes = values.withUnsafeBufferPointer { Data(buffer: $0) }
            #expect(FileDigest.sha256(bytes) == hash, "\(file) band \(band) differs from the stored checksum")
        }
    }

    // MARK: - Runs that move

    /// The sample's city and run copied to a new folder, the record's absolute manifest path no longer valid (as
    /// after moving both): the run finds its city relative to itself.
    static let moved: String = {
        let folder = TestFiles.root + "moved-\(UUID().uuidString)"
        do {
            let fm = FileManager.default
            try fm.createDirectory(atPath: folder + "/run", withIntermediateDirectories: true)
            for item in ["Rasters", "SensorData", "city.yaml"] { try fm.copyItem(atPath: SampleRun.folder + "/" + item, toPath: folder + "/" + item) }
            for entry in RunFolder.runEntries { try fm.copyItem(atPath: SampleRun.folder + "/run/" + entry.fileName, toPath: folder + "/run/" + entry.fileName) }
            var record = try RunFolder(folder + "/run").record
            record.manifest = "city.yaml"
            record.manifestAbsolute = "/no/longer/here/city.yaml"
            try record.write(to: folder + "/run/" + RunFolder.Entry.record.fileName)
        } catch { Issue.record("moving the run: \(error)") }
        return folder
    }()

    @Test func aMovedRunFindsItsCityRelativeToItself() throws {
        let folder = try RunFolder(Self.moved + "/run")
        #expect(try folder.manifestPath() == URL(fileURLWithPath: Self.moved + "/city.yaml").standardizedFileURL.path)
        #expect(folder.record.manifestFromRun == "../city.yaml")
    }

    @Test func aMovedRunServedFromTheRootSimulatesADrawnPark() throws {
        let server = try ServerProcess.start(["--run", Self.moved + "/run"], directory: "/")
        defer { server.stop() }
        // A 100 m park in the industrial plots (Lambert-93), sent in WGS 84 as the viewer sends it.
        let toWGS = try CoordinateTransform(from: "EPSG:2154", to: "EPSG:4326")
        let corners = try [(418_300.0, 6_419_300.0), (418_400, 6_419_300), (418_400, 6_419_400), (418_300, 6_419_400), (418_300, 6_419_300)]
            .map { try toWGS.transform(x: $0.0, y: $0.1) }
        let ring = corners.map { "[\($0.x),\($0.y)]" }.joined(separator: ",")
        let body = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"p\",\"kind\":\"park\",\"years_after_planting\":30},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[\(ring)]]}}]}"
        let answer = try Process.output("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data-binary", body,
                                                                       "-H", "Content-Type: application/geo+json", server.base + "/api/scenario"])
        #expect(answer == "200", "POST /api/scenario from a run served from /: \(answer)")
    }

    @Test func aMovedRunDiagnosedFromTheRootHasItsBuildingsExposure() throws {
        let copy = TestFiles.root + "moved-diagnosis-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.moved + "/run", toPath: copy + "/run")
        try FileManager.default.copyItem(atPath: Self.moved + "/city.yaml", toPath: copy + "/city.yaml")
        try FileManager.default.createSymbolicLink(atPath: copy + "/Rasters", withDestinationPath: Self.moved + "/Rasters")
        try FileManager.default.createSymbolicLink(atPath: copy + "/SensorData", withDestinationPath: Self.moved + "/SensorData")
        let result = try IctuCommand.ictu(["diagnose", "--run", copy + "/run"], directory: "/")
        #expect(result.status == 0, "\(result.errors)")
        #expect(!result.errors.contains("warning"), "nothing left out: \(result.errors)")
        #expect(FileManager.default.fileExists(atPath: copy + "/run/diagnosis/buildings_exposure.csv"), "the buildings' exposure is written")
    }

    @Test func aRunWhoseCityIsGoneSaysSoAndTakesTheCityGiven() throws {
        let alone = TestFiles.root + "alone-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.moved + "/run", toPath: alone + "/run")
        let folder = try RunFolder(alone + "/run")
        let error = #expect(throws: OutputError.self) { try folder.manifestPath() }
        #expect(error?.description.contains("pass --city") == true, "\(String(describing: error))")
        #expect(try folder.manifestPath(given: Self.moved + "/city.yaml").hasSuffix("city.yaml"))
        // Diagnose says what it leaves out, and still diagnoses.
        let result = try IctuCommand.ictu(["diagnose", "--run", alone + "/run"], directory: "/")
        #expect(result.status == 0 && result.errors.contains("warning") && result.errors.contains("buildings' exposure"), "\(result.errors)")
    }

    @Test func aCityWhoseInputsChangedIsRefused() throws {
        let changed = TestFiles.root + "changed-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Self.moved, toPath: changed)
        try "sensor_id,site_id,commune,lon,lat,height_m\n".write(toFile: changed + "/SensorData/sensors.csv", atomically: true, encoding: .utf8)
        let error = #expect(throws: OutputError.self) { try RunFolder(changed + "/run").manifestPath() }
        #expect(error?.description.contains("sensors.csv has changed") == true, "\(String(describing: error))")
    }

    // MARK: - Manifest paths

    @Test func manifestPathsMayBeAbsoluteRelativeOrFromHome() {
        let folder = URL(fileURLWithPath: "/data/city")
        #expect(Manifest.resolve("Rasters/a.tif", relativeTo: folder) == "/data/city/Rasters/a.tif")
        #expect(Manifest.resolve("../shared/a.tif", relativeTo: folder) == "/data/shared/a.tif")
        #expect(Manifest.resolve("/srv/a.tif", relativeTo: folder) == "/srv/a.tif")
        #expect(Manifest.resolve("~/a.tif", relativeTo: folder) == NSHomeDirectory() + "/a.tif")
    }

    /// The fixture city computed from its manifest with relative paths and from a copy of it naming every file by
    /// its absolute path, in another folder: the same maps, to the bit.
    @Test func aManifestWithAbsolutePathsComputesTheSameMaps() throws {
        let city = try FixtureCity()
        let elsewhere = TestFiles.root + "absolute-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let absolute = FixtureCity.manifestText.replacingOccurrences(of: "Rasters/", with: city.folder + "/Rasters/")
            .replacingOccurrences(of: "SensorData/", with: city.folder + "/SensorData/")
        try absolute.write(toFile: elsewhere + "/city.yaml", atomically: true, encoding: .utf8)
        _ = try ComputeRun.run(manifest: city.manifest, out: city.folder + "/run")
        _ = try ComputeRun.run(manifest: elsewhere + "/city.yaml", out: elsewhere + "/run")
        for entry in RunFolder.runEntries where entry.fileName.hasSuffix(".tif") {
            let a = try RasterDataset.open(city.folder + "/run/" + entry.fileName), b = try RasterDataset.open(elsewhere + "/run/" + entry.fileName)
            for band in 1...a.bandCount {
                let x = try a.band(band).read(x: 0, y: 0, width: a.width, height: a.height), y = try b.band(band).read(x: 0, y: 0, width: b.width, height: b.height)
                #expect(x.withUnsafeBufferPointer { Data(buffer: $0) } == y.withUnsafeBufferPointer { Data(buffer: $0) }, "\(entry.fileName) band \(band)")
            }
        }
        // The record names the inputs as the manifest does, absolute, and checks them when the run is reopened.
        let folder = try RunFolder(elsewhere + "/run")
        #expect(folder.record.inputs.keys.contains(city.folder + "/Rasters/tree_canopy.tif"))
        #expect(try folder.manifestPath() == elsewhere + "/city.yaml")
    }
}
