import Foundation
import Grid

/// Where a tile's values come from: a layer at several resolutions, sampled at the grid positions of the tile's
/// pixels on the level whose cells are just under a pixel's footprint, so a zoomed-out tile shows the mean of
/// what a pixel covers instead of aliasing the fine grid.
public protocol TileSource: Sendable {
    var grid: GridSpec { get }
    /// Values at grid coordinates (fractional col, row of the grid's cells), NaN outside the grid and on no data;
    /// `footprint` is a pixel's size in cells.
    func values(cols: [Double], rows: [Double], footprint: Double) throws -> [Float]
}

/// The pyramid level for a pixel footprint in grid cells: level k has cells about 2^k times the grid's.
@inline(__always)
func pyramidLevel(footprint: Double, levels: Int) -> Int { max(0, min(levels - 1, Int(log2(max(footprint, 1))))) }

/// A window of one pyramid level held in memory, sampled bilinearly over its valid cells.
struct LevelWindow {
    /// The window's values, row-major; NaN is no data.
    var values: [Float]
    /// The window's first column and row in the level, and its size.
    let x0: Int, y0: Int, width: Int, height: Int
    /// The whole level's size in cells.
    let levelWidth: Int, levelHeight: Int
    /// Level cells per grid cell along x and y (1/2^k for a halved pyramid; an overview's own ratio of sizes).
    let scaleX: Double, scaleY: Double

    /// The window's level coordinates of grid position (col, row): cell centres at integers.
    @inline(__always)
    func levelPosition(col: Double, row: Double) -> (x: Double, y: Double) { (col * scaleX - 0.5, row * scaleY - 0.5) }

    /// The cells sampling needs around level position (x, y): its nearest cell and the four around it, clamped to the level.
    @inline(__always)
    static func span(_ v: Double, size: Int) -> ClosedRange<Int> {
        let lower = max(0, min(size - 1, Int(v.rounded(.down)))), upper = max(0, min(size - 1, Int(v.rounded(.down)) + 1))
        return lower...upper
    }

    /// The value at grid position (col, row), which the caller has checked is inside the grid: bilinear over the
    /// valid cells among the four around it, NaN where the nearest cell is no data (buildings keep their holes).
    @inline(__always)
    func sample(col: Double, row: Double) -> Float {
        let (x, y) = levelPosition(col: col, row: row)
        let pw = levelWidth, ph = levelHeight
        let nx = min(pw - 1, max(0, Int(x + 0.5))), ny = min(ph - 1, max(0, Int(y + 0.5)))
        return values.withUnsafeBufferPointer { v -> Float in
            let nearest = v[(ny - y0) * width + nx - x0]
            guard !nearest.isNaN else { return .nan }
            let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
            let fx = Float(x - Double(x0)), fy = Float(y - Double(y0))
            var sum: Float = 0, weight: Float = 0
            @inline(__always) func add(_ cx: Int, _ cy: Int, _ w: Float) {
                guard w > 0, cx >= 0, cy >= 0, cx < pw, cy < ph else { return }
                let value = v[(cy - self.y0) * width + cx - self.x0]
                if !value.isNaN { sum += w * value; weight += w }
            }
            add(x0, y0, (1 - fx) * (1 - fy)); add(x0 + 1, y0, fx * (1 - fy))
            add(x0, y0 + 1, (1 - fx) * fy); add(x0 + 1, y0 + 1, fx * fy)
            return weight > 0 ? sum / weight : nearest
        }
    }

    /// Halved by averaging 2 × 2 cells (no data left out; a cell is NaN only when all its children are).
    static func halved(_ p: Plane) -> Plane {
        let w = (p.width + 1) / 2, h = (p.height + 1) / 2
        return Plane(width: w, height: h) { c, r in
            var sum: Float = 0, n: Float = 0
            for dy in 0..<2 { for dx in 0..<2 {
                let x = 2 * c + dx, y = 2 * r + dy
                guard x < p.width, y < p.height else { continue }
                let v = p.values[y * p.width + x]
                if !v.isNaN { sum += v; n += 1 }
            } }
            return n > 0 ? sum / n : .nan
        }
    }
}

extension TileSource {
    /// Whether grid position (col, row) is inside the grid.
    @inline(__always)
    func inside(col: Double, row: Double) -> Bool { col >= 0 && row >= 0 && col < Double(grid.width) && row < Double(grid.height) }
}
