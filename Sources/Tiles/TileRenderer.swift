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

    /// Grid coordinates (fractional col, row) of the tile's pixel centres, row-major 256 × 256, and each pixel's footprint in cells.
    func gridCoordinates(_ tile: WebMercator.Tile) throws -> (cols: [Double], rows: [Double], footprint: Double) {
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
        var cols = [Double](repeating: 0, count: n * n), rows = cols
        let originX = grid.originX, originY = grid.originY, cell = grid.cellSize
        // Raw buffers: 65 536 pixels a tile.
        xs.withUnsafeBufferPointer { lx in ys.withUnsafeBufferPointer { ly in
            cols.withUnsafeMutableBufferPointer { c in rows.withUnsafeMutableBufferPointer { r in
                for py in 0..<n {
                    let j = min(py / step, lattice - 2), fy = Double(py - j * step) / Double(step)
                    for i in 0..<(lattice - 1) {
                        // Along a row, within one lattice cell, the position is linear in x: its two ends, then steps.
                        let k = j * lattice + i
                        let x0 = (1 - fy) * lx[k] + fy * lx[k + lattice], x1 = (1 - fy) * lx[k + 1] + fy * lx[k + lattice + 1]
                        let y0 = (1 - fy) * ly[k] + fy * ly[k + lattice], y1 = (1 - fy) * ly[k + 1] + fy * ly[k + lattice + 1]
                        let dx = (x1 - x0) / Double(step), dy = (y1 - y0) / Double(step)
                        let first = py * n + i * step
                        for s in 0..<step {
                            c[first + s] = (x0 + Double(s) * dx - originX) / cell
                            r[first + s] = (originY - (y0 + Double(s) * dy)) / cell
                        }
                    }
                }
            } }
        } }
        // Pixel footprint in cells, from the lattice's spacing at the tile's centre.
        let c = (lattice / 2) * lattice + lattice / 2
        let footprint = hypot(xs[c + 1] - xs[c], ys[c + 1] - ys[c]) / Double(step) / grid.cellSize
        return (cols, rows, footprint)
    }

    /// Whether the tile touches the grid at all (cheap test on its lattice corners and the grid's box).
    public func touches(_ tile: WebMercator.Tile, bounds: (west: Double, south: Double, east: Double, north: Double)) -> Bool {
        let b = tile.bounds
        let sw = WebMercator.unproject(x: b.minX, y: b.minY), ne = WebMercator.unproject(x: b.maxX, y: b.maxY)
        return sw.longitude <= bounds.east && ne.longitude >= bounds.west && sw.latitude <= bounds.north && ne.latitude >= bounds.south
    }

    /// The tile's values (NaN outside the grid and on no data), 256 × 256, row-major from the north-west.
    public func values(_ tile: WebMercator.Tile, layer source: any TileSource) throws -> [Float] {
        let (cols, rows, footprint) = try gridCoordinates(tile)
        return try source.values(cols: cols, rows: rows, footprint: footprint)
    }

    /// The tile as PNG (transparent where there is no data), or nil when it holds no data at all.
    public func png(_ tile: WebMercator.Tile, layer: TileLayer, source: any TileSource, compression: Int = 4) throws -> Data? {
        try png(values: values(tile, layer: source), layer: layer, compression: compression)
    }

    /// A tile's values (256 × 256, row-major, NaN for no data) coloured with the layer's ramp as PNG, or nil when
    /// every value is no data.
    public func png(values v: [Float], layer: TileLayer, compression: Int = 4) throws -> Data? {
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
