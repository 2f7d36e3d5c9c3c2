import Foundation
import GeoIO
import Run
import Support

/// `ictu tiles`: a run's layers as XYZ PNG folders with TileJSON 3.0.0, MBTiles 1.3 and PMTiles v3 files, under RUN/tiles/.
public struct TileExportOptions: Sendable {
    public enum Format: String, CaseIterable, Sendable { case xyz, mbtiles, pmtiles }
    public var layers: [String] = ["day", "night"]
    public var formats: Set<Format> = Set(Format.allCases)
    /// Default: from the grid's resolution (WebMercator.zoomRange).
    public var zooms: ClosedRange<Int>? = nil
    /// Where the tiles folder will be served from (`https://maps.example.org/ictu/tiles`, or `file:///srv/run/tiles`):
    /// the TileJSON then names its tiles by absolute URL, as QGIS's XYZ connection and most clients need. Without
    /// it the URL is relative to the TileJSON (`{z}/{x}/{y}.png`).
    public var baseURL: String? = nil
    public var overwrite = false
    public init() {}

    /// The base URL checked (http, https or file) and without its trailing slash.
    public static func checkedBaseURL(_ text: String) throws -> String {
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        guard ["http://", "https://", "file://"].contains(where: url.lowercased().hasPrefix), URL(string: url) != nil, !url.contains("{") else {
            throw OutputError("--base-url \(text): give the absolute URL the tiles folder is served from, e.g. https://maps.example.org/ictu/tiles or file:///srv/run/tiles")
        }
        return url
    }
}

public struct TileExportSummary: Codable, Sendable {
    public var layers: [String]
    public var zooms: ClosedRange<Int>
    public var tiles: Int
    public var folder: String
}

/// What a run offers to a map client: its layers, its bounds in WGS 84 and its zoom levels.
public struct TileCatalogue: Sendable {
    public let folder: RunFolder
    public var record: RunRecord { folder.record }
    public let layers: [TileLayer]
    /// West, south, east, north in degrees.
    public let bounds: (west: Double, south: Double, east: Double, north: Double)
    public let zooms: ClosedRange<Int>

    public init(_ folder: RunFolder) throws {
        self.folder = folder
        layers = TileLayer.catalogue(folder)
        let grid = folder.record.grid
        let toWGS = try CoordinateTransform(from: grid.crs, to: "EPSG:4326")
        // The grid's outline, 16 points a side (its edges are not straight in degrees).
        var xs: [Double] = [], ys: [Double] = []
        for k in 0...16 {
            let t = Double(k) / 16
            xs += [grid.minX + t * (grid.maxX - grid.minX), grid.minX + t * (grid.maxX - grid.minX), grid.minX, grid.maxX]
            ys += [grid.minY, grid.maxY, grid.minY + t * (grid.maxY - grid.minY), grid.minY + t * (grid.maxY - grid.minY)]
        }
        try toWGS.transform(xs: &xs, ys: &ys)
        bounds = (xs.min()!, ys.min()!, xs.max()!, ys.max()!)
        zooms = WebMercator.zoomRange(cellSize: grid.cellSize, widthMetres: Double(max(grid.width, grid.height)) * grid.cellSize,
                                      latitude: (bounds.south + bounds.north) / 2)
    }

    public func layer(_ name: String) -> TileLayer? { layers.first { $0.name == name } }

    public var center: (longitude: Double, latitude: Double) { ((bounds.west + bounds.east) / 2, (bounds.south + bounds.north) / 2) }

    /// TileJSON 3.0.0 for a layer, its tiles at `tilesURL` (a template with {z}/{x}/{y}); without tiles, the same
    /// description as a PMTiles archive's metadata.
    public func tileJSON(_ layer: TileLayer, tilesURL: String?, zooms: ClosedRange<Int>? = nil) -> TileJSON {
        let z = zooms ?? self.zooms
        return TileJSON(tilejson: tilesURL == nil ? nil : "3.0.0", name: "ictu \(layer.name)", description: layer.title, version: "1.0.0",
                        scheme: tilesURL == nil ? nil : "xyz", type: "overlay", format: "png",
                        tiles: tilesURL.map { [$0] }, minzoom: z.lowerBound, maxzoom: z.upperBound,
                        bounds: [bounds.west, bounds.south, bounds.east, bounds.north],
                        center: [center.longitude, center.latitude, Double(z.upperBound - 2 >= z.lowerBound ? z.upperBound - 2 : z.lowerBound)],
                        attribution: "ICTU, ictu \(record.engineVersion)", legend: layer.legend)
    }

    /// A PMTiles header with the run's bounds and centre (counts and offsets are the writer's).
    func pmtilesHeader(zooms: ClosedRange<Int>) -> PMTiles.Header {
        var header = PMTiles.Header()
        header.tileType = .png
        header.tileCompression = .none
        header.minLonE7 = PMTiles.Header.e7(bounds.west); header.minLatE7 = PMTiles.Header.e7(bounds.south)
        header.maxLonE7 = PMTiles.Header.e7(bounds.east); header.maxLatE7 = PMTiles.Header.e7(bounds.north)
        header.centerZoom = max(zooms.lowerBound, zooms.upperBound - 2)
        header.centerLonE7 = PMTiles.Header.e7(center.longitude); header.centerLatE7 = PMTiles.Header.e7(center.latitude)
        return header
    }

}

public enum TileExport {
    public static func run(run: String, options: TileExportOptions = TileExportOptions(), progress: ProgressHandler = { _, _ in }) throws -> TileExportSummary {
        let map = try TileCatalogue(try RunFolder(run))
        let zooms = options.zooms ?? map.zooms
        guard zooms.lowerBound >= 0, zooms.upperBound <= 24 else { throw OutputError("zoom levels run from 0 to 24 (asked \(zooms))") }
        let layers = try options.layers.map { name -> TileLayer in
            guard let layer = map.layer(name) else {
                throw OutputError("no layer \"\(name)\" in \(run); it has: \(map.layers.map(\.name).joined(separator: ", "))")
            }
            return layer
        }
        var entries: [String] = []
        for layer in layers {
            if options.formats.contains(.xyz) { entries.append(layer.name) }
            if options.formats.contains(.mbtiles) { entries.append(layer.name + ".mbtiles") }
            if options.formats.contains(.pmtiles) { entries.append(layer.name + ".pmtiles") }
        }
        let staged = try StagedOutput(destination: map.folder.path(.tiles), entries: entries, overwrite: options.overwrite)
        let renderer = try TileRenderer(grid: map.record.grid)
        // In PMTiles order (zoom by zoom along a Hilbert curve): the archive is written as tiles come, and
        // neighbouring tiles read neighbouring COG windows.
        var tiles: [(id: UInt64, tile: WebMercator.Tile)] = []
        for z in zooms {
            tiles += WebMercator.tiles(z: z, west: map.bounds.west, south: map.bounds.south, east: map.bounds.east, north: map.bounds.north)
                .map { (PMTiles.tileID($0), $0) }
        }
        tiles.sort { $0.id < $1.id }
        let allTiles = tiles
        let written = Counter()
        // Every layer of a tile at once: the tile's pixel positions (PROJ lattice, interpolated) are the same for all.
        let sources = try layers.map { try COGLayer(map.folder, band: $0.band!) }
        let databases = try layers.map { layer in
            options.formats.contains(.mbtiles) ? try MBTilesWriter(path: try staged.path(layer.name + ".mbtiles"), map: map, layer: layer, zooms: zooms) : nil
        }
        let archives = try layers.map { layer in
            options.formats.contains(.pmtiles) ? try PMTilesWriter(path: try staged.path(layer.name + ".pmtiles")) : nil
        }
        let locks = layers.map { _ in NSLock() }
        let failure = ErrorBox()
        let xyz = options.formats.contains(.xyz), pmtiles = options.formats.contains(.pmtiles)
        let label = "tiles: " + layers.map(\.name).joined(separator: ", ")
        progress(label, 0)
        // Batches rendered on every core, then appended to the archives in id order: memory holds one batch of PNGs.
        let batchSize = 256
        for batchStart in stride(from: 0, to: allTiles.count, by: batchSize) {
            let batch = allTiles[batchStart..<min(allTiles.count, batchStart + batchSize)]
            let pngs = SharedSlots<Data?>(count: batch.count * layers.count, initial: nil)
            DispatchQueue.concurrentPerform(iterations: batch.count) { i in
                guard !failure.hasError else { return }
                let tile = batch[batch.startIndex + i].tile
                do {
                    let pixels = try renderer.gridCoordinates(tile)
                    for (l, layer) in layers.enumerated() {
                        let values = try sources[l].values(pixels)
                        guard let png = try renderer.png(values: values, layer: layer) else { continue }
                        if xyz { try png.write(to: URL(fileURLWithPath: try staged.path("\(layer.name)/\(tile.z)/\(tile.x)/\(tile.y).png"))) }
                        if let database = databases[l] { try locks[l].withLock { try database.insert(tile, png: png) } }
                        if pmtiles { pngs[i * layers.count + l] = png }
                        _ = written.increment()
                    }
                } catch { failure.set(error) }
            }
            if let error = failure.error { throw error }
            for (i, (id, _)) in batch.enumerated() {
                for l in layers.indices { if let archive = archives[l], let png = pngs[i * layers.count + l] { try archive.append(id, png) } }
            }
            progress(label, Double(batchStart + batch.count) / Double(allTiles.count))
        }
        for (l, layer) in layers.enumerated() {
            try databases[l]?.finish()
            if let archive = archives[l] {
                try archive.finish(header: map.pmtilesHeader(zooms: zooms), metadata: try JSONCoding.compactEncoder.encode(map.tileJSON(layer, tilesURL: nil, zooms: zooms)))
            }
            if xyz {
                let tiles = options.baseURL.map { "\($0)/\(layer.name)/{z}/{x}/{y}.png" } ?? "{z}/{x}/{y}.png"
                try JSONCoding.write(map.tileJSON(layer, tilesURL: tiles, zooms: zooms), to: try staged.path("\(layer.name)/tilejson.json"))
            }
        }
        try staged.commit()
        progress("done", 1)
        return TileExportSummary(layers: layers.map(\.name), zooms: zooms, tiles: written.value, folder: map.folder.path(.tiles))
    }
}

/// An MBTiles 1.3 file being written: metadata, then tiles (TMS rows: y up) in one transaction. Callers serialise inserts.
final class MBTilesWriter: @unchecked Sendable {
    let database: SQLiteDatabase
    init(path: String, map: TileCatalogue, layer: TileLayer, zooms: ClosedRange<Int>) throws {
        database = try SQLiteDatabase(creating: path)
        try database.execute("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE metadata (name TEXT, value TEXT);
            CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
            CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
            BEGIN;
            """)
        let b = map.bounds
        let centreZoom = max(zooms.lowerBound, zooms.upperBound - 2)
        let metadata: [(String, String)] = [
            ("name", "ictu \(layer.name)"), ("format", "png"), ("type", "overlay"), ("version", "1.0.0"), ("description", layer.title),
            ("bounds", String(format: "%.6f,%.6f,%.6f,%.6f", b.west, b.south, b.east, b.north)),
            ("center", String(format: "%.6f,%.6f,%d", map.center.longitude, map.center.latitude, centreZoom)),
            ("minzoom", "\(zooms.lowerBound)"), ("maxzoom", "\(zooms.upperBound)"), ("attribution", "ICTU, ictu \(map.record.engineVersion)"),
        ]
        for (name, value) in metadata { try database.run("INSERT INTO metadata (name, value) VALUES (?1, ?2)", [.text(name), .text(value)]) }
    }

    func insert(_ tile: WebMercator.Tile, png: Data) throws {
        try database.run("INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?1, ?2, ?3, ?4)",
                         [.integer(tile.z), .integer(tile.x), .integer((1 << tile.z) - 1 - tile.y), .blob(png)])
    }

    func finish() throws { try database.execute("COMMIT;") }
}

/// TileJSON 3.0.0 (https://github.com/mapbox/tilejson-spec), with the layer's legend as an extra key; without
/// `tilejson`, `scheme` and `tiles`, a PMTiles archive's metadata (its recommended name, description, type, version,
/// attribution; the same legend).
public struct TileJSON: Codable, Sendable {
    public var tilejson: String?
    public var name: String, description: String, version: String
    public var scheme: String?
    /// MBTiles' and PMTiles' keys: an overlay of PNG tiles.
    public var type: String, format: String
    public var tiles: [String]?
    public var minzoom: Int, maxzoom: Int
    public var bounds: [Double], center: [Double]
    public var attribution: String
    public var legend: Legend
}
