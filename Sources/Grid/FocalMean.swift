import Dispatch

/// Gaussian focal (neighbourhood) mean, O(1) per cell whatever the radius.
///
/// The model's kernel K_r is a Gaussian with σ = r/2 truncated at 2r, normalised by the weights that fall
/// inside the grid (and on valid cells). We approximate the Gaussian by `passes` successive extended box filters
/// whose composite variance equals σ² exactly (Gwosdek et al. 2011, "Theoretical foundations of Gaussian
/// convolution by extended box filtering"); each is a running sum, so the cost is O(1) per cell; the same filter
/// is applied to the validity mask and the result divided by it, which gives the exact edge normalisation.
public enum FocalMean {
    /// Extended-box passes; 5 keep the approximation within 1 % of the layer's range of the exact kernel (tested).
    public static let passes = 5

    /// How far, in cells, the focal mean of radius `radiusCells` reaches: a cell's mean reads nothing farther.
    public static func reach(radiusCells: Double) -> Int {
        radiusCells / 2 >= 0.5 ? extendedBoxes(sigma: radiusCells / 2, passes: passes).reduce(0) { $0 + $1.halfWidth + 1 } : 0
    }

    /// Focal mean of `plane` with radius `radiusCells` (σ = r/2). NaN cells carry no weight.
    public static func gaussian(_ plane: Plane, radiusCells: Double) -> Plane {
        let sigma = radiusCells / 2
        guard sigma >= 0.5 else { return plane }
        let boxes = extendedBoxes(sigma: sigma, passes: passes)
        // Pad with empty cells by the filters' total reach: successive passes then compose exactly into one
        // kernel (no mass leaves the domain between passes), and dividing by the filtered mask normalises it.
        let pad = boxes.reduce(0) { $0 + $1.halfWidth + 1 }
        let w = plane.width + 2 * pad, h = plane.height + 2 * pad
        var data = [Double](repeating: 0, count: w * h)
        var weight = [Double](repeating: 0, count: w * h)
        for row in 0..<plane.height {
            for col in 0..<plane.width {
                let v = plane.values[row * plane.width + col]
                guard !v.isNaN else { continue }
                data[(row + pad) * w + col + pad] = Double(v)
                weight[(row + pad) * w + col + pad] = 1
            }
        }
        smooth(&data, width: w, height: h, boxes)
        smooth(&weight, width: w, height: h, boxes)
        return normalised(data, by: weight, paddedWidth: w, pad: pad, like: plane)
    }

    /// The core (un-padded) cells of filtered data divided by the filtered weights; NaN where no weight reached.
    static func normalised(_ data: [Double], by weight: [Double], paddedWidth w: Int, pad: Int, like plane: Plane) -> Plane {
        var out = [Float](repeating: .nan, count: plane.count)
        for row in 0..<plane.height {
            for col in 0..<plane.width {
                let i = (row + pad) * w + col + pad
                if weight[i] > 1e-12 { out[row * plane.width + col] = Float(data[i] / weight[i]) }
            }
        }
        return Plane(width: plane.width, height: plane.height, values: out)
    }

    /// Focal means of several planes of one size with one radius. When no plane has NaN cells they share one
    /// normalisation (the filtered validity mask), which then costs one pass instead of one per plane.
    public static func gaussian(_ planes: [Plane], radiusCells: Double) -> [Plane] {
        guard let first = planes.first, radiusCells / 2 >= 0.5, !planes.contains(where: { $0.values.contains(where: \.isNaN) }) else {
            return planes.map { gaussian($0, radiusCells: radiusCells) }
        }
        let boxes = extendedBoxes(sigma: radiusCells / 2, passes: passes)
        let pad = boxes.reduce(0) { $0 + $1.halfWidth + 1 }
        let w = first.width + 2 * pad, h = first.height + 2 * pad
        @Sendable func filtered(_ value: (Int) -> Double) -> [Double] {
            var data = [Double](repeating: 0, count: w * h)
            for row in 0..<first.height { for col in 0..<first.width { data[(row + pad) * w + col + pad] = value(row * first.width + col) } }
            smooth(&data, width: w, height: h, boxes)
            return data
        }
        // The validity mask is then a rectangle, so its filtered value is a row's 1-D filtered mask times a
        // column's: two short passes instead of a whole padded plane.
        func filteredOnes(count: Int, ones: Range<Int>) -> [Double] {
            var line = [Double](repeating: 0, count: count)
            for i in ones { line[i] = 1 }
            smooth(&line, width: count, height: 1, boxes)
            return line
        }
        let rowWeights = filteredOnes(count: w, ones: pad..<(pad + first.width)), columnWeights = filteredOnes(count: h, ones: pad..<(pad + first.height))
        // The planes are filtered side by side, one per core.
        return concurrentMap(planes.count) { k in
            let plane = planes[k]
            let data = filtered { Double(plane.values[$0]) }
            var out = [Float](repeating: .nan, count: plane.count)
            for row in 0..<plane.height {
                let columnWeight = columnWeights[row + pad]
                for col in 0..<plane.width {
                    let weight = columnWeight * rowWeights[col + pad]
                    if weight > 1e-12 { out[row * plane.width + col] = Float(data[(row + pad) * w + col + pad] / weight) }
                }
            }
            return Plane(width: plane.width, height: plane.height, values: out)
        }
    }

    /// Each box along the rows, then down the columns, the columns a tile of 32 at a time: a row (and a tile of
    /// columns) is filtered in the cache, through raw pointers, with no test per cell in the interior; the order of
    /// the operations is the plain filter's, so the result is the same to the bit.
    static func smooth(_ a: inout [Double], width: Int, height: Int, _ boxes: [ExtendedBox]) {
        let tile = 32
        var prefix = [Double](repeating: 0, count: width + 1), sums = [Double](repeating: 0, count: tile)
        var column = [Double](repeating: 0, count: tile * height), filtered = column
        a.withUnsafeMutableBufferPointer { buffer in
            for box in boxes {
                for row in 0..<height { boxLine(UnsafeMutableBufferPointer(rebasing: buffer[(row * width)..<((row + 1) * width)]), box, prefix: &prefix) }
                for first in stride(from: 0, to: width, by: tile) {
                    let columns = min(tile, width - first)
                    for r in 0..<height { for c in 0..<columns { column[r * tile + c] = buffer[r * width + first + c] } }
                    boxTileColumns(column, into: &filtered, tile: tile, columns: columns, height: height, box, sums: &sums)
                    for r in 0..<height { for c in 0..<columns { buffer[r * width + first + c] = filtered[r * tile + c] } }
                }
            }
        }
    }

    /// One extended box along one line, in place (a running sum: a sum, not a mean).
    static func boxLine(_ line: UnsafeMutableBufferPointer<Double>, _ box: ExtendedBox, prefix: inout [Double]) {
        let width = line.count, h = box.halfWidth, alpha = box.edgeWeight
        prefix.withUnsafeMutableBufferPointer { prefix in
            let p = prefix.baseAddress!, v = line.baseAddress!
            p[0] = 0
            for col in 0..<width { p[col + 1] = p[col] + v[col] }
            // The interior, where the box and its two edge cells are inside the line, without a test per cell.
            let first = h + 1, end = width - h - 1
            if first < end {
                for col in first..<end {
                    var sum = p[col + h + 1] - p[col - h]
                    sum += alpha * (p[col - h] - p[col - h - 1])
                    sum += alpha * (p[col + h + 2] - p[col + h + 1])
                    v[col] = sum
                }
            }
            for col in 0..<width where col < first || col >= max(first, end) {
                let lo = max(0, col - h), hi = min(width, col + h + 1)
                var sum = p[hi] - p[lo]
                if col - h - 1 >= 0 { sum += alpha * (p[col - h] - p[col - h - 1]) }
                if col + h + 1 < width { sum += alpha * (p[col + h + 2] - p[col + h + 1]) }
                v[col] = sum
            }
        }
    }

    /// One extended box down the columns of a tile (`tile` values per row, the first `columns` used).
    static func boxTileColumns(_ input: [Double], into out: inout [Double], tile: Int, columns: Int, height: Int, _ box: ExtendedBox, sums: inout [Double]) {
        let h = box.halfWidth, alpha = box.edgeWeight
        input.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { out in
                sums.withUnsafeMutableBufferPointer { sums in
                    let x = input.baseAddress!, y = out.baseAddress!, s = sums.baseAddress!
                    for c in 0..<columns { s[c] = 0 }
                    for r in 0...min(h, height - 1) { for c in 0..<columns { s[c] += x[r * tile + c] } }
                    for row in 0..<height {
                        let above = row - h - 1, below = row + h + 1
                        let o = y + row * tile
                        switch (above >= 0, below < height) {
                        case (true, true):
                            let a = x + above * tile, b = x + below * tile
                            for c in 0..<columns { var v = s[c]; v += alpha * a[c]; v += alpha * b[c]; o[c] = v }
                        case (true, false):
                            let a = x + above * tile
                            for c in 0..<columns { o[c] = s[c] + alpha * a[c] }
                        case (false, true):
                            let b = x + below * tile
                            for c in 0..<columns { o[c] = s[c] + alpha * b[c] }
                        case (false, false):
                            for c in 0..<columns { o[c] = s[c] }
                        }
                        if below < height { let b = x + below * tile; for c in 0..<columns { s[c] += b[c] } }
                        if row - h >= 0 { let t = x + (row - h) * tile; for c in 0..<columns { s[c] -= t[c] } }
                    }
                }
            }
        }
    }

    /// An "extended box" (Gwosdek et al. 2011): 2h+1 cells of weight 1 plus weight α on the cells at ±(h+1),
    /// so that its variance can be any value, not only those of whole boxes.
    struct ExtendedBox: Equatable {
        var halfWidth: Int
        var edgeWeight: Double
        var variance: Double {
            let h = Double(halfWidth), a = edgeWeight
            return (h * (h + 1) * (2 * h + 1) / 3 + 2 * a * (h + 1) * (h + 1)) / (2 * h + 1 + 2 * a)
        }
    }

    /// `passes` identical extended boxes whose variances add up to σ² exactly.
    static func extendedBoxes(sigma: Double, passes n: Int) -> [ExtendedBox] {
        let target = sigma * sigma / Double(n)
        var h = 0
        while ExtendedBox(halfWidth: h + 1, edgeWeight: 0).variance <= target { h += 1 }
        let hh = Double(h)
        let alpha = ((2 * hh + 1) * target - hh * (hh + 1) * (2 * hh + 1) / 3) / (2 * (hh + 1) * (hh + 1) - 2 * target)
        return Array(repeating: ExtendedBox(halfWidth: h, edgeWeight: max(0, min(1, alpha))), count: n)
    }

    /// The exact truncated, normalised Gaussian (naive O(r²) per cell): the reference the fast path is tested against.
    public static func exactGaussian(_ plane: Plane, radiusCells: Double) -> Plane {
        let sigma = radiusCells / 2
        let reach = Int((2 * radiusCells).rounded(.down))
        var out = Plane(width: plane.width, height: plane.height, value: .nan)
        for row in 0..<plane.height {
            for col in 0..<plane.width {
                var sum = 0.0, weights = 0.0
                for dy in -reach...reach {
                    let r = row + dy
                    guard r >= 0, r < plane.height else { continue }
                    for dx in -reach...reach {
                        let c = col + dx
                        guard c >= 0, c < plane.width else { continue }
                        let d2 = Double(dx * dx + dy * dy)
                        guard d2 <= 4 * radiusCells * radiusCells else { continue }
                        let v = plane[c, r]
                        guard !v.isNaN else { continue }
                        let w = exp(-d2 / (2 * sigma * sigma))
                        sum += w * Double(v); weights += w
                    }
                }
                if weights > 0 { out[col, row] = Float(sum / weights) }
            }
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
