import Foundation
import Grid

/// The diagnosis's islands and access with the whole grid in memory: the reference the striped diagnosis
/// (StripedAccess, StripedDistance) is tested against. 4-connected regions (cells sharing an edge; two regions
/// touching only at a corner stay two islands — a corner is not a place one walks through), small specks dropped.
enum IslandAnalysis {
    struct Region: Sendable {
        var label: Int32
        var cells: Int
        var mean: Double, max: Double
        /// Mean of each extra plane (e.g. each explanation term) over the region.
        var means: [Double]
        var centroid: (col: Double, row: Double)
    }

    /// Regions of cells where `isMember` holds, with at least `minCells` cells, relabelled 1…n by decreasing mean of `values`.
    /// Returns the label plane (0 elsewhere) and the regions. Member cells without a value (NaN: buildings inside a
    /// zone) count in the region's cells but not in its means, maximum or centroid.
    static func regions(values: Plane, extra: [Plane] = [], minCells: Int, isMember: (Int) -> Bool) -> (labels: [Int32], regions: [Region]) {
        let w = values.width, h = values.height
        let (raw, sizes) = ConnectedComponents.label(width: w, height: h, connectivity: .four, isMember: isMember)
        let n = sizes.count
        var sum = [Double](repeating: 0, count: n), maximum = [Double](repeating: -.infinity, count: n)
        var sx = [Double](repeating: 0, count: n), sy = sx, valid = sx
        var extraSums = [[Double]](repeating: [Double](repeating: 0, count: extra.count), count: n)
        for i in 0..<(w * h) {
            let l = Int(raw[i])
            guard l > 0, sizes[l] >= minCells else { continue }
            let v = Double(values.values[i])
            guard !v.isNaN else { continue }
            valid[l] += 1
            sum[l] += v; maximum[l] = max(maximum[l], v)
            sx[l] += Double(i % w) + 0.5; sy[l] += Double(i / w) + 0.5
            for (k, p) in extra.enumerated() { extraSums[l][k] += Double(p.values[i]) }
        }
        var kept: [(old: Int, region: Region)] = []
        for l in 1..<max(n, 1) where sizes[l] >= minCells && valid[l] > 0 {
            let c = valid[l]
            kept.append((l, Region(label: 0, cells: sizes[l], mean: sum[l] / c, max: maximum[l], means: extraSums[l].map { $0 / c },
                                   centroid: (sx[l] / c, sy[l] / c))))
        }
        kept.sort { $0.region.mean != $1.region.mean ? $0.region.mean > $1.region.mean : $0.region.cells > $1.region.cells }
        var newLabel = [Int32](repeating: 0, count: n)
        var regions: [Region] = []
        for (k, entry) in kept.enumerated() {
            newLabel[entry.old] = Int32(k + 1)
            var r = entry.region
            r.label = Int32(k + 1)
            regions.append(r)
        }
        let labels = raw.map { $0 > 0 ? newLabel[Int($0)] : 0 }
        return (labels, regions)
    }

    /// Distance (m) from every cell to the nearest source cell (exact Euclidean), and the share of the cells
    /// where `counts` holds that lie within `radius` metres of one.
    static func access(width: Int, height: Int, cellSize: Double, radius: Double, isSource: (Int) -> Bool, counts: (Int) -> Bool) -> (distance: [Float], share: Double) {
        let (d, _) = DistanceTransform.nearest(width: width, height: height, isFeature: isSource)
        var total = 0, covered = 0
        var metres = [Float](repeating: 0, count: d.count)
        for i in 0..<d.count {
            metres[i] = d[i].isFinite ? d[i] * Float(cellSize) : .infinity
            if counts(i) { total += 1; if Double(metres[i]) <= radius { covered += 1 } }
        }
        return (metres, total > 0 ? Double(covered) / Double(total) : 0)
    }

    /// The value at quantile q (0–1) of the finite values where `include` holds.
    static func quantile(_ values: [Float], _ q: Double, include: (Int) -> Bool = { _ in true }) -> Double {
        var v: [Float] = []
        for i in values.indices where include(i) && values[i].isFinite { v.append(values[i]) }
        guard !v.isEmpty else { return .nan }
        v.sort()
        return Double(v[min(v.count - 1, Int((q * Double(v.count - 1)).rounded()))])
    }
}
