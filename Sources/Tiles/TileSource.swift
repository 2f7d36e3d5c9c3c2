import Foundation
import Grid

/// Where a tile's values come from: a layer at several resolutions, sampled at the grid positions of the tile's
/// pixels on the level whose cells are just under a pixel's footprint, so a zoomed-out tile shows the mean of
/// what a pixel covers instead of aliasing the fine grid.
public protocol TileSource: Sendable {
    var grid: GridSpec { get }
    /// Values at the pixels' grid positions, row-major, NaN outside the grid and on no data.
    func values(_ pixels: TilePixels) throws -> [Float]
}

/// The grid positions (fractional col, row of the grid's cells) of a square tile's pixel centres: a lattice of
/// positions every `step` pixels, between which positions are bilinear — so along a row, within one lattice cell,
/// they step linearly — and a pixel's footprint in cells.
public struct TilePixels: Sendable {
    /// Pixels across the tile, and between lattice points.
    public let size: Int, step: Int
    /// The lattice's positions, row-major, (size / step + 1)² of them.
    let cols: [Double], rows: [Double]
    public let footprint: Double

    var lattice: Int { size / step + 1 }

    /// The box holding every pixel's position (the lattice's own: each position is a convex combination of its points).
    var bounds: (minCol: Double, maxCol: Double, minRow: Double, maxRow: Double) {
        (cols.min() ?? .nan, cols.max() ?? .nan, rows.min() ?? .nan, rows.max() ?? .nan)
    }

    /// Calls `run(first, col, row, dCol, dRow)` for each run of `step` pixels along a row, from pixel `first`
    /// (row-major) at (col, row), each next one (dCol, dRow) further.
    @inline(__always)
    func forEachRun(_ run: (Int, Double, Double, Double, Double) -> Void) {
        let n = size, lattice = lattice
        for py in 0..<n {
            let j = min(py / step, lattice - 2), fy = Double(py - j * step) / Double(step)
            for i in 0..<(lattice - 1) {
                let k = j * lattice + i
                let c0 = (1 - fy) * cols[k] + fy * cols[k + lattice], c1 = (1 - fy) * cols[k + 1] + fy * cols[k + lattice + 1]
                let r0 = (1 - fy) * rows[k] + fy * rows[k + lattice], r1 = (1 - fy) * rows[k + 1] + fy * rows[k + lattice + 1]
                run(py * n + i * step, c0, r0, (c1 - c0) / Double(step), (r1 - r0) / Double(step))
            }
        }
    }
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

    /// The values at the pixels' positions inside the grid (`gridWidth` × `gridHeight` cells), NaN elsewhere:
    /// bilinear over the valid cells among the four around each, NaN where the nearest cell is no data (buildings
    /// keep their holes). One pass over raw buffers, positions stepped along each run: a tile samples 65 536.
    func sample(_ pixels: TilePixels, gridWidth: Int, gridHeight: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: pixels.size * pixels.size)
        sample(pixels, gridWidth: gridWidth, gridHeight: gridHeight, into: &out, insideOnly: false)
        return out
    }

    /// The same into `out`; with `insideOnly`, only the pixels whose four cells are all in the window (or past the
    /// level's edge where the window reaches it) are written, the others left as they are.
    func sample(_ pixels: TilePixels, gridWidth: Int, gridHeight: Int, into out: inout [Float], insideOnly: Bool) {
        let pw = levelWidth, ph = levelHeight, wx0 = x0, wy0 = y0, stride = width, windowHeight = height, sx = scaleX, sy = scaleY
        let step = pixels.step
        // Positions in fixed point: x + 1 in level cells (cell centres at integers; x ≥ −½ inside the grid) times
        // 65 536, stepped along each run — within 2⁻¹² of a cell of the exact position, and the same arithmetic on
        // every path, so a pixel has one position whatever layer or window samples it. A shift floors x + 1.
        let unit = 65_536.0, half = 32_768, toFraction = Float(1 / unit)
        let xLimit = Int(((Double(gridWidth) * sx + 0.5) * unit).rounded(.down)), yLimit = Int(((Double(gridHeight) * sy + 0.5) * unit).rounded(.down))
        // The cells a pixel may use, when only the inside is sampled: the window, and past the level's edges it reaches.
        let left = wx0 == 0 ? -1 : wx0, top = wy0 == 0 ? -1 : wy0
        let right = wx0 + stride >= pw ? pw : wx0 + stride - 1, bottom = wy0 + windowHeight >= ph ? ph : wy0 + windowHeight - 1
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                let cells = v.baseAddress!, pixelsOut = o.baseAddress! // the fast path's indices are inside by construction
                pixels.forEachRun { first, col0, row0, dCol, dRow in
                    let xq0 = Int(((col0 * sx + 0.5) * unit).rounded(.down)), yq0 = Int(((row0 * sy + 0.5) * unit).rounded(.down))
                    let dxq = Int((dCol * sx * unit).rounded()), dyq = Int((dRow * sy * unit).rounded())
                    let xqN = xq0 + (step - 1) * dxq, yqN = yq0 + (step - 1) * dyq
                    // Most runs lie inside the grid with every pixel's four cells in the window (positions are linear
                    // along a run, so its ends bound them all): a pixel costs integer adds, four reads and the mix.
                    if min(xq0, xqN) >= half, min(yq0, yqN) >= half, max(xq0, xqN) < xLimit, max(yq0, yqN) < yLimit {
                        let cxLow = (min(xq0, xqN) >> 16) - 1, cxHigh = (max(xq0, xqN) >> 16) - 1
                        let cyLow = (min(yq0, yqN) >> 16) - 1, cyHigh = (max(yq0, yqN) >> 16) - 1
                        if cxLow >= wx0, cyLow >= wy0, cxHigh + 1 < wx0 + stride, cyHigh + 1 < wy0 + windowHeight,
                           !insideOnly || (cxLow >= left && cyLow >= top && cxHigh + 1 <= right && cyHigh + 1 <= bottom) {
                            for s in 0..<step {
                                let xq = xq0 + s * dxq, yq = yq0 + s * dyq
                                let cx = (xq >> 16) - 1, cy = (yq >> 16) - 1
                                let fx = Float(xq & 0xFFFF) * toFraction, fy = Float(yq & 0xFFFF) * toFraction
                                let k = (cy - wy0) * stride + cx - wx0
                                let a = cells[k], b = cells[k + 1], c = cells[k + stride], d = cells[k + stride + 1]
                                let top = a + fx * (b - a), bottom = c + fx * (d - c)
                                let value = top + fy * (bottom - top)
                                if !value.isNaN { pixelsOut[first + s] = value; continue }
                                // Beside no data: the valid cells among the four, weighted, or NaN when the nearest has none.
                                let nearest = cells[k + (fy < 0.5 ? 0 : stride) + (fx < 0.5 ? 0 : 1)]
                                guard !nearest.isNaN else { pixelsOut[first + s] = .nan; continue }
                                var sum: Float = 0, weight: Float = 0
                                @inline(__always) func add(_ value: Float, _ w: Float) { if w > 0 && !value.isNaN { sum += w * value; weight += w } }
                                add(a, (1 - fx) * (1 - fy)); add(b, fx * (1 - fy)); add(c, (1 - fx) * fy); add(d, fx * fy)
                                pixelsOut[first + s] = weight > 0 ? sum / weight : nearest
                            }
                            return
                        }
                    }
                    // The same, pixel by pixel, at the grid's and the window's edges.
                    for s in 0..<step {
                        let xq = xq0 + s * dxq, yq = yq0 + s * dyq
                        guard xq >= half, yq >= half, xq < xLimit, yq < yLimit else { continue }
                        let cx = (xq >> 16) - 1, cy = (yq >> 16) - 1
                        if insideOnly && (cx < left || cy < top || cx + 1 > right || cy + 1 > bottom) { continue }
                        let fx = Float(xq & 0xFFFF) * toFraction, fy = Float(yq & 0xFFFF) * toFraction
                        // Inside the window with its four cells: plain bilinear; a NaN among them makes it NaN, and
                        // the careful path below decides.
                        if cx >= wx0, cy >= wy0, cx + 1 < wx0 + stride, cy + 1 - wy0 < windowHeight {
                            let k = (cy - wy0) * stride + cx - wx0
                            let top = v[k] + fx * (v[k + 1] - v[k]), bottom = v[k + stride] + fx * (v[k + stride + 1] - v[k + stride])
                            let value = top + fy * (bottom - top)
                            if !value.isNaN { o[first + s] = value; continue }
                        }
                        let nx = min(pw - 1, max(0, (xq - half) >> 16)), ny = min(ph - 1, max(0, (yq - half) >> 16))
                        let nearest = v[(ny - wy0) * stride + nx - wx0]
                        guard !nearest.isNaN else { o[first + s] = .nan; continue }
                        var sum: Float = 0, weight: Float = 0
                        @inline(__always) func add(_ ax: Int, _ ay: Int, _ w: Float) {
                            guard w > 0, ax >= 0, ay >= 0, ax < pw, ay < ph else { return }
                            let value = v[(ay - wy0) * stride + ax - wx0]
                            if !value.isNaN { sum += w * value; weight += w }
                        }
                        add(cx, cy, (1 - fx) * (1 - fy)); add(cx + 1, cy, fx * (1 - fy))
                        add(cx, cy + 1, (1 - fx) * fy); add(cx + 1, cy + 1, fx * fy)
                        o[first + s] = weight > 0 ? sum / weight : nearest
                    }
                }
            }
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
