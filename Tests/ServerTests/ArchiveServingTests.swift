import Foundation
import GeoIO
import TestFixtures
import Testing

/// A run's PMTiles archives as a static web server offers them (`ictu serve`'s /export/, Hummingbird's file
/// middleware: byte ranges, ETag), read by the viewer's own reader in headless Chromium; and a PMTiles basemap
/// written by Protomaps' converter, served tile for tile.
@Suite(.serialized, .tags(.endToEnd)) struct ArchiveServingTests {
    static let run: String = {
        do {
            let run = try SampleRun.copyOfRun()
            _ = try Process.output(IctuCommand.ictu, ["tiles", "--run", run, "--layer", "day", "--format", "xyz,pmtiles", "--quiet"])
            return run
        } catch { Issue.record("export failed: \(error)"); return "" }
    }()

    /// curl's answer: status, headers (lower-cased names) and body.
    func get(_ url: String, headers: [String] = []) throws -> (status: Int, headers: [String: String], body: Data) {
        let head = TestFiles.root + "head-\(UUID().uuidString)", body = TestFiles.root + "body-\(UUID().uuidString)"
        let status = Int(try Process.output("/usr/bin/curl", ["-s", "-D", head, "-o", body, "-w", "%{http_code}", url] + headers.flatMap { ["-H", $0] })) ?? 0
        var fields: [String: String] = [:]
        for line in (try String(contentsOfFile: head, encoding: .utf8)).split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, fields, (try? Data(contentsOf: URL(fileURLWithPath: body))) ?? Data())
    }

    @Test func theArchiveIsServedByRangesAndTheViewerDrawsItAsTheXYZTiles() throws {
        let server = try ServerProcess.start(["--run", Self.run])
        defer { server.stop() }
        let file = try Data(contentsOf: URL(fileURLWithPath: Self.run + "/tiles/day.pmtiles"))
        // The header as a PMTiles client asks for it: 206, the exact bytes, the file's size in Content-Range.
        let header = try get(server.base + "/export/day.pmtiles", headers: ["Range: bytes=0-126"])
        #expect(header.status == 206 && header.body == file.prefix(127) && header.headers["content-range"] == "bytes 0-126/\(file.count)")
        #expect(header.headers["accept-ranges"] == "bytes" && header.headers["etag"] != nil)
        let middle = try get(server.base + "/export/day.pmtiles", headers: ["Range: bytes=1000-1999"])
        #expect(middle.status == 206 && middle.body == file.subdata(in: 1000..<2000))
        let past = try get(server.base + "/export/day.pmtiles", headers: ["Range: bytes=\(file.count + 10)-"])
        #expect(past.status == 416 && past.headers["content-range"] == "bytes */\(file.count)")
        #expect(try get(server.base + "/export/night.pmtiles").status == 404, "not exported")
        #expect(try get(server.base + "/export/../run.json").status == 400 || (try get(server.base + "/export/%2e%2e/run.json")).status == 400)
        let document = try JSONSerialization.jsonObject(with: try get(server.base + "/api/run").body) as! [String: Any]
        #expect(document["archives"] as? [String: String] == ["day": "/export/day.pmtiles"])

        struct Check: Decodable {
            struct Status: Decodable { var hidden: Bool; var text: String; var warning: Bool }
            struct Difference: Decodable { var tile: String; var differing: Int }
            var compared: Int, differing: [Difference], archiveRequests: Int, rendererRequests: Int, status: Status
        }
        let script = Clients.repository + "/Tests/Browser/archive_check.py"
        let check = try JSONDecoder().decode(Check.self, from: Data(try Process.output("/usr/bin/python3", [script, server.base]).utf8))
        #expect(check.compared >= 4 && check.differing.isEmpty, "the archive's tiles drawn as the XYZ PNGs: \(check.differing)")
        #expect(check.archiveRequests > 1 && check.rendererRequests == 0, "tiles came from the archive only")
        #expect(!check.status.hidden && !check.status.warning && check.status.text.contains("/export/day.pmtiles"), "the viewer says where its tiles come from")
    }

    @Test func aPMTilesBasemapFromProtomapsConverterIsServedTileForTile() throws {
        let mbtiles = TestFiles.root + "basemap-\(UUID().uuidString).mbtiles", pmtiles = mbtiles.replacingOccurrences(of: ".mbtiles", with: ".pmtiles")
        _ = try Process.output("/usr/bin/gdal_translate", ["-q", "-of", "MBTILES", "-co", "TILE_FORMAT=PNG", SampleRun.folder + "/Rasters/albedo.tif", mbtiles])
        _ = try Process.output(Clients.python, ["-c", "import sys; from pmtiles.convert import mbtiles_to_pmtiles; mbtiles_to_pmtiles(sys.argv[1], sys.argv[2], 30)", mbtiles, pmtiles])
        let server = try ServerProcess.start(["--run", SampleRun.folder + "/run", "--basemap", pmtiles])
        defer { server.stop() }
        let database = try SQLiteDatabase(reading: mbtiles)
        let rows = try database.query("SELECT zoom_level, tile_column, tile_row FROM tiles")
        #expect(!rows.isEmpty)
        for row in rows.prefix(12) {
            let (z, x, tms) = (Int(row[0])!, Int(row[1])!, Int(row[2])!)
            let expected = try database.blob("SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3", [z, x, tms])
            let answer = try get(server.base + "/basemap/\(z)/\(x)/\((1 << z) - 1 - tms)")
            #expect(answer.status == 200 && answer.body == expected, "\(z)/\(x)/\(tms)")
        }
        let document = try JSONSerialization.jsonObject(with: try get(server.base + "/api/run").body) as! [String: Any]
        #expect((document["basemap"] as? [String: Any])?["format"] as? String == "png")
    }
}
