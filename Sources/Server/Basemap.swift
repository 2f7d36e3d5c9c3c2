import Foundation
import GeoIO
import Synchronization
import Tiles

/// An offline basemap the city provides — an MBTiles or PMTiles file of raster tiles (PNG, JPEG or WebP) — served
/// at /basemap/{z}/{x}/{y} so the viewer needs no network to show where things are.
final class Basemap: Sendable {
    struct Description: Codable, Sendable {
        var name: String
        var format: String
        var minzoom: Int, maxzoom: Int
        var attribution: String?
        var tiles: String
    }

    let description: Description
    private enum Store {
        case mbtiles(SerialDatabase)
        case pmtiles(PMTilesReader)
    }

    /// SQLite connections are single-thread objects: one at a time.
    private final class SerialDatabase: Sendable {
        let database: Mutex<SQLiteDatabase>
        init(_ database: sending SQLiteDatabase) { self.database = Mutex(database) }
    }
    private let store: Store

    static let fix = "give an MBTiles or PMTiles v3 file of raster tiles (e.g. gdal_translate -of MBTILES, pmtiles convert, or a city's export)"

    init(path: String) throws {
        let fix = Self.fix
        guard FileManager.default.fileExists(atPath: path) else { throw BasemapError(description: "\(path): no such basemap file — \(fix)") }
        if path.lowercased().hasSuffix(".pmtiles") {
            (description, store) = try Self.pmtiles(path)
            return
        }
        let opened: SQLiteDatabase
        var metadata: [String: String] = [:]
        do {
            opened = try SQLiteDatabase(reading: path)
            for row in try opened.query("SELECT name, value FROM metadata") where row.count == 2 { metadata[row[0]] = row[1] }
            _ = try opened.query("SELECT zoom_level, tile_column, tile_row FROM tiles LIMIT 1")
        } catch {
            throw BasemapError(description: "\(path): not an MBTiles file (\((error as? GeoError)?.libraryMessage ?? "\(error)")) — \(fix)")
        }
        let format = (metadata["format"] ?? "png").lowercased()
        guard ["png", "jpg", "jpeg", "webp"].contains(format) else {
            throw BasemapError(description: "\(path): its tiles are '\(format)'; the viewer draws raster tiles (png, jpg, webp) — \(fix)")
        }
        let zooms = try opened.query("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").first ?? []
        guard zooms.count == 2, let minzoom = Int(zooms[0]), let maxzoom = Int(zooms[1]) else {
            throw BasemapError(description: "\(path): holds no tiles — \(fix)")
        }
        description = Description(name: metadata["name"] ?? URL(fileURLWithPath: path).lastPathComponent, format: format == "jpeg" ? "jpg" : format,
                                  minzoom: minzoom, maxzoom: maxzoom, attribution: metadata["attribution"], tiles: "/basemap/{z}/{x}/{y}")
        store = .mbtiles(SerialDatabase(opened))
    }

    private static func pmtiles(_ path: String) throws -> (Description, Store) {
        let reader: PMTilesReader
        do { reader = try PMTilesReader(path: path) } catch { throw BasemapError(description: "\(error) — \(fix)") }
        let formats: [PMTiles.TileType: String] = [.png: "png", .jpeg: "jpg", .webp: "webp"]
        guard let format = formats[reader.header.tileType], reader.header.tileCompression == .none || reader.header.tileCompression == .unknown else {
            throw BasemapError(description: "\(path): its tiles are \(reader.header.tileType) (\(reader.header.tileCompression)); the viewer draws raster tiles (png, jpg, webp) — \(fix)")
        }
        let metadata = ((try? JSONSerialization.jsonObject(with: reader.metadata())) as? [String: Any]) ?? [:]
        let description = Description(name: metadata["name"] as? String ?? URL(fileURLWithPath: path).lastPathComponent, format: format,
                                      minzoom: reader.header.minZoom, maxzoom: reader.header.maxZoom, attribution: metadata["attribution"] as? String,
                                      tiles: "/basemap/{z}/{x}/{y}")
        return (description, .pmtiles(reader))
    }

    var contentType: String { description.format == "jpg" ? "image/jpeg" : "image/\(description.format)" }

    /// The tile in XYZ numbering (MBTiles stores TMS rows, counted from the south; PMTiles XYZ), or nil when the file has none.
    func tile(z: Int, x: Int, y: Int) throws -> Data? {
        guard (0...30).contains(z), x >= 0, y >= 0, x < 1 << z, y < 1 << z else { return nil }
        switch store {
        case .mbtiles(let serial):
            return try serial.database.withLock { try $0.blob("SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3", [z, x, (1 << z) - 1 - y]) }
        case .pmtiles(let reader):
            return try reader.tile(WebMercator.Tile(z: z, x: x, y: y))
        }
    }
}

struct BasemapError: Error, CustomStringConvertible { let description: String }
