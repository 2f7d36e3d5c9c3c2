import Foundation
import GeoIO
import Grid

/// One band of a run held in memory with its averaged levels (2×, 4×, … coarser), so a zoomed-out tile
/// samples a level whose cells match its pixels instead of aliasing the fine grid. No data (NaN) is left out
/// of the averages; a coarse cell is NaN only when all its children are.
public final class LayerPyramid: @unchecked Sendable {
    public let grid: GridSpec
    /// levels[0] is the grid itself; levels[k] has cells 2^k times larger.
    let levels: [Plane]

    public convenience init(path: String, band: Int, grid: GridSpec) throws {
        let dataset = try RasterDataset.open(path)
        guard dataset.width == grid.width, dataset.height == grid.height else {
            throw OutputError("\(path) is \(dataset.width) × \(dataset.height) pixels; the run's grid is \(grid.width) × \(grid.height)")
        }
        let b = try dataset.band(band)
        let noData = b.noData.map(Float.init)
        var values = try b.read(x: 0, y: 0, width: grid.width, height: grid.height)
        if let noData { for i in values.indices where values[i] == noData { values[i] = .nan } }
        self.init(plane: Plane(width: grid.width, height: grid.height, values: values), grid: grid)
    }

    /// From a plane already in memory (a scenario's maps); NaN is no data.
    public init(plane: Plane, grid: GridSpec) {
        var levels = [plane]
        while let last = levels.last, last.width > 1 || last.height > 1, levels.count < 16 { levels.append(Self.halved(last)) }
        self.grid = grid
        self.levels = levels
    }

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

    /// The level whose cells are just under a pixel footprint of `footprint` level-0 cells.
    public func level(footprint: Double) -> Int { max(0, min(levels.count - 1, Int(log2(max(footprint, 1))))) }

    /// The value at grid coordinates (col, row as fractional cells of level 0) on `level`, sampled bilinearly
    /// over valid neighbours; NaN outside the grid or where the nearest cell is no data (buildings keep their holes).
    @inline(__always)
    public func sample(col: Double, row: Double, level: Int) -> Float {
        guard col >= 0, row >= 0, col < Double(grid.width), row < Double(grid.height) else { return .nan }
        let plane = levels[level]
        let pw = plane.width, ph = plane.height
        let scale = Double(1 << level)
        let x = col / scale - 0.5, y = row / scale - 0.5
        let nx = min(pw - 1, max(0, Int(x + 0.5))), ny = min(ph - 1, max(0, Int(y + 0.5)))
        return plane.values.withUnsafeBufferPointer { v -> Float in
            let nearest = v[ny * pw + nx]
            guard !nearest.isNaN else { return .nan }
            let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
            let fx = Float(x - Double(x0)), fy = Float(y - Double(y0))
            var sum: Float = 0, weight: Float = 0
            @inline(__always) func add(_ cx: Int, _ cy: Int, _ w: Float) {
                guard w > 0, cx >= 0, cy >= 0, cx < pw, cy < ph else { return }
                let value = v[cy * pw + cx]
                if !value.isNaN { sum += w * value; weight += w }
            }
            add(x0, y0, (1 - fx) * (1 - fy)); add(x0 + 1, y0, fx * (1 - fy))
            add(x0, y0 + 1, (1 - fx) * fy); add(x0 + 1, y0 + 1, fx * fy)
            return weight > 0 ? sum / weight : nearest
        }
    }
}
