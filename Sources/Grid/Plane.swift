/// A 2-D field of Float32 values, row-major (row 0 = north). NaN means "no data".
public struct Plane: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, value: Float = 0) {
        self.width = width
        self.height = height
        values = [Float](repeating: value, count: width * height)
    }

    public init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "plane of \(width)×\(height) needs \(width * height) values, got \(values.count)")
        self.width = width
        self.height = height
        self.values = values
    }

    /// Builds a plane from a function of (col, row).
    public init(width: Int, height: Int, _ value: (Int, Int) -> Float) {
        self.width = width
        self.height = height
        var values = [Float](repeating: 0, count: width * height)
        for row in 0..<height { for col in 0..<width { values[row * width + col] = value(col, row) } }
        self.values = values
    }

    public var count: Int { values.count }

    @inline(__always)
    public subscript(col: Int, row: Int) -> Float {
        get { values[row * width + col] }
        set { values[row * width + col] = newValue }
    }

    /// The values of a window, as a new plane.
    public func cropped(to w: Window) -> Plane {
        var out = [Float](repeating: 0, count: w.cellCount)
        for r in 0..<w.height {
            let source = (w.y + r) * width + w.x
            out.replaceSubrange(r * w.width..<(r + 1) * w.width, with: values[source..<source + w.width])
        }
        return Plane(width: w.width, height: w.height, values: out)
    }

    /// Copies `other` into this plane with its top-left corner at (x, y) (which may lie outside: only the overlap is copied).
    public mutating func paste(_ other: Plane, x: Int, y: Int) {
        let c0 = max(0, -x), c1 = min(other.width, width - x)
        guard c1 > c0 else { return }
        for r in max(0, -y)..<max(max(0, -y), min(other.height, height - y)) {
            let target = (y + r) * width + x + c0
            values.replaceSubrange(target..<target + (c1 - c0), with: other.values[(r * other.width + c0)..<(r * other.width + c1)])
        }
    }

    /// Element-wise combination of two planes of the same size.
    public func combined(with other: Plane, _ f: (Float, Float) -> Float) -> Plane {
        precondition(width == other.width && height == other.height)
        return Plane(width: width, height: height, values: zip(values, other.values).map(f))
    }

    public func mapped(_ f: (Float) -> Float) -> Plane { Plane(width: width, height: height, values: values.map(f)) }

    /// Minimum and maximum of the non-NaN values, nil when all are NaN.
    public var range: (min: Float, max: Float)? {
        var lo = Float.infinity, hi = -Float.infinity
        for v in values where !v.isNaN { lo = min(lo, v); hi = max(hi, v) }
        return lo <= hi ? (lo, hi) : nil
    }

    /// Mean of the non-NaN values.
    public var mean: Double {
        var sum = 0.0, n = 0
        for v in values where !v.isNaN { sum += Double(v); n += 1 }
        return n > 0 ? sum / Double(n) : .nan
    }

    /// Bilinear sample at fractional cell coordinates (centres at col + 0.5), clamped at the edges.
    public func bilinear(x: Double, y: Double) -> Float {
        let fx = min(max(x - 0.5, 0), Double(width - 1)), fy = min(max(y - 0.5, 0), Double(height - 1))
        let x0 = Int(fx), y0 = Int(fy)
        let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let tx = Float(fx - Double(x0)), ty = Float(fy - Double(y0))
        let top = self[x0, y0] * (1 - tx) + self[x1, y0] * tx
        let bottom = self[x0, y1] * (1 - tx) + self[x1, y1] * tx
        return top * (1 - ty) + bottom * ty
    }

    /// This plane, a coarse grid whose cells hold `factor` × `factor` fine cells, sampled by `bilinear` at the
    /// centres of the fine cells of `window`: the same values, with each column's and row's weights computed once
    /// instead of per cell.
    public func sampledAtFineCells(_ window: Window, factor: Int) -> Plane {
        sampledAtFineCells(window, factor: factor, of: (width, height), at: (0, 0))
    }

    /// The same when this plane is the part of a larger coarse grid (`whole` cells) from coarse cell `origin`: the
    /// edges clamp as the whole grid's do. The plane must hold every coarse cell `window` reads (`coarseCells`).
    public func sampledAtFineCells(_ window: Window, factor: Int, of whole: (width: Int, height: Int), at origin: (x: Int, y: Int)) -> Plane {
        let xs = Self.fineAxis(window.x, window.width, factor: factor, size: whole.width).map { ($0.0 - origin.x, $0.1 - origin.x, $0.2) }
        let ys = Self.fineAxis(window.y, window.height, factor: factor, size: whole.height).map { ($0.0 - origin.y, $0.1 - origin.y, $0.2) }
        precondition(xs.allSatisfy { $0.0 >= 0 && $0.1 < width } && ys.allSatisfy { $0.0 >= 0 && $0.1 < height }, "the coarse part holds the cells sampled")
        var out = [Float](repeating: 0, count: window.width * window.height)
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for (r, (y0, y1, ty)) in ys.enumerated() {
                    let row0 = y0 * width, row1 = y1 * width, base = r * window.width
                    for (c, (x0, x1, tx)) in xs.enumerated() {
                        let top = v[row0 + x0] * (1 - tx) + v[row0 + x1] * tx
                        let bottom = v[row1 + x0] * (1 - tx) + v[row1 + x1] * tx
                        o[base + c] = top * (1 - ty) + bottom * ty
                    }
                }
            }
        }
        return Plane(width: window.width, height: window.height, values: out)
    }

    /// The coarse cells (of a coarse grid of `whole` cells, `factor` fine cells a side) that sampling the fine
    /// cells of `window` reads.
    public static func coarseCells(_ window: Window, factor: Int, of whole: (width: Int, height: Int)) -> Window {
        let xs = fineAxis(window.x, window.width, factor: factor, size: whole.width), ys = fineAxis(window.y, window.height, factor: factor, size: whole.height)
        let x0 = xs.map(\.0).min() ?? 0, x1 = xs.map(\.1).max() ?? 0, y0 = ys.map(\.0).min() ?? 0, y1 = ys.map(\.1).max() ?? 0
        return Window(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
    }

    /// Along one axis, for each fine cell from `start`: the two coarse cells it lies between and its weight on the second.
    static func fineAxis(_ start: Int, _ count: Int, factor: Int, size: Int) -> [(Int, Int, Float)] {
        (0..<count).map { k in
            let f = min(max((Double(start + k) + 0.5) / Double(factor) - 0.5, 0), Double(size - 1))
            let i0 = Int(f)
            return (i0, min(i0 + 1, size - 1), Float(f - Double(i0)))
        }
    }
}
