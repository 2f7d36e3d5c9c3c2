import CGDAL
import Foundation

/// How source pixels are combined when a raster is brought onto another grid.
public enum Resampling: String, Sendable, CaseIterable {
    case nearest = "near", bilinear, cubic, average, maximum = "max", minimum = "min", mode
}

/// Target of a warp: a north-up grid in a CRS.
public struct WarpTarget: Sendable {
    public var crsDefinition: String
    public var originX: Double, originY: Double
    public var cellSize: Double
    public var width: Int, height: Int

    public init(crsDefinition: String, originX: Double, originY: Double, cellSize: Double, width: Int, height: Int) {
        self.crsDefinition = crsDefinition
        self.originX = originX; self.originY = originY
        self.cellSize = cellSize
        self.width = width; self.height = height
    }
}

extension RasterDataset {
    /// A lazily warped view of this raster on `target` (a GDAL warped VRT in /vsimem/): reading a window
    /// warps only that window, so memory stays bounded whatever the grid size. Output is Float32 with NaN nodata.
    public func warped(onto target: WarpTarget, resampling: Resampling, sourceNoData: Double? = nil) throws -> RasterDataset {
        let maxX = target.originX + Double(target.width) * target.cellSize
        let minY = target.originY - Double(target.height) * target.cellSize
        var arguments = [
            "-of", "VRT", "-ot", "Float32",
            "-t_srs", target.crsDefinition,
            "-te", String(target.originX), String(minY), String(maxX), String(target.originY),
            "-ts", String(target.width), String(target.height),
            "-r", resampling.rawValue,
            "-dstnodata", "nan",
            "-wo", "INIT_DEST=NO_DATA",
        ]
        if let sourceNoData { arguments += ["-srcnodata", String(sourceNoData)] }
        let path = "/vsimem/ictu-warp-\(UUID().uuidString).vrt"
        let options = withCStringList(arguments) { GDALWarpAppOptionsNew($0, nil) }
        guard let options else { throw GeoError.gdal("warp options for \(self.path)") }
        defer { GDALWarpAppOptionsFree(options) }
        var sources: [GDALDatasetH?] = [handle]
        var usageError: Int32 = 0
        let out = gdalCall { GDALWarp(path, nil, 1, &sources, options, &usageError) }
        guard let out else { throw GeoError.gdal("warp \(self.path) onto the analysis grid") }
        return RasterDataset(handle: out, path: path, readingThrough: [self], deletedOnClose: true)
    }
}
