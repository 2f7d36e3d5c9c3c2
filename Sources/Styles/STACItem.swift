import Foundation
import GeoIO
import Run
import Support

/// `stac-item.json`: the run as a STAC 1.0.0 Item (https://stacspec.org), the form open-data portals and catalogue
/// tools (STAC Browser, QGIS's STAC source, pystac) read. Every file of the run is an asset with its media type and
/// roles; the maps carry the projection extension (grid, CRS, transform) and the raster extension (data type,
/// nodata, unit, resolution of each band, read from the files themselves). Paths are relative, as in `run.qgs`.
public enum STACItem {
    static let projection = "https://stac-extensions.github.io/projection/v1.1.0/schema.json"
    static let raster = "https://stac-extensions.github.io/raster/v1.1.0/schema.json"
    static let cog = "image/tiff; application=geotiff; profile=cloud-optimized"
    static let vrt = "application/xml"

    /// The Item of the run whose files are (for now) in `contents` and will be at `runPath`.
    static func item(runPath: String, contents: URL, record: RunRecord) throws -> [String: Any] {
        let root = URL(fileURLWithPath: runPath).standardizedFileURL
        func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: contents.appendingPathComponent(relative).path) }
        let grid = record.grid
        var assets: [String: Any] = [:]

        for entry in RunFolder.Entry.allCases where entry.isRaster {
            let file = RunFolder.fileName(entry, record: record)
            guard exists(file) else { continue }
            // A patched scenario's maps are VRTs over the base run's COGs (GDAL's XML format, no registered media type).
            let type = file.hasSuffix(".vrt") ? vrt : cog
            let dataset = try RasterDataset.open(contents.appendingPathComponent(file).path)
            var bands: [[String: Any]] = []
            for index in 1...max(1, dataset.bandCount) {
                let band = try dataset.band(index)
                var description: [String: Any] = ["data_type": stacDataType(band.pixelTypeName), "spatial_resolution": grid.cellSize]
                if let nodata = band.noData { description["nodata"] = nodata.isNaN ? "nan" : nodata as Any }
                if !band.unit.isEmpty { description["unit"] = band.unit }
                bands.append(description)
            }
            var asset: [String: Any] = ["href": "./" + file, "type": type, "title": MapStyle.of(entry).map { tr($0.title) } ?? entry.stem,
                                        "roles": ["data"], "raster:bands": bands]
            if dataset.bandCount == 1, let text = RunFolder.bandDescriptions(entry).first { asset["description"] = text }
            assets[entry.stem] = asset
            for (suffix, type, format) in [("qml", "application/xml", "QGIS"), ("sld", "application/vnd.ogc.sld+xml", "OGC SLD")] where exists(entry.stem + "." + suffix) {
                assets[entry.stem + "_" + suffix] = ["href": "./\(entry.stem).\(suffix)", "type": type, "roles": ["style"],
                                                     "title": tr("{} style of {}", format, entry.stem)]
            }
        }
        let documents: [(String, String, String, [String])] = [
            (RunFolder.Entry.record.fileName, "application/json", "calibration", ["metadata"]),
            (RunFolder.Entry.report.fileName, "text/html", "report", ["overview", "metadata"]),
            (RunFolder.Entry.summaryPage.fileName, "text/html", "summary", ["overview", "metadata"]),
            (RunFolder.Entry.scenario.fileName, "application/geo+json", "scenario", ["data"]),
            (RunFolder.projectFileName, "application/x-qgis-project", "qgis_project", ["metadata"]),
            (RunFolder.sensorsFileName, "application/geo+json", "sensors", ["data"]),
            ("diagnosis/heat_islands.gpkg", "application/geopackage+sqlite3", "heat_islands", ["data"]),
            ("diagnosis/cool_islands.gpkg", "application/geopackage+sqlite3", "cool_islands", ["data"]),
            (RunFolder.Entry.diagnosis.fileName + "/" + RunFolder.Entry.report.fileName, "text/html", "diagnosis_report", ["overview"]),
            ("watering/watering.geojson", "application/geo+json", "watering", ["data"]),
        ]
        for (path, type, key, roles) in documents where exists(path) { assets[key] = ["href": "./" + path, "type": type, "roles": roles] }
        // Exported tiles: each layer's archive and TileJSON.
        let tiles = contents.appendingPathComponent(RunFolder.Entry.tiles.fileName)
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: tiles.path)) ?? []).sorted() where !name.hasPrefix(".") {
            if name.hasSuffix(".pmtiles") { assets["tiles_" + name.dropLast(8)] = ["href": "./tiles/" + name, "type": "application/vnd.pmtiles", "roles": ["visual"]] }
            if name.hasSuffix(".mbtiles") { assets["mbtiles_" + name.dropLast(8)] = ["href": "./tiles/" + name, "type": "application/vnd.sqlite3", "roles": ["visual"]] }
            if exists("tiles/\(name)/tilejson.json") { assets["tilejson_" + name] = ["href": "./tiles/\(name)/tilejson.json", "type": "application/json", "roles": ["tiles"]] }
        }

        // The grid's outline in WGS 84 (16 points a side: its edges are not straight in degrees).
        let toWGS = try CoordinateTransform(from: grid.crs, to: "EPSG:4326")
        var xs: [Double] = [], ys: [Double] = []
        for (fromX, fromY, toX, toY) in [(grid.minX, grid.maxY, grid.maxX, grid.maxY), (grid.maxX, grid.maxY, grid.maxX, grid.minY),
                                         (grid.maxX, grid.minY, grid.minX, grid.minY), (grid.minX, grid.minY, grid.minX, grid.maxY)] {
            for k in 0..<16 { let t = Double(k) / 16; xs.append(fromX + t * (toX - fromX)); ys.append(fromY + t * (toY - fromY)) }
        }
        try toWGS.transform(xs: &xs, ys: &ys)
        // GeoJSON rings turn counter-clockwise (RFC 7946); the outline above runs clockwise in x-east, y-north.
        var ring = zip(xs, ys).reversed().map { [$0.0, $0.1] }
        ring.append(ring[0])

        var properties: [String: Any] = [
            "title": tr("ICTU felt-temperature map — {}", record.cityName ?? root.lastPathComponent),
            "description": tr("Felt temperature (UTCI, °C) of the composite hot day, by ictu {}.", record.engineVersion),
            "proj:shape": [grid.height, grid.width],
            "proj:transform": [grid.cellSize, 0, grid.minX, 0, -grid.cellSize, grid.maxY],
            "proj:bbox": [grid.minX, grid.minY, grid.maxX, grid.maxY],
            "ictu:engine_version": record.engineVersion,
            "ictu:calibrated": record.calibrated,
            "ictu:hot_days": record.hotDays,
        ]
        if let code = grid.crs.uppercased().hasPrefix("EPSG:") ? Int(grid.crs.dropFirst(5)) : nil { properties["proj:epsg"] = code }
        else { properties["proj:epsg"] = NSNull(); properties["proj:wkt2"] = (try? SpatialReference(definition: grid.crs).wkt) ?? grid.crs }
        // The composite hot day stands for the hot days it was built from: their span is the Item's time.
        let days = record.hotDays.sorted()
        if let first = days.first, let last = days.last {
            properties["datetime"] = NSNull()
            properties["start_datetime"] = first + "T00:00:00Z"
            properties["end_datetime"] = last + "T23:59:59Z"
        } else {
            properties["datetime"] = ISO8601DateFormatter().string(from: Date())
        }

        return [
            "type": "Feature",
            "stac_version": "1.0.0",
            "stac_extensions": [projection, raster],
            "id": "ictu-" + root.lastPathComponent,
            "geometry": ["type": "Polygon", "coordinates": [ring]],
            "bbox": [xs.min()!, ys.min()!, xs.max()!, ys.max()!],
            "properties": properties,
            "links": links(root: root, record: record),
            "assets": assets,
        ]
    }

    /// Its own place; for a scenario's run, the run it was derived from (its Item, by a path relative to this one).
    static func links(root: URL, record: RunRecord) -> [[String: String]] {
        var links = [["rel": "self", "href": "./" + RunFolder.stacItemFileName, "type": "application/geo+json"]]
        if let base = record.baseRun {
            let item = URL(fileURLWithPath: base).standardizedFileURL.appendingPathComponent(RunFolder.stacItemFileName)
            links.append(["rel": "derived_from", "href": FilePaths.relative(from: root, to: item), "type": "application/geo+json",
                          "title": tr("the run this scenario changes")])
        }
        return links
    }

    /// STAC's raster extension names GDAL's pixel types in its own words.
    static func stacDataType(_ gdal: String) -> String {
        ["Byte": "uint8", "UInt16": "uint16", "Int16": "int16", "UInt32": "uint32", "Int32": "int32", "Float32": "float32", "Float64": "float64", "Int8": "int8"][gdal] ?? "other"
    }

    static func encoded(_ item: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: item, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}
