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
    /// Valid value range after scaling over the grid, nil if the raster holds no valid pixel there.
    public private(set) var valueRange: (min: Double, max: Double)?
    /// Share of the grid's area the raster's extent covers (0–1): outside it the layer's default applies.
    public let coverage: Double
    /// The raster's extent (minX, minY, maxX, maxY) in the grid's CRS when it is in that CRS; nil otherwise.
    public let extentInGridCRS: (minX: Double, minY: Double, maxX: Double, maxY: Double)?
    /// The source's pixels that cover the grid (with a margin for resampling): all that is ever read or checked.
    let sourceWindow: Window
    let onGrid: RasterDataset

    init(role: RasterRole, settings: Manifest.RasterInput, manifestFolder: URL, grid: GridSpec) throws {
        self.role = role
        displayName = settings.path
        path = Manifest.resolve(settings.path, relativeTo: manifestFolder)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CityInputError(file: displayName, location: "role \(role.rawValue)", problem: "no such file", fix: "check the path (relative to the manifest)")
        }
        do { source = try RasterDataset.open(path) } catch {
            throw CityInputError(file: displayName, problem: "not a raster GDAL can read (\((error as? GeoError)?.libraryMessage ?? "\(error)"))", fix: "use a GeoTIFF or another GDAL raster format")
        }
        guard source.bandCount >= 1 else { throw CityInputError(file: displayName, problem: "has no band") }
        if let transform = source.geoTransform, !transform.isNorthUp {
            throw CityInputError(file: displayName, problem: "rotated georeference (its pixels are not aligned with the CRS's axes)",
                                 fix: "warp it first: gdalwarp \(displayName) north_up.tif")
        }
        guard let transform = source.geoTransform, transform != GeoTransform(originX: 0, cellWidth: 1, originY: 0, cellHeight: 1) else {
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
        extentInGridCRS = srs.isSame(as: gridSRS) ? (xs.min()!, ys.min()!, xs.max()!, ys.max()!) : nil
        let overlapWidth = max(0, min(xs.max()!, grid.maxX) - max(xs.min()!, grid.minX)), overlapHeight = max(0, min(ys.max()!, grid.maxY) - max(ys.min()!, grid.minY))
        coverage = min(1, overlapWidth * overlapHeight / ((grid.maxX - grid.minX) * (grid.maxY - grid.minY)))
        sourceWindow = try Self.sourceWindow(of: grid, transform: transform, sourceCRS: srs, sameCRS: srs.isSame(as: gridSRS), width: width, height: height)
        if xs.max()! <= grid.minX || xs.min()! >= grid.maxX || ys.max()! <= grid.minY || ys.min()! >= grid.maxY {
            throw CityInputError(file: displayName, problem: String(format: "does not overlap the analysis grid (raster %.0f, %.0f – %.0f, %.0f; grid %.0f, %.0f – %.0f, %.0f in %@)",
                                                                    xs.min()!, ys.min()!, xs.max()!, ys.max()!, grid.minX, grid.minY, grid.maxX, grid.maxY, grid.crs),
                                 fix: "check its CRS, or the manifest's grid.extent")
        }
        // A raster already on the grid (same CRS and cells, origin a whole number of cells away) is read directly:
        // warping it would return the same values at several times the cost.
        let col = (transform.originX - grid.originX) / grid.cellSize, row = (grid.originY - transform.originY) / grid.cellSize
        if srs.isSame(as: gridSRS), abs(transform.cellWidth - grid.cellSize) < 1e-9 * grid.cellSize, abs(transform.cellHeight + grid.cellSize) < 1e-9 * grid.cellSize,
           abs(col - col.rounded()) < 1e-6, abs(row - row.rounded()) < 1e-6, band.maskIsNoDataOrNone {
            aligned = (Int(col.rounded()), Int(row.rounded()))
        } else {
            aligned = nil
        }
        // A coarser raster on the grid's CRS whose pixels are whole numbers of cells, edges on the cells' edges (a
        // 10 or 20 m satellite product on a 2 m grid): bilinear reads are worked out here from the source's pixels,
        // GDAL's warp being most of the cost of reading a window of the layers.
        let ratio = abs(transform.cellWidth) / grid.cellSize
        if aligned == nil, resampling == .bilinear, srs.isSame(as: gridSRS), transform.cellWidth > 0, abs(transform.cellHeight + transform.cellWidth) < 1e-9 * transform.cellWidth,
           ratio.rounded() >= 2, abs(ratio - ratio.rounded()) < 1e-9, abs(col - col.rounded()) < 1e-6, abs(row - row.rounded()) < 1e-6, band.maskIsNoDataOrNone {
            upsampled = (Int(ratio.rounded()), Int(col.rounded()), Int(row.rounded()))
        } else {
            upsampled = nil
        }
        onGrid = try source.warped(onto: WarpTarget(crsDefinition: grid.crs, originX: grid.originX, originY: grid.originY, cellSize: grid.cellSize,
                                                    width: grid.width, height: grid.height),
                                   resampling: resampling, sourceNoData: settings.nodata)
        self.noDataOverride = settings.nodata
    }

    /// The source pixels under the grid: its outline (17 points a side) in the source's CRS, to pixels, with two
    /// pixels of margin (resampling reads neighbours), clipped to the source.
    static func sourceWindow(of grid: GridSpec, transform: GeoTransform, sourceCRS: SpatialReference, sameCRS: Bool, width: Int, height: Int) throws -> Window {
        var xs: [Double] = [], ys: [Double] = []
        for k in 0...16 {
            let t = Double(k) / 16
            xs += [grid.minX + t * (grid.maxX - grid.minX), grid.minX + t * (grid.maxX - grid.minX), grid.minX, grid.maxX]
            ys += [grid.minY, grid.maxY, grid.minY + t * (grid.maxY - grid.minY), grid.minY + t * (grid.maxY - grid.minY)]
        }
        if !sameCRS {
            guard (try? CoordinateTransform(from: grid.crs, to: sourceCRS.wkt).transform(xs: &xs, ys: &ys)) != nil,
                  xs.allSatisfy(\.isFinite), ys.allSatisfy(\.isFinite) else { return Window(x: 0, y: 0, width: width, height: height) }
        }
        let cols = xs.map { ($0 - transform.originX) / transform.cellWidth }, rows = ys.map { ($0 - transform.originY) / transform.cellHeight }
        let x0 = max(0, Int(floor(cols.min()!)) - 2), x1 = min(width, Int(ceil(cols.max()!)) + 2)
        let y0 = max(0, Int(floor(rows.min()!)) - 2), y1 = min(height, Int(ceil(rows.max()!)) + 2)
        return Window(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }

    let noDataOverride: Double?
    /// Grid cell of the source's first pixel when the source is on the grid's cells (read without warping).
    let aligned: (col: Int, row: Int)?
    /// Cells per source pixel, and the grid cell of the source's first pixel's corner, when bilinear reads are
    /// worked out from the source's pixels (`readUpsampled`).
    let upsampled: (factor: Int, col: Int, row: Int)?

    /// Scans the source's pixels under the grid once, in strips: value range after scaling, and the units check for
    /// fraction roles (the first pixel out of range is named, with the likely fix). What lies outside the grid is
    /// neither read nor judged (a metropolis raster for a district run, or a 10⁶-pixel VRT, costs its window only).
    func scan() throws {
        let band = try source.band(1)
        let noData = noDataOverride ?? band.noData
        var lo = Double.infinity, hi = -Double.infinity
        let w = sourceWindow.width
        for strip in sourceWindow.strips(rows: max(1, (1 << 22) / max(w, 1))) {
            let y0 = strip.y
            let values = try readable { try band.read(x: strip.x, y: strip.y, width: strip.width, height: strip.height) }
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
                    throw CityInputError(file: displayName, location: "band 1, pixel (col \(strip.x + i % w), row \(y0 + i / w))",
                                         problem: role.isFraction ? "value \(v) is not a fraction (role \(role.rawValue) expects 0–1)"
                                             : "value \(v) is outside \(range.lowerBound)…\(range.upperBound) (role \(role.rawValue), \(role.unit))", fix: hint)
                }
                lo = min(lo, v); hi = max(hi, v)
            }
        }
        valueRange = lo <= hi ? (lo, hi) : nil
        guard valueRange != nil else {
            throw CityInputError(file: displayName, location: "role \(role.rawValue)", problem: "has no data over the analysis grid (every pixel there is no data or NaN)",
                                 fix: "check its nodata value (`nodata:` in the manifest overrides the file's) and that it is the raster meant")
        }
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
        var values: [Float]
        if let aligned { values = try readAligned(window, at: aligned) }
        else if let upsampled { values = try readUpsampled(window, upsampled) }
        else { values = try readWarped(window) }
        if scale != 1 || offset != 0 {
            for i in values.indices where !values[i].isNaN { values[i] = Float(Double(values[i]) * scale + offset) }
        }
        return Plane(width: window.width, height: window.height, values: values)
    }

    /// Raw values through GDAL's warped view (NaN where no data).
    func readWarped(_ window: Window) throws -> [Float] {
        try readable { try onGrid.band(1).read(x: window.x, y: window.y, width: window.width, height: window.height) }
    }

    /// Raw values of a coarser source, bilinear between the centres of its pixels (weights from each cell centre's
    /// position among them): GDAL's warp to float rounding (it sums the four weighted pixels in another order). NaN
    /// where a cell's centre is off the source; along its edge, the pixels it has, their weights renormalised. A cell
    /// one of whose pixels holds no data takes GDAL's warped value (its own rules for no data), so each cell's value
    /// is the same whatever window it is read in.
    func readUpsampled(_ window: Window, _ source: (factor: Int, col: Int, row: Int)) throws -> [Float] {
        let m = Double(source.factor)
        // Cell c's centre lies at u = (c − col + ½)/m source pixels; its four pixels start at ⌊u − ½⌋.
        func position(_ cell: Int, _ origin: Int, size: Int) -> (first: Int, weight: Double, inside: Bool) {
            let centre = (Double(cell - origin) + 0.5) / m, u = centre - 0.5, first = Int(u.rounded(.down))
            return (first, u - Double(first), centre >= 0 && centre < Double(size))
        }
        let columns = (0..<window.width).map { position(window.x + $0, source.col, size: width) }
        let rows = (0..<window.height).map { position(window.y + $0, source.row, size: height) }
        var values = [Float](repeating: .nan, count: window.width * window.height)
        guard let firstColumn = columns.first, let firstRow = rows.first else { return values }
        let x0 = max(0, firstColumn.first), x1 = min(width - 1, columns.last!.first + 1)
        let y0 = max(0, firstRow.first), y1 = min(height - 1, rows.last!.first + 1)
        guard x1 >= x0, y1 >= y0 else { return values }
        let band = try self.source.band(1)
        let noData = (noDataOverride ?? band.noData).map { Float($0) }
        let partWidth = x1 - x0 + 1
        let part = try readable { try band.read(x: x0, y: y0, width: partWidth, height: y1 - y0 + 1) }
        let warped = part.contains(where: { $0.isNaN || $0 == noData }) ? try readWarped(window) : nil
        values.withUnsafeMutableBufferPointer { out in
            part.withUnsafeBufferPointer { p in
                for (r, (j, fy, rowInside)) in rows.enumerated() where rowInside {
                    for (c, (i, fx, columnInside)) in columns.enumerated() where columnInside {
                        var sum = 0.0, weight = 0.0, valid = true
                        @inline(__always) func add(_ pi: Int, _ pj: Int, _ wx: Double, _ wy: Double) {
                            guard pi >= 0, pj >= 0, pi < width, pj < height else { return }
                            let value = p[(pj - y0) * partWidth + pi - x0]
                            if value.isNaN || value == noData { valid = false }
                            sum += wx * wy * Double(value); weight += wx * wy
                        }
                        add(i, j, 1 - fx, 1 - fy); add(i + 1, j, fx, 1 - fy); add(i, j + 1, 1 - fx, fy); add(i + 1, j + 1, fx, fy)
                        let o = r * window.width + c
                        if let warped, !valid { out[o] = warped[o] } else if weight > 0 { out[o] = Float(sum / weight) }
                    }
                }
            }
        }
        return values
    }

    /// Raw values read straight from a source on the grid's cells: NaN outside it and where it holds its nodata value.
    func readAligned(_ window: Window, at origin: (col: Int, row: Int)) throws -> [Float] {
        var values = [Float](repeating: .nan, count: window.width * window.height)
        let x0 = max(0, window.x - origin.col), y0 = max(0, window.y - origin.row)
        let x1 = min(width, window.x + window.width - origin.col), y1 = min(height, window.y + window.height - origin.row)
        guard x1 > x0, y1 > y0 else { return values }
        let band = try source.band(1)
        let noData = (noDataOverride ?? band.noData).map { Float($0) }
        let part = try readable { try band.read(x: x0, y: y0, width: x1 - x0, height: y1 - y0) }
        let partWidth = x1 - x0
        for r in 0..<(y1 - y0) {
            let target = (y0 + r + origin.row - window.y) * window.width + (x0 + origin.col - window.x)
            for c in 0..<partWidth {
                let v = part[r * partWidth + c]
                values[target + c] = v == noData ? .nan : v
            }
        }
        return values
    }
}
