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
        var vertex = [Int](repeating: 0, count: width)
        var boundary = [Double](repeating: 0, count: width + 1)
        for row in 0..<height {
            let base = row * width
            var k = 0
            var first = -1
            for q in 0..<width where columnDistance[base + q] < infinity { first = q; break }
            guard first >= 0 else { continue }
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
                distance[base + q] = Float(d.squareRoot())
                nearest[base + q] = columnFeature[base + v]
            }
        }
        return (distance, nearest)
    }
}
