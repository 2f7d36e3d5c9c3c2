/// The analysis grid: a north-up raster of square cells in a projected CRS (metres).
/// Cell (col, row) covers [originX + col·cellSize, originX + (col+1)·cellSize] × [originY − (row+1)·cellSize, originY − row·cellSize].
public struct GridSpec: Equatable, Sendable, Codable {
    /// CRS definition understood by GDAL/PROJ, e.g. "EPSG:2154".
    public var crs: String
    /// West edge (x of the left side of column 0), metres.
    public var originX: Double
    /// North edge (y of the top of row 0), metres.
    public var originY: Double
    public var cellSize: Double
    public var width: Int
    public var height: Int

    public init(crs: String, originX: Double, originY: Double, cellSize: Double, width: Int, height: Int) {
        self.crs = crs
        self.originX = originX; self.originY = originY
        self.cellSize = cellSize
        self.width = width; self.height = height
    }

    /// A grid covering the extent (minX, minY, maxX, maxY), snapped outwards to whole cells.
    public init(crs: String, minX: Double, minY: Double, maxX: Double, maxY: Double, cellSize: Double) {
        let width = Int((((maxX - minX) / cellSize) - 1e-9).rounded(.up))
        let height = Int((((maxY - minY) / cellSize) - 1e-9).rounded(.up))
        self.init(crs: crs, originX: minX, originY: maxY, cellSize: cellSize, width: max(width, 1), height: max(height, 1))
    }

    public var cellCount: Int { width * height }
    public var minX: Double { originX }
    public var maxX: Double { originX + Double(width) * cellSize }
    public var maxY: Double { originY }
    public var minY: Double { originY - Double(height) * cellSize }
    public var cellArea: Double { cellSize * cellSize }

    /// Centre of a cell in CRS coordinates.
    public func centre(col: Int, row: Int) -> (x: Double, y: Double) {
        (originX + (Double(col) + 0.5) * cellSize, originY - (Double(row) + 0.5) * cellSize)
    }

    /// The cell containing a point, or nil when the point is outside the grid.
    public func cell(x: Double, y: Double) -> (col: Int, row: Int)? {
        let col = Int(((x - originX) / cellSize).rounded(.down))
        let row = Int(((originY - y) / cellSize).rounded(.down))
        guard col >= 0, col < width, row >= 0, row < height else { return nil }
        return (col, row)
    }

    public func contains(x: Double, y: Double) -> Bool { cell(x: x, y: y) != nil }

    /// The sub-grid of a window (same CRS and cell size).
    public func window(_ w: Window) -> GridSpec {
        GridSpec(crs: crs, originX: originX + Double(w.x) * cellSize, originY: originY - Double(w.y) * cellSize,
                 cellSize: cellSize, width: w.width, height: w.height)
    }

    /// The position of cell (col, row) on the CRS's own lattice of this cell size (column x / cell, row −y / cell):
    /// what depends on position (shadow ray lines) is anchored there, so a cell gets the same value in any grid
    /// that holds it (a district or the whole city) when the grids' origins are whole cells apart.
    public func latticeIndex(col: Int, row: Int) -> (col: Int, row: Int) {
        (Int((originX / cellSize).rounded()) + col, Int((-originY / cellSize).rounded()) + row)
    }

    /// Number of whole cells spanning `metres` (at least 1).
    public func cells(forMetres metres: Double) -> Int { max(1, Int((metres / cellSize).rounded())) }
}

/// A rectangular window of a grid, in cells.
public struct Window: Equatable, Hashable, Sendable, Codable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public var cellCount: Int { width * height }

    /// The window grown by `halo` cells on every side, clipped to a `width × height` grid.
    public func expanded(by halo: Int, within gridWidth: Int, _ gridHeight: Int) -> Window {
        let x0 = max(0, x - halo), y0 = max(0, y - halo)
        let x1 = min(gridWidth, x + width + halo), y1 = min(gridHeight, y + height + halo)
        return Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The window widened to multiples of `step` cells, clipped to a `width × height` grid.
    public func aligned(to step: Int, within gridWidth: Int, _ gridHeight: Int) -> Window {
        let x0 = x / step * step, y0 = y / step * step
        let x1 = min(gridWidth, (x + width + step - 1) / step * step), y1 = min(gridHeight, (y + height + step - 1) / step * step)
        return Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The smallest window holding both.
    public func union(_ other: Window) -> Window {
        let x0 = min(x, other.x), y0 = min(y, other.y)
        return Window(x: x0, y: y0, width: max(x + width, other.x + other.width) - x0, height: max(y + height, other.y + other.height) - y0)
    }

    /// Whether the cell (col, row) of the grid is inside.
    public func contains(col: Int, row: Int) -> Bool { col >= x && col < x + width && row >= y && row < y + height }

    /// The cells both windows hold; nil when they do not overlap.
    public func intersection(_ other: Window) -> Window? {
        let x0 = max(x, other.x), y0 = max(y, other.y), x1 = min(x + width, other.x + other.width), y1 = min(y + height, other.y + other.height)
        return x1 > x0 && y1 > y0 ? Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0) : nil
    }

    /// Windows of at most `size × size` cells tiling a `width × height` grid, row by row.
    public static func tiles(width: Int, height: Int, size: Int) -> [Window] {
        var result: [Window] = []
        for y in stride(from: 0, to: height, by: size) {
            for x in stride(from: 0, to: width, by: size) {
                result.append(Window(x: x, y: y, width: min(size, width - x), height: min(size, height - y)))
            }
        }
        return result
    }
}

extension Window {
    /// The window cut into strips of at most `rows` rows, top to bottom (the unit of streamed reads and writes).
    public func strips(rows: Int) -> [Window] {
        stride(from: 0, to: height, by: rows).map { Window(x: x, y: y + $0, width: width, height: min(rows, height - $0)) }
    }
}
