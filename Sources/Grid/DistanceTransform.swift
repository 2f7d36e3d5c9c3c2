/// Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012), O(cells), with the index of the
/// nearest feature cell, so a property of the nearest feature (e.g. which park) can be looked up.
public enum DistanceTransform {
    /// For every cell: distance in cells to the nearest cell where `isFeature` is true (0 on features),
    /// and the flat index of that feature cell (-1 when there is no feature at all).
    public static func nearest(width: Int, height: Int, isFeature: (Int) -> Bool) -> (distance: [Float], nearest: [Int32]) {
        let infinity = Double(width * width + height * height + 1)
        // Pass 1: along columns, squared distance to the nearest feature in the same column.
        var columnDistance = [Double](repeating: infinity, count: width * height)
        var columnFeature = [Int32](repeating: -1, count: width * height)
        for col in 0..<width {
            var last = -1
            for row in 0..<height {
                if isFeature(row * width + col) { last = row }
                if last >= 0 {
                    let d = Double(row - last)
                    columnDistance[row * width + col] = d * d
                    columnFeature[row * width + col] = Int32(last * width + col)
                }
            }
            last = -1
            for row in stride(from: height - 1, through: 0, by: -1) {
                if isFeature(row * width + col) { last = row }
                if last >= 0 {
                    let d = Double(last - row)
                    if d * d < columnDistance[row * width + col] {
                        columnDistance[row * width + col] = d * d
                        columnFeature[row * width + col] = Int32(last * width + col)
                    }
                }
            }
        }
        // Pass 2: along rows, lower envelope of parabolas.
        var distance = [Float](repeating: .infinity, count: width * height)
        var nearest = [Int32](repeating: -1, count: width * height)
        var envelope = RowEnvelope(width: width)
        for row in 0..<height {
            envelope.solve(columnDistance, from: row * width, infinity: infinity) { q, v, d in
                distance[row * width + q] = d
                nearest[row * width + q] = columnFeature[row * width + v]
            }
        }
        return (distance, nearest)
    }
}

/// The row pass of the exact transform: along one row, the lower envelope of the parabolas rooted at each column's
/// squared distance to its nearest feature in that column.
struct RowEnvelope {
    private var vertex: [Int], boundary: [Double]
    let width: Int

    init(width: Int) {
        self.width = width
        vertex = [Int](repeating: 0, count: width)
        boundary = [Double](repeating: 0, count: width + 1)
    }

    /// For each column q of the row whose column distances start at `base`: `found(q, v, distance)`, v the column of
    /// the nearest feature's parabola. Nothing is reported when no column of the row has a feature.
    mutating func solve(_ columnDistance: [Double], from base: Int, infinity: Double, _ found: (Int, Int, Float) -> Void) {
        var k = 0
        var first = -1
        for q in 0..<width where columnDistance[base + q] < infinity { first = q; break }
        guard first >= 0 else { return }
        vertex[0] = first
        boundary[0] = -.infinity
        boundary[1] = .infinity
        if first + 1 < width {
            for q in (first + 1)..<width where columnDistance[base + q] < infinity {
                let fq = columnDistance[base + q] + Double(q * q)
                var s: Double
                repeat {
                    let v = vertex[k]
                    s = (fq - (columnDistance[base + v] + Double(v * v))) / Double(2 * (q - v))
                    if s <= boundary[k] { k -= 1 } else { break }
                } while k >= 0
                k += 1
                vertex[k] = q
                boundary[k] = s
                boundary[k + 1] = .infinity
            }
        }
        k = 0
        for q in 0..<width {
            while boundary[k + 1] < Double(q) { k += 1 }
            let v = vertex[k]
            let d = Double((q - v) * (q - v)) + columnDistance[base + v]
            found(q, v, Float(d.squareRoot()))
        }
    }
}

/// The exact distance transform of a grid's features (one bit a cell) for a strip of rows at a time, equal to the
/// whole grid's: each column's nearest feature above and below the strip is carried from the whole grid, found once
/// for every strip's edges, so memory is the bits, a strip and two rows of carries per strip.
public struct StripedDistance: Sendable {
    public let features: BitGrid
    public let stripRows: Int
    /// For strip s and column c: the last feature row above the strip (−1: none), and the first below it (−1: none).
    private var above: [[Int32]], below: [[Int32]]

    public init(features: BitGrid, stripRows: Int) {
        self.features = features
        self.stripRows = stripRows
        let w = features.width, h = features.height
        let strips = (h + stripRows - 1) / stripRows
        above = []; below = []
        var last = [Int32](repeating: -1, count: w)
        for s in 0..<strips {
            above.append(last)
            for row in (s * stripRows)..<min(h, (s + 1) * stripRows) { for c in 0..<w where features[c, row] { last[c] = Int32(row) } }
        }
        var next = [Int32](repeating: -1, count: w)
        below = Array(repeating: [], count: strips)
        for s in stride(from: strips - 1, through: 0, by: -1) {
            below[s] = next
            for row in stride(from: min(h, (s + 1) * stripRows) - 1, through: s * stripRows, by: -1) { for c in 0..<w where features[c, row] { next[c] = Int32(row) } }
        }
    }

    /// Distances in cells (∞ with no feature at all) of the rows of strip `s` (rows s·stripRows ..< its end), row-major.
    public func distances(strip s: Int) -> [Float] {
        let w = features.width, y0 = s * stripRows, rows = min(features.height, y0 + stripRows) - y0
        let infinity = Double(w * w + features.height * features.height + 1)
        var columnDistance = [Double](repeating: infinity, count: w * rows)
        for c in 0..<w {
            var last = Int(above[s][c])
            for r in 0..<rows {
                if features[c, y0 + r] { last = y0 + r }
                if last >= 0 { let d = Double(y0 + r - last); columnDistance[r * w + c] = d * d }
            }
            var next = Int(below[s][c])
            for r in stride(from: rows - 1, through: 0, by: -1) {
                if features[c, y0 + r] { next = y0 + r }
                if next >= 0 { let d = Double(next - y0 - r); columnDistance[r * w + c] = min(columnDistance[r * w + c], d * d) }
            }
        }
        var distance = [Float](repeating: .infinity, count: w * rows)
        var envelope = RowEnvelope(width: w)
        for r in 0..<rows { envelope.solve(columnDistance, from: r * w, infinity: infinity) { q, _, d in distance[r * w + q] = d } }
        return distance
    }
}
