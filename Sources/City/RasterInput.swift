import Foundation
import GeoIO
import Grid

/// A raster input as found on disk, checked, with a lazy warped view on the analysis grid.
public final class RasterInput {
    public let role: RasterRole
    public let path: String
    public let displayName: String
    public let source: RasterDataset
    public let crsName: String
    public let crsCode: String?
    public let resolution: Double
    public let width: Int, height: Int
    /// Multiplier and offset applied after GDAL's own (value = raw·fileScale + fileOffset, then ·scale + offset).
    public let scale: Double, offset: Double
    public let resampling: Resampling
    /// Valid value range after scaling, nil if the raster holds no valid pixel.
    public private(set) var valueRange: (min: Double, max: Double)?
    let onGrid: RasterDataset

    init(role: RasterRole, settings: Manifest.RasterInput, manifestFolder: URL, grid: GridSpec) throws {
        self.role = role
        displayName = settings.path
        path = manifestFolder.appendingPathComponent(settings.path).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CityInputError(file: displayName, location: "role \(role.rawValue)", problem: "no such file", fix: "check the path (relative to the manifest)")
        }
        do { source = try RasterDataset.open(path) } catch {
            throw CityInputError(file: displayName, problem: "not a raster GDAL can read (\((error as? GeoError)?.libraryMessage ?? "\(error)"))", fix: "use a GeoTIFF or another GDAL raster format")
        }
        guard source.bandCount >= 1 else { throw CityInputError(file: displayName, problem: "has no band") }
        guard let transform = source.geoTransform, transform.isNorthUp, transform != GeoTransform(originX: 0, cellWidth: 1, originY: 0, cellHeight: 1) else {
            throw CityInputError(file: displayName, problem: "has no georeference (geotransform)", fix: "georeference it (e.g. gdal_translate -a_ullr … -a_srs EPSG:2154)")
        }
        guard let srs = source.spatialReference else {
            throw CityInputError(file: displayName, problem: "has no coordinate reference system", fix: "assign one, e.g. gdal_edit.py -a_srs EPSG:2154 \(displayName)")
        }
        crsName = srs.name
        crsCode = srs.authorityCode
        width = source.width; height = source.height
        let band = try source.band(1)
        scale = (settings.scale ?? 1) * band.scale
        offset = band.offset * (settings.scale ?? 1) + (settings.offset ?? 0)
        // Resolution in metres (projected CRSs) to choose the resampling.
        resolution = abs(transform.cellWidth) * (srs.isProjected ? srs.linearUnitMetres : 111_320)
        if let name = settings.resampling {
            guard let r = Resampling(rawValue: name) else {
                throw CityInputError(file: displayName, problem: "unknown resampling '\(name)'", fix: "use one of \(Resampling.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            resampling = r
        } else {
            resampling = resolution < grid.cellSize * 0.99 ? .average : (resolution > grid.cellSize * 1.01 ? .bilinear : .nearest)
        }
        // Overlap with the grid, in the grid's CRS.
        let gridSRS = try SpatialReference(definition: grid.crs)
        let corners = [(0.0, 0.0), (Double(width), 0), (0, Double(height)), (Double(width), Double(height))].map {
            (transform.originX + $0.0 * transform.cellWidth, transform.originY + $0.1 * transform.cellHeight)
        }
        var xs = corners.map(\.0), ys = corners.map(\.1)
        if !srs.isSame(as: gridSRS) {
            do {
                let toGrid = try CoordinateTransform(from: srs.wkt, to: grid.crs)
                try toGrid.transform(xs: &xs, ys: &ys)
            } catch {
                throw CityInputError(file: displayName, problem: "its corners are not valid coordinates of its CRS \(crsCode ?? crsName) (\((error as? GeoError)?.libraryMessage ?? "\(error)"))",
                                     fix: "check its CRS (metres labelled as degrees?): gdalinfo \(displayName)")
            }
        }
        guard xs.allSatisfy(\.isFinite), ys.allSatisfy(\.isFinite) else {
            throw CityInputError(file: displayName, problem: "its corners do not transform to the grid's CRS \(grid.crs)", fix: "check its CRS: gdalinfo \(displayName)")
        }
        if xs.max()! <= grid.minX || xs.min()! >= grid.maxX || ys.max()! <= grid.minY || ys.min()! >= grid.maxY {
            throw CityInputError(file: displayName, problem: String(format: "does not overlap the analysis grid (raster %.0f, %.0f – %.0f, %.0f; grid %.0f, %.0f – %.0f, %.0f in %@)",
                                                                    xs.min()!, ys.min()!, xs.max()!, ys.max()!, grid.minX, grid.minY, grid.maxX, grid.maxY, grid.crs),
                                 fix: "check its CRS, or the manifest's grid.extent")
        }
        onGrid = try source.warped(onto: WarpTarget(crsDefinition: grid.crs, originX: grid.originX, originY: grid.originY, cellSize: grid.cellSize,
                                                    width: grid.width, height: grid.height),
                                   resampling: resampling, sourceNoData: settings.nodata)
        self.noDataOverride = settings.nodata
    }

    let noDataOverride: Double?

    /// Scans the source once in blocks: value range after scaling, and the units check for fraction roles
    /// (the first pixel out of 0–1 is named, with the likely fix).
    func scan() throws {
        let band = try source.band(1)
        let noData = noDataOverride ?? band.noData
        var lo = Double.infinity, hi = -Double.infinity
        let rows = max(1, min(height, (1 << 22) / max(width, 1)))
        for y0 in stride(from: 0, to: height, by: rows) {
            let h = min(rows, height - y0)
            let values = try readable { try band.read(x: 0, y: y0, width: width, height: h) }
            for (i, raw) in values.enumerated() {
                if raw.isNaN { continue }
                if let noData, Double(raw) == noData { continue }
                let v = Double(raw) * scale + offset
                let range = role.validRange
                // NaN is no data (the float rasters' usual marker); ±inf and values outside the role's range are errors.
                if !(v >= range.lowerBound - 0.0001 && v <= range.upperBound + 0.0001) {
                    let hint = role.isFraction && v > 1 && v <= 100.0001 ? "if the raster is in percent, add `scale: 0.01` to its manifest entry"
                        : role.isFraction ? "fractions must lie between 0 and 1"
                        : "\(role.rawValue) is in \(role.unit), \(range.lowerBound)…\(range.upperBound): check its units and `scale`, or set `nodata` for a no-data marker"
                    throw CityInputError(file: displayName, location: "band 1, pixel (col \(i % width), row \(y0 + i / width))",
                                         problem: role.isFraction ? "value \(v) is not a fraction (role \(role.rawValue) expects 0–1)"
                                             : "value \(v) is outside \(range.lowerBound)…\(range.upperBound) (role \(role.rawValue), \(role.unit))", fix: hint)
                }
                lo = min(lo, v); hi = max(hi, v)
            }
        }
        valueRange = lo <= hi ? (lo, hi) : nil
    }

    /// Runs a read, turning GDAL's failure (a truncated or corrupt file) into an input error naming the file.
    func readable<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as GeoError {
            throw CityInputError(file: displayName, problem: "cannot be read: truncated or corrupt (\(error.libraryMessage.isEmpty ? error.operation : error.libraryMessage))",
                                 fix: "check it with `gdalinfo -checksum \(displayName)`, then export it again")
        }
    }

    /// The raster's values on a window of the analysis grid (scaled; NaN where no data).
    public func read(_ window: Window) throws -> Plane {
        var values = try readable { try onGrid.band(1).read(x: window.x, y: window.y, width: window.width, height: window.height) }
        if scale != 1 || offset != 0 {
            for i in values.indices where !values[i].isNaN { values[i] = Float(Double(values[i]) * scale + offset) }
        }
        return Plane(width: window.width, height: window.height, values: values)
    }
}
