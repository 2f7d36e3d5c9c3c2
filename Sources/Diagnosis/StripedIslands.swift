import Foundation
import GeoIO
import Grid
import Run

/// What the diagnosis keeps of each island while its strips go by: its cells' sums. Member cells without a value
/// (NaN: buildings inside a zone) count in its cells but not in its mean, maximum, centroid or extra means.
struct IslandSums {
    var cells: Int
    var valid = 0
    var sum = 0.0, maximum = -Double.infinity
    var sx = 0.0, sy = 0.0
    var extras: [Double]

    init(cells: Int, extras: Int) { self.cells = cells; self.extras = [Double](repeating: 0, count: extras) }

    mutating func add(_ value: Float, col: Int, row: Int) {
        let v = Double(value)
        valid += 1
        sum += v; maximum = max(maximum, v)
        sx += Double(col) + 0.5; sy += Double(row) + 0.5
    }

    var mean: Double { sum / Double(valid) }
    var centroid: (col: Double, row: Double) { (sx / Double(valid), sy / Double(valid)) }

    /// Islands with a value, ranked by decreasing mean (then size): their indices, and each index's label from 1
    /// (0 for an island of valueless cells only).
    static func ranked(_ islands: [IslandSums]) -> (order: [Int], labels: [Int32]) {
        let order = islands.indices.filter { islands[$0].valid > 0 }.sorted {
            islands[$0].mean != islands[$1].mean ? islands[$0].mean > islands[$1].mean : islands[$0].cells > islands[$1].cells
        }
        var labels = [Int32](repeating: 0, count: islands.count)
        for (rank, k) in order.enumerated() { labels[k] = Int32(rank + 1) }
        return (order, labels)
    }
}

/// Islands' labels written strip by strip into a raster of the grid (a hidden work file of the staged output), for
/// GDAL's polygonize: a label plane of a metropolis is never held.
final class LabelStrips {
    let dataset: RasterDataset
    private let width: Int
    private var y0 = 0, strip: [Float] = []

    init(path: String, grid: GridSpec) throws {
        dataset = try RasterDataset.create(path, on: grid, profile: .work)
        width = grid.width
    }

    /// Writes the strip before (if any) and starts the one of rows y ..< y + height, all 0.
    func begin(_ y: Int, _ height: Int) throws {
        try flush()
        y0 = y
        strip = [Float](repeating: 0, count: width * height)
    }

    func set(row: Int, columns: Range<Int>, label: Int) {
        for c in columns { strip[(row - y0) * width + c] = Float(label) }
    }

    func flush() throws {
        guard !strip.isEmpty else { return }
        try dataset.band(1).write(strip, x: 0, y: y0, width: width, height: strip.count / width)
        strip = []
    }

    /// The polygons of each island, by the label `relabel[value − 1]` (islands relabelled 0 are left out).
    func polygons(relabel: [Int32]) throws -> [Int: [UInt8]] {
        try flush()
        try dataset.flush()
        var out: [Int: [UInt8]] = [:]
        let context = GeometryContext()
        // A 4-connected region is one polygon (holes included): GDAL's polygonize is 4-connected too; union just in case.
        for (value, wkb) in try dataset.polygons() {
            let label = Int(relabel[value - 1])
            guard label > 0 else { continue }
            out[label] = try out[label].map { try Geometry(wkb: $0, context: context).union(Geometry(wkb: wkb, context: context)).wkb } ?? wkb
        }
        return out
    }
}
