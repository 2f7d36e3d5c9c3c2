import Engine
import Foundation
import GeoIO
import Run
import Support
import Tiles

/// What the server knows of one run: its map, tiles rendered on demand (from windows of its COGs, PNGs
/// kept in a bounded cache), and JSON documents for the viewer. Thread-safe.
public final class RunService: @unchecked Sendable {
    public let map: TileCatalogue
    var folder: RunFolder { map.folder }
    let renderer: TileRenderer
    private let lock = NSLock()
    private var sources: [RunFolder.Band: COGLayer] = [:]
    private let cache: TileCache
    /// An empty, fully transparent tile (for tiles off the grid).
    let emptyTile: Data
    /// Scenarios posted to the viewer, simulated on this run.
    let scenarios: ScenarioService

    /// Serves the run at `run`; `manifest` is its city when the city moved (else found from the run's record).
    public init(run: String, manifest: String? = nil, cacheBytes: Int = 64 << 20) throws {
        map = try TileCatalogue(try RunFolder(run))
        renderer = try TileRenderer(grid: map.record.grid)
        cache = TileCache(capacityBytes: cacheBytes)
        emptyTile = try PNGImage.encode(rgba: [UInt8](repeating: 0, count: 256 * 256 * 4), width: 256, height: 256)
        scenarios = ScenarioService(folder: map.folder, manifest: manifest)
    }

    /// Point readers kept between requests (each one request at a time), so their rasters stay open and cached; two
    /// (the cores), as each holds its own decoded blocks.
    private var idleReaders: [PointReader] = []

    /// `ictu explain` at a point, by a pooled reader.
    func explain(longitude: Double, latitude: Double) throws -> Explanation {
        let reader = try lock.withLock { idleReaders.popLast() } ?? PointReader(run: folder.path)
        defer { lock.withLock { if idleReaders.count < 2 { idleReaders.append(reader) } } }
        return try reader.explain(longitude: longitude, latitude: latitude)
    }

    /// The layer's COG, read by windows (opened once per layer).
    func source(_ layer: TileLayer) throws -> COGLayer {
        guard let band = layer.band else { throw OutputError("layer \(layer.name) is not drawn from the run's rasters") }
        if let s = lock.withLock({ sources[band] }) { return s }
        let s = try COGLayer(folder, band: band)
        lock.withLock { sources[band] = s }
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
        let png = renderer.touches(tile, bounds: map.bounds) ? try renderer.png(tile, layer: layer, source: try source(), compression: 3) ?? emptyTile : emptyTile
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
    func runDocument() -> [String: Any] {
        let r = map.record
        var calibration: [String: Any] = ["calibrated": r.calibrated, "residualSpatialCorrelation": r.residualSpatialCorrelation]
        for (name, c) in [("day", r.day), ("night", r.night)] {
            if let c { calibration[name] = ["leaveOneSiteOutRMSE": c.leaveOneSiteOut.rmse, "sites": c.sites] }
        }
        return ["engineVersion": r.engineVersion, "manifest": r.manifest, "grid": ["crs": r.grid.crs, "cellSize": r.grid.cellSize, "width": r.grid.width, "height": r.grid.height],
                "bounds": [map.bounds.west, map.bounds.south, map.bounds.east, map.bounds.north], "center": [map.center.longitude, map.center.latitude],
                "minzoom": map.zooms.lowerBound, "maxzoom": map.zooms.upperBound, "hotDays": r.hotDays, "windows": r.windows,
                "medianDayICTU": r.medianDayICTU, "calibration": calibration, "diagnosis": availableDiagnosis,
                "layers": map.layers.map { ["name": $0.name, "title": $0.title, "legend": $0.legend] }]
    }

    /// /api/sites: the sensor sites as GeoJSON, with QC per sensor and observed vs predicted anomalies.
    func sitesDocument() -> [String: Any] {
        let r = map.record
        let features: [[String: Any]] = r.sites.map { site in
            var properties: [String: Any] = ["id": site.id, "commune": site.commune, "setting": site.setting]
            properties["sensors"] = site.sensors.map { id -> [String: Any] in
                guard let qc = r.qc?.sensors[id] else { return ["id": id] }
                let flags = qc.counts.filter { $0.value > 0 }
                return ["id": id, "keptHours": qc.keptHours, "expectedHours": qc.expectedHours, "rejected": qc.rejected, "flags": flags,
                        "radiationBias": qc.radiationBiasCelsius.map { $0 as Any } ?? NSNull()]
            }
            for (name, c) in [("day", r.day), ("night", r.night)] {
                if let c, let o = c.observed[site.id], let res = c.residuals[site.id] { properties[name] = ["observed": o, "predicted": o - res] }
            }
            return ["type": "Feature", "geometry": ["type": "Point", "coordinates": [site.longitude, site.latitude]], "properties": properties]
        }
        return ["type": "FeatureCollection", "features": features]
    }
}

/// A byte-bounded least-recently-used cache of encoded tiles.
final class TileCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (data: Data, stamp: Int)] = [:]
    private var bytes = 0, clock = 0
    let capacityBytes: Int
    init(capacityBytes: Int) { self.capacityBytes = capacityBytes }

    func get(_ key: String) -> Data? {
        lock.withLock {
            guard let e = entries[key] else { return nil }
            clock += 1
            entries[key] = (e.data, clock)
            return e.data
        }
    }

    func put(_ key: String, _ data: Data) {
        lock.withLock {
            clock += 1
            if let old = entries[key] { bytes -= old.data.count }
            entries[key] = (data, clock)
            bytes += data.count
            // Evict the oldest quarter when over budget (amortised: one sort per many inserts).
            if bytes > capacityBytes {
                let oldest = entries.sorted { $0.value.stamp < $1.value.stamp }.prefix(max(1, entries.count / 4))
                for (k, v) in oldest { entries[k] = nil; bytes -= v.data.count }
            }
        }
    }
}
