import Grid

/// How a raster written on the analysis grid is stored, by what it is for.
public enum CreationProfile: Sendable {
    /// In memory (GDAL's MEM driver): rasterising and polygonising.
    case memory
    /// A staged work file, read once by a COG copy: ZSTD at its fastest level (GTiff's default, 9, cost more than the
    /// physics), band-interleaved in the COG's own blocks (128² for stacks, 512² for maps), BigTIFF when it might
    /// pass 4 GiB.
    case work
    /// The same, uncompressed: for a small run, whose work files fit a small disk budget, compressing them and
    /// decompressing them again for the COG copy is most of what staging costs.
    case uncompressedWork
    /// A product's own GeoTIFF (a distance map, a sample input): DEFLATE, 256² tiles, the predictor for its type.
    case product

    func options(bands: Int, type: PixelType) -> (driver: String, options: [String]) {
        switch self {
        case .memory: return ("MEM", [])
        case .work, .uncompressedWork:
            let block = bands > 1 ? 128 : 512
            let compression = self == .work ? ["COMPRESS=ZSTD", "ZSTD_LEVEL=1"] : ["COMPRESS=NONE"]
            return ("GTiff", ["TILED=YES", "BLOCKXSIZE=\(block)", "BLOCKYSIZE=\(block)", "INTERLEAVE=BAND", "BIGTIFF=IF_SAFER"] + compression)
        case .product:
            return ("GTiff", ["COMPRESS=DEFLATE", "TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", type == .float32 ? "PREDICTOR=3" : "PREDICTOR=2"])
        }
    }
}

extension RasterDataset {
    /// A raster over `window` of `grid` (the whole grid by default), `factor` cells to a pixel: its size,
    /// georeference and CRS set from the grid, so every raster of a run lines up with the grid to the bit.
    public static func create(_ path: String = "", on grid: GridSpec, window: Window? = nil, factor: Int = 1, bands: Int = 1, type: PixelType = .float32,
                              profile: CreationProfile) throws -> RasterDataset {
        let window = window ?? Window(x: 0, y: 0, width: grid.width, height: grid.height)
        let sub = grid.window(window), (driver, options) = profile.options(bands: bands, type: type)
        let dataset = try create(path, driver: driver, width: window.width / factor, height: window.height / factor, bands: bands, type: type, options: options)
        try dataset.setGeoTransform(GeoTransform(originX: sub.originX, cellWidth: sub.cellSize * Double(factor), originY: sub.originY, cellHeight: -sub.cellSize * Double(factor)))
        try dataset.setSpatialReference(SpatialReference(definition: grid.crs))
        return dataset
    }
}

extension RasterBand {
    /// The band's pixels over `window`, as a plane.
    public func read(_ window: Window) throws -> Plane {
        Plane(width: window.width, height: window.height, values: try read(x: window.x, y: window.y, width: window.width, height: window.height))
    }
}
