import Foundation
import GeoIO
import TestFixtures
import Testing

/// `ictu serve --basemap FILE.mbtiles`: the city's own basemap served offline under the maps, tile for tile as the
/// file holds it (MBTiles rows are counted from the south), and a file that is not one refused with its name.
@Suite(.tags(.endToEnd)) struct BasemapTests {
    /// An MBTiles of the sample's albedo, made by GDAL as a city would export its orthophoto (zoom 16 at 5 m).
    static func makeBasemap() throws -> String {
        let path = TestFiles.root + "ictu-basemap-\(UUID().uuidString).mbtiles"
        _ = try Process.output("/usr/bin/gdal_translate", ["-q", "-of", "MBTILES", "-co", "TILE_FORMAT=PNG", SampleRun.folder + "/Rasters/albedo.tif", path])
        return path
    }

    func get(_ url: String, to file: String) throws -> Int {
        Int(try Process.output("/usr/bin/curl", ["-s", "-o", file, "-w", "%{http_code}", url])) ?? 0
    }

    @Test func theCitysBasemapIsServedTileForTileOffline() throws {
        let mbtiles = try Self.makeBasemap()
        let server = try ServerProcess.start(["--run", SampleRun.folder + "/run", "--basemap", mbtiles])
        defer { server.stop() }
        let run = try JSONSerialization.jsonObject(with: Data(try Process.output("/usr/bin/curl", ["-s", server.base + "/api/run"]).utf8)) as! [String: Any]
        let basemap = try #require(run["basemap"] as? [String: Any], "the run document announces the basemap")
        #expect(basemap["format"] as? String == "png" && basemap["tiles"] as? String == "/basemap/{z}/{x}/{y}")
        // A tile the file holds, asked in XYZ numbering: the very bytes of the file's row (TMS, from the south).
        let database = try SQLiteDatabase(reading: mbtiles)
        let row = try #require(try database.query("SELECT zoom_level, tile_column, tile_row FROM tiles LIMIT 1").first)
        let (z, x, tms) = (Int(row[0])!, Int(row[1])!, Int(row[2])!)
        let y = (1 << z) - 1 - tms
        let expected = try #require(try database.blob("SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3", [z, x, tms]))
        let file = TestFiles.root + "tile-\(UUID().uuidString).png"
        #expect(try get(server.base + "/basemap/\(z)/\(x)/\(y)", to: file) == 200)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == expected, "the tile as the file holds it")
        // Where the file has none: a transparent tile, not an error (the viewer shows nothing there).
        #expect(try get(server.base + "/basemap/\(z)/0/0", to: file) == 200)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)).starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test(arguments: [("mbtiles", "not sqlite", "not an MBTiles file"), ("pmtiles", "PMTiles but not really", "not a PMTiles version 3 file")])
    func aFileThatIsNotABasemapIsRefusedWithItsName(suffix: String, content: String, message: String) throws {
        let bogus = TestFiles.root + "ictu-not-a-basemap-\(UUID().uuidString).\(suffix)"
        try content.write(toFile: bogus, atomically: true, encoding: .utf8)
        #expect {
            _ = try Process.output(IctuCommand.ictu, ["serve", "--run", SampleRun.folder + "/run", "--basemap", bogus, "--port", "0"])
        } throws: { "\($0)".contains(bogus) && "\($0)".contains(message) }
    }
}
