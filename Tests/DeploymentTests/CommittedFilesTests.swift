import Foundation
import TestFixtures
import Testing

/// Every committed raster opens in `gdalinfo` with a CRS, and every vector in `ogrinfo` (GDAL's own clients).
@Suite(.tags(.endToEnd)) struct CommittedFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func files(withExtension ext: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: Self.root.appendingPathComponent("Rasters").path)!
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(ext) }.sorted()
    }

    @Test func rastersOpenInGdalinfoWithACRS() throws {
        let rasters = files(withExtension: ".tif")
        #expect(rasters.count >= 15)
        for file in rasters {
            let (status, output) = try run("gdalinfo", ["-json", Self.root.appendingPathComponent("Rasters/" + file).path])
            #expect(status == 0, "\(file): \(output.prefix(200))")
            #expect(output.contains("\"ID[\\\"EPSG\\\",2154]") || output.contains("Lambert-93"), "\(file) has its CRS")
        }
    }

    @Test func vectorsOpenInOgrinfo() throws {
        let vectors = files(withExtension: ".gpkg")
        #expect(Set(vectors) == ["buildings.gpkg", "trees.gpkg", "streets.gpkg", "districts.gpkg"], "\(vectors)")
        for file in vectors {
            let (status, output) = try run("ogrinfo", ["-so", "-al", Self.root.appendingPathComponent("Rasters/" + file).path])
            #expect(status == 0 && output.contains("Lambert-93") && output.contains("Feature Count"), "\(file): \(output.prefix(300))")
        }
    }
}
