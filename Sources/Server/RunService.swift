import City
import Engine
import Foundation
import Model
import Synchronization
import GeoIO
import Run
import Support
import Tiles

/// What the server knows of one run: its map, tiles rendered on demand (from windows of its COGs, PNGs
/// kept in a bounded cache), and the documents of its API. Thread-safe.
public final class RunService: Sendable {
    public let map: TileCatalogue
    var folder: RunFolder { map.folder }
    let renderer: TileRenderer
    /// The layers' COGs, each opened once, by band.
    private let sources = Mutex<[RunFolder.Band: COGLayer]>([:])
    private let cache: TileCache
    /// An empty, fully transparent tile (for tiles off the grid).
    let emptyTile: Data
    /// Scenarios posted to the viewer, simulated on this run.
    let scenarios: ScenarioService

    /// The city's offline basemap (`serve --basemap`, or the manifest's `basemap:`), when it has one.
    let basemap: Basemap?

    /// Serves the run at `run`; `manifest` is its city when the city moved (else found from the run's record);
    /// `basemap` an MBTiles file to show under the maps (else the manifest's, if it names one).
    public init(run: String, manifest: String? = nil, basemap: String? = nil, cacheBytes: Int = 64 << 20) throws {
        map = try TileCatalogue(try RunFolder(run))
        renderer = try TileRenderer(grid: map.record.grid)
        cache = TileCache(capacityBytes: cacheBytes)
        emptyTile = try PNGImage.encode(rgba: [UInt8](repeating: 0, count: 256 * 256 * 4), width: 256, height: 256)
        scenarios = ScenarioService(folder: map.folder, manifest: manifest)
        if let basemap {
            self.basemap = try Basemap(path: basemap)
        } else if let path = try? map.folder.manifestPath(given: manifest), let named = (try? Manifest.load(path))?.basemap {
            self.basemap = try Basemap(path: Manifest.resolve(named, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent()))
        } else {
            self.basemap = nil
        }
    }

    /// The city's building footprints (the manifest's `vectors.buildings`), found on the first request; nil when the
    /// city has none or cannot be found.
    private let buildingsPath = Mutex<String??>(nil)

    /// GET /api/buildings: the footprints meeting a WGS 84 box, as GeoJSON geometries in WGS 84 (at most `limit`).
    func buildings(west: Double, south: Double, east: Double, north: Double, limit: Int) throws -> (geometries: [String], truncated: Bool)? {
        let path: String? = try buildingsPath.withLock { cached in
            if let cached { return cached }
            let manifest = try? folder.manifestPath(given: scenarios.manifest)
            let found = manifest.flatMap { m in (try? Manifest.load(m))?.vectors?["buildings"].map { Manifest.resolve($0.path, relativeTo: URL(fileURLWithPath: m).deletingLastPathComponent()) } }
            cached = .some(found)
            return found
        }
        guard let path else { return nil }
        let layer = try VectorDataset.open(path).layer()
        guard let crs = layer.spatialReference else { return nil }
        let wgs84 = try SpatialReference(definition: "EPSG:4326")
        var xs = [west, east, west, east], ys = [south, south, north, north]
        try CoordinateTransform(from: "EPSG:4326", to: crs.wkt).transform(xs: &xs, ys: &ys)
        return try layer.geoJSONGeometries(in: (xs.min()!, ys.min()!, xs.max()!, ys.max()!), to: wgs84, limit: limit)
    }

    /// The city's names (its manifest's `streets` and `districts` roles), read on the first use; nil when it has none
    /// or its city cannot be found.
    private let placeIndexes = Mutex<[PlaceIndex]?>(nil)

    func places() throws -> [PlaceIndex] {
        try placeIndexes.withLock { cached in
            if let cached { return cached }
            var found: [PlaceIndex] = []
            if let manifest = try? folder.manifestPath(given: scenarios.manifest) {
                for role in ["streets", "districts"] {
                    if let index = try PlaceIndex.read(manifest: manifest, role: role, gridCRS: map.record.grid.crs) { found.append(index) }
                }
            }
            cached = found
            return found
        }
    }

    /// GET /api/search?q=: the city's streets, squares, parks and districts whose name holds the words typed.
    func search(_ query: String, limit: Int = 10) throws -> [Place] {
        Array(try places().flatMap { $0.search(query, limit: limit) }.prefix(limit))
    }

    /// Point readers kept between requests (each one request at a time), so their rasters stay open and cached; two
    /// (the cores), as each holds its own decoded blocks.
    private let idleReaders = Mutex<[PointReader]>([])

    /// `ictu explain` at a point, by a pooled reader.
    func explain(longitude: Double, latitude: Double) throws -> Explanation {
        let reader = try idleReaders.withLock { $0.popLast() } ?? PointReader(run: folder.path)
        defer { idleReaders.withLock { if $0.count < 2 { $0.append(reader) } } }
        return try reader.explain(longitude: longitude, latitude: latitude)
    }

    /// A held scenario's explanation at a point: its recomputed bands where the edits reach, the run's elsewhere.
    /// Nil when the scenario is not (or no longer) held.
    func explain(scenario id: String, longitude: Double, latitude: Double) throws -> Explanation? {
        guard scenarios.holds(id) else { return nil }
        let reader = try idleReaders.withLock { $0.popLast() } ?? PointReader(run: folder.path)
        defer { idleReaders.withLock { if $0.count < 2 { $0.append(reader) } } }
        return try reader.explain(longitude: longitude, latitude: latitude) { band, cell in try self.scenarios.value(id, band, at: cell) }
    }

    /// The layer's COG, read by windows (opened once per layer).
    func source(_ layer: TileLayer) throws -> COGLayer {
        guard let band = layer.band else { throw OutputError("layer \(layer.name) is not drawn from the run's rasters") }
        if let s = sources.withLock({ $0[band] }) { return s }
        let s = try COGLayer(folder, band: band)
        sources.withLock { $0[band] = s }
        return s
    }

    /// The tile's PNG (transparent when off the grid), from the cache when it was drawn before.
    func tile(_ layer: TileLayer, _ tile: WebMercator.Tile) throws -> Data {
        try cachedTile("\(layer.name)/\(tile)", layer, tile) { try source(layer) }
    }

    /// A tile of a scenario's layer; nil when the scenario is not (or no longer) held.
    func scenarioTile(_ id: String, _ layer: TileLayer, _ tile: WebMercator.Tile) throws -> Data? {
        guard let pyramid = scenarios.pyramid(id, layer: layer.name) else { return nil }
        return try cachedTile("scenario/\(id)/\(layer.name)/\(tile)", layer, tile) { pyramid }
    }

    private func cachedTile(_ key: String, _ layer: TileLayer, _ tile: WebMercator.Tile, source: () throws -> any TileSource) throws -> Data {
        if let hit = cache.get(key) { return hit }
        // Deflate's fastest level: a tile drawn on demand is 3 % larger than at level 3 and served 15–20 % faster
        // (Benchmarks/RESULTS.md); exported tiles, written once, keep the default level.
        let png = renderer.touches(tile, bounds: map.bounds) ? try renderer.png(tile, layer: layer, source: try source(), compression: 1) ?? emptyTile : emptyTile
        cache.put(key, png)
        return png
    }

    /// Vector layers `ictu diagnose` and `ictu watering` wrote into the run (GeoJSON in WGS 84), by name.
    static var diagnosisLayers: [String] { RunFolder.VectorLayer.allCases.map(\.rawValue) }
    var availableDiagnosis: [String] {
        RunFolder.VectorLayer.allCases.filter { FileManager.default.fileExists(atPath: folder.path($0)) }.map(\.rawValue)
    }
    func diagnosis(_ name: String) -> Data? {
        guard let layer = RunFolder.VectorLayer(rawValue: name) else { return nil }
        return FileManager.default.contents(atPath: folder.path(layer))
    }

    /// /api/run: the run's metadata and its layers with their legends.
    func runDocument() -> RunDocument {
        let r = map.record
        var calibration = RunDocument.Calibration(calibrated: r.calibrated, residualSpatialCorrelation: r.residualSpatialCorrelation, note: r.calibrationNote)
        calibration.day = r.day.map { .init(leaveOneSiteOutRMSE: $0.leaveOneSiteOut.rmse, sites: $0.sites) }
        calibration.night = r.night.map { .init(leaveOneSiteOutRMSE: $0.leaveOneSiteOut.rmse, sites: $0.sites) }
        return RunDocument(engineVersion: r.engineVersion, manifest: r.manifest,
                           grid: .init(crs: r.grid.crs, cellSize: r.grid.cellSize, width: r.grid.width, height: r.grid.height),
                           bounds: [map.bounds.west, map.bounds.south, map.bounds.east, map.bounds.north], center: [map.center.longitude, map.center.latitude],
                           minzoom: map.zooms.lowerBound, maxzoom: map.zooms.upperBound, hotDays: r.hotDays, windows: r.windows,
                           medianDayICTU: r.medianDayICTU, calibration: calibration, diagnosis: availableDiagnosis, layers: map.layers.map(LayerDocument.init),
                           warnings: r.warnings ?? [], cityName: r.cityName, searchable: !((try? places()) ?? []).isEmpty, basemap: basemap?.description, archives: exportedArchives())
    }

    /// The layers with an exported PMTiles archive in the run's tiles/ folder (looked at per request: an export may
    /// land while the server runs), as their /export/ URLs.
    func exportedArchives() -> [String: String] {
        let files = Set((try? FileManager.default.contentsOfDirectory(atPath: map.folder.path(.tiles))) ?? [])
        var archives: [String: String] = [:]
        for layer in map.layers where files.contains(layer.name + ".pmtiles") { archives[layer.name] = "/export/\(layer.name).pmtiles" }
        return archives
    }

    /// /api/sites: the sensor sites as GeoJSON, with QC per sensor and observed vs predicted anomalies.
    func sitesDocument() -> SitesDocument {
        let r = map.record
        let features = r.sites.map { site in
            var properties = SitesDocument.Properties(id: site.id, commune: site.commune, setting: site.setting, sensors: site.sensors.map { id in
                guard let qc = r.qc?.sensors[id] else { return .init(id: id) }
                return .init(id: id, keptHours: qc.keptHours, expectedHours: qc.expectedHours, rejected: qc.rejected,
                             flags: qc.counts.filter { $0.value > 0 }, radiationBias: qc.radiationBiasCelsius)
            })
            func anomaly(_ c: RegimeCalibration?) -> SitesDocument.Anomaly? {
                guard let c, let o = c.observed[site.id], let res = c.residuals[site.id] else { return nil }
                return .init(observed: o, predicted: o - res)
            }
            properties.day = anomaly(r.day); properties.night = anomaly(r.night)
            return SitesDocument.Feature(geometry: .init(coordinates: [site.longitude, site.latitude]), properties: properties)
        }
        return SitesDocument(features: features)
    }
}

/// A byte-bounded least-recently-used cache of encoded tiles.
final class TileCache: Sendable {
    private struct State {
        var entries: [String: (data: Data, stamp: Int)] = [:]
        var bytes = 0, clock = 0
    }
    private let state = Mutex(State())
    let capacityBytes: Int
    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    func get(_ key: String) -> Data? {
        state.withLock { s in
            guard let e = s.entries[key] else { return nil }
            s.clock += 1
            s.entries[key] = (e.data, s.clock)
            return e.data
        }
    }

    func put(_ key: String, _ data: Data) {
        let capacity = capacityBytes
        state.withLock { s in
            s.clock += 1
            if let old = s.entries[key] { s.bytes -= old.data.count }
            s.entries[key] = (data, s.clock)
            s.bytes += data.count
            // Evict the oldest quarter when over budget (amortised: one sort per many inserts).
            if s.bytes > capacity {
                let oldest = s.entries.sorted { $0.value.stamp < $1.value.stamp }.prefix(max(1, s.entries.count / 4))
                for (k, v) in oldest { s.entries[k] = nil; s.bytes -= v.data.count }
            }
        }
    }
}
