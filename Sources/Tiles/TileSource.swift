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

    /// The cells sampling needs around level position (x, y): its nearest cell and the four around it, clamped to the level.
    @inline(__always)
    static func span(_ v: Double, size: Int) -> ClosedRange<Int> {
        let lower = max(0, min(size - 1, Int(v.rounded(.down)))), upper = max(0, min(size - 1, Int(v.rounded(.down)) + 1))
        return lower...upper
    }

    /// The values at grid positions (cols[i], rows[i]) inside the grid (`gridWidth` × `gridHeight` cells), NaN
    /// elsewhere: bilinear over the valid cells among the four around each, NaN where the nearest cell is no data
    /// (buildings keep their holes). One pass over raw buffers: a tile samples 65 536 positions.
    func sample(cols: [Double], rows: [Double], gridWidth: Int, gridHeight: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: cols.count)
        let pw = levelWidth, ph = levelHeight, wx0 = x0, wy0 = y0, stride = width, windowHeight = height, sx = scaleX, sy = scaleY
        let gw = Double(gridWidth), gh = Double(gridHeight)
        values.withUnsafeBufferPointer { v in
            cols.withUnsafeBufferPointer { cs in
                rows.withUnsafeBufferPointer { rs in
                    out.withUnsafeMutableBufferPointer { o in
                        for i in 0..<cs.count {
                            let col = cs[i], row = rs[i]
                            guard col >= 0, row >= 0, col < gw, row < gh else { continue }
                            // Level coordinates: cell centres at integers. x, y ≥ −0.5, so truncating x + 1 floors it.
                            let x = col * sx - 0.5, y = row * sy - 0.5
                            let cx = Int(x + 1) - 1, cy = Int(y + 1) - 1
                            let fx = Float(x - Double(cx)), fy = Float(y - Double(cy))
                            // Inside the window with its four cells: plain bilinear; a NaN among them makes it NaN,
                            // and the careful path below decides.
                            if cx >= wx0, cy >= wy0, cx + 1 < wx0 + stride, cy + 1 - wy0 < windowHeight {
                                let k = (cy - wy0) * stride + cx - wx0
                                let top = v[k] + fx * (v[k + 1] - v[k]), bottom = v[k + stride] + fx * (v[k + stride + 1] - v[k + stride])
                                let value = top + fy * (bottom - top)
                                if !value.isNaN { o[i] = value; continue }
                            }
                            let nx = min(pw - 1, max(0, Int(x + 0.5))), ny = min(ph - 1, max(0, Int(y + 0.5)))
                            let nearest = v[(ny - wy0) * stride + nx - wx0]
                            guard !nearest.isNaN else { continue }
                            var sum: Float = 0, weight: Float = 0
                            @inline(__always) func add(_ ax: Int, _ ay: Int, _ w: Float) {
                                guard w > 0, ax >= 0, ay >= 0, ax < pw, ay < ph else { return }
                                let value = v[(ay - wy0) * stride + ax - wx0]
                                if !value.isNaN { sum += w * value; weight += w }
                            }
                            add(cx, cy, (1 - fx) * (1 - fy)); add(cx + 1, cy, fx * (1 - fy))
                            add(cx, cy + 1, (1 - fx) * fy); add(cx + 1, cy + 1, fx * fy)
                            o[i] = weight > 0 ? sum / weight : nearest
                        }
                    }
                }
            }
        }
        return out
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
