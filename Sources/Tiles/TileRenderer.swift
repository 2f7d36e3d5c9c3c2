import Foundation
import GeoIO
import Grid

/// Draws 256-px Web Mercator tiles of a run's layers. Each pixel is the layer's value at the pixel centre's
/// position: centres are projected from EPSG:3857 to the grid's CRS by PROJ on a 17 × 17 lattice per tile and
/// interpolated between (both projections are smooth and conformal: the error is far below a pixel).
public final class TileRenderer: @unchecked Sendable {
    public let grid: GridSpec
    private let toGrid: CoordinateTransform
    private let lock = NSLock()

    public init(grid: GridSpec) throws {
        self.grid = grid
        toGrid = try CoordinateTransform(from: "EPSG:3857", to: grid.crs)
    }

    /// The grid positions of the tile's pixel centres (its lattice every 16 pixels) and a pixel's footprint in cells.
    func gridCoordinates(_ tile: WebMercator.Tile) throws -> TilePixels {
        let n = WebMercator.tileSize, step = 16, lattice = n / step + 1
        let b = tile.bounds
        let pixel = (b.maxX - b.minX) / Double(n)
        var xs = [Double](), ys = [Double]()
        for j in 0..<lattice { for i in 0..<lattice {
            xs.append(b.minX + (Double(i * step) + 0.5) * pixel)
            ys.append(b.maxY - (Double(j * step) + 0.5) * pixel)
        } }
        // PROJ objects are not thread-safe: one transform at a time.
        try lock.withLock { try toGrid.transform(xs: &xs, ys: &ys) }
        // Pixel footprint in cells, from the lattice's spacing at the tile's centre.
        let c = (lattice / 2) * lattice + lattice / 2
        let footprint = hypot(xs[c + 1] - xs[c], ys[c + 1] - ys[c]) / Double(step) / grid.cellSize
        let originX = grid.originX, originY = grid.originY, cell = grid.cellSize
        return TilePixels(size: n, step: step, cols: xs.map { ($0 - originX) / cell }, rows: ys.map { (originY - $0) / cell }, footprint: footprint)
    }

    /// Whether the tile touches the grid at all (cheap test on its lattice corners and the grid's box).
    public func touches(_ tile: WebMercator.Tile, bounds: (west: Double, south: Double, east: Double, north: Double)) -> Bool {
        let b = tile.bounds
        let sw = WebMercator.unproject(x: b.minX, y: b.minY), ne = WebMercator.unproject(x: b.maxX, y: b.maxY)
        return sw.longitude <= bounds.east && ne.longitude >= bounds.west && sw.latitude <= bounds.north && ne.latitude >= bounds.south
    }

    /// The tile's values (NaN outside the grid and on no data), 256 × 256, row-major from the north-west.
    public func values(_ tile: WebMercator.Tile, layer source: any TileSource) throws -> [Float] {
        try source.values(gridCoordinates(tile))
    }

    /// The tile as PNG (transparent where there is no data), or nil when it holds no data at all.
    public func png(_ tile: WebMercator.Tile, layer: TileLayer, source: any TileSource, compression: Int = 4) throws -> Data? {
        try png(values: values(tile, layer: source), layer: layer, compression: compression)
    }

    /// A tile's values (256 × 256, row-major, NaN for no data) coloured with the layer's ramp as PNG, or nil when
    /// every value is no data.
    public func png(values v: [Float], layer: TileLayer, compression: Int = 4) throws -> Data? {
        if layer.kind == .continuous, let (colours, indices) = v.withUnsafeBufferPointer({ TilePalette.indexed($0, ramp: layer.ramp) }) {
            guard colours.contains(where: { $0 != 0 }) else { return nil }
            return try PNGImage.indexed(colours: colours, indices: indices, width: WebMercator.tileSize, height: WebMercator.tileSize, compression: compression)
        }
        var pixels = [UInt32](repeating: 0, count: v.count)
        var any = false
        v.withUnsafeBufferPointer { values in
            pixels.withUnsafeMutableBufferPointer { out in
                for i in 0..<values.count where !values[i].isNaN {
                    out[i] = layer.packed(values[i])
                    any = true
                }
            }
        }
        guard any else { return nil }
        return try PNGImage.encode(pixels: pixels, width: WebMercator.tileSize, height: WebMercator.tileSize, compression: compression)
    }
}
