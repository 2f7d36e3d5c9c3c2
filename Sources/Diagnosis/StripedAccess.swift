import Foundation
import Grid

/// Islands and the access to them over a city whose maps are read in strips of rows, never whole: what the whole
/// grid in memory gives (its quantiles, its 4-connected regions of at least `minCells`, the share of counted cells
/// within `radius` of one), to the same cells. Memory is a strip, one bit a cell for the islands, and the labels'
/// union–find — a 25 km city at 1 m is 78 MB of bits where its map is 2.5 GB of floats.
public enum StripedAccess {
    /// Reads `height` rows of a map from row `y`, the whole width, row-major; NaN for no data.
    public typealias Rows = (_ y: Int, _ height: Int) throws -> [Float]

    public static let stripRows = 256

    /// The value at quantile q of the finite values, as a sort of them all would (the sorted values' element
    /// round(q·(n − 1))), in two passes (`ZonalQuantiles`, one zone).
    public static func quantile(width: Int, height: Int, rows: Rows, q: Double) throws -> Double {
        var quantiles = ZonalQuantiles(zones: 1)
        try forEachStrip(height: height, rows: rows) { _, values in for v in values { quantiles.count(v, zone: 0) } }
        let target = quantiles.target([q])
        try forEachStrip(height: height, rows: rows) { _, values in for v in values { quantiles.collect(v, zone: 0) } }
        return quantiles.values(target)[0][0]
    }

    /// The cells of 4-connected regions of members (`isMember(value)`) of at least `minCells` cells, one bit a cell.
    public static func regions(width: Int, height: Int, rows: Rows, minCells: Int, isMember: (Float) -> Bool) throws -> BitGrid {
        var bits = BitGrid(width: width, height: height)
        _ = try regions(width: width, height: height, rows: rows, minCells: minCells, isMember: isMember) { y, columns, _, _ in
            for c in columns { bits[c, y] = true }
        }
        return bits
    }

    /// The 4-connected regions of members (`isMember(value)`) of at least `minCells` cells, in two passes over the
    /// rows: the first labels each run of members by the first run it touches in the row above (or a new label),
    /// records the other runs it touches as unions and sums the runs' lengths; the second replays the same labels
    /// and gives each run of a large enough region to `visit(row, columns, region, cells)`, regions numbered from 0 in
    /// the order of their first cell (row-major), with their cell counts, after `strip(y, height)` for its strip.
    /// Returns each region's cell count. Memory: the labels' union–find, never a plane.
    @discardableResult
    public static func regions(width: Int, height: Int, rows: Rows, minCells: Int, isMember: (Float) -> Bool,
                               strip: (_ y: Int, _ height: Int) throws -> Void = { _, _ in },
                               visit: (_ row: Int, _ columns: Range<Int>, _ region: Int, _ cells: Int) throws -> Void) throws -> [Int] {
        var parent: [Int32] = [], size: [Int] = []
        func find(_ a: Int32) -> Int32 {
            var a = a
            while parent[Int(a)] != a { parent[Int(a)] = parent[Int(parent[Int(a)])]; a = parent[Int(a)] }
            return a
        }
        var labelling = RunLabelling()
        try forEachStrip(height: height, rows: rows) { _, values in
            for r in 0..<(values.count / width) {
                labelling.next(row: values[(r * width)..<((r + 1) * width)], isMember: isMember) { run in
                    if run.label == Int32(parent.count) { parent.append(run.label); size.append(0) }
                    size[Int(run.label)] += run.end - run.start
                    for other in run.touches {
                        let a = find(run.label), b = find(other)
                        if a != b { parent[Int(max(a, b))] = min(a, b) }
                    }
                }
            }
        }
        var total = [Int](repeating: 0, count: parent.count)
        for l in parent.indices { total[Int(find(Int32(l)))] += size[l] }
        var region = [Int32](repeating: -1, count: parent.count)
        var cells: [Int] = []
        labelling = RunLabelling()
        var y = 0
        try forEachStrip(height: height, rows: rows) { y0, values in
            try strip(y0, values.count / width)
            for r in 0..<(values.count / width) {
                var runs: [(Range<Int>, Int)] = []
                labelling.next(row: values[(r * width)..<((r + 1) * width)], isMember: isMember) { run in
                    let root = Int(find(run.label))
                    guard total[root] >= minCells else { return }
                    if region[root] < 0 { region[root] = Int32(cells.count); cells.append(total[root]) }
                    runs.append((run.start..<run.end, Int(region[root])))
                }
                for (columns, k) in runs { try visit(y, columns, k, cells[k]) }
                y += 1
            }
        }
        return cells
    }

    /// Within `radius` (metres) of a source cell, counted where `counts(value)` holds on the map `rows` reads: the
    /// share of counted cells, and which cells of `window` (when given) are within reach.
    /// `weights` (e.g. people per cell, read like the map) gives the share of their sum within reach too.
    public static func access(width: Int, height: Int, cellSize: Double, radius: Double, sources: BitGrid, rows: Rows, counts: (Float) -> Bool,
                              window: Window? = nil, weights: Rows? = nil) throws -> (share: Double, reached: BitGrid?, weightedShare: Double?) {
        try access(cellSize: cellSize, radius: radius, distance: StripedDistance(features: sources, stripRows: stripRows), rows: rows,
                   counts: counts, window: window, weights: weights)
    }

    /// The same from the sources' distance transform, exact over the whole grid, strip by strip; `each(y, values, metres)`
    /// receives every strip's map values and distances in metres (∞ with no source at all), e.g. to write them.
    public static func access(cellSize: Double, radius: Double, distance: StripedDistance, rows: Rows, counts: (Float) -> Bool,
                              window: Window? = nil, weights: Rows? = nil,
                              each: (_ y: Int, _ values: [Float], _ metres: [Float]) throws -> Void = { _, _, _ in }) throws -> (share: Double, reached: BitGrid?, weightedShare: Double?) {
        precondition(distance.stripRows == stripRows)
        let width = distance.features.width
        var covered = 0, total = 0, weightCovered = 0.0, weightTotal = 0.0
        var reached = window.map { BitGrid(width: $0.width, height: $0.height) }
        try forEachStrip(height: distance.features.height, rows: rows) { y0, values in
            let strip = values.count / width
            let metres = distance.distances(strip: y0 / stripRows).map { $0 * Float(cellSize) }
            let weight = try weights?(y0, strip)
            for r in 0..<strip {
                for c in 0..<width {
                    let within = Double(metres[r * width + c]) <= radius
                    if counts(values[r * width + c]) { total += 1; if within { covered += 1 } }
                    if let weight { weightTotal += Double(weight[r * width + c]); if within { weightCovered += Double(weight[r * width + c]) } }
                    if let w = window, within, w.contains(col: c, row: y0 + r) { reached![c - w.x, y0 + r - w.y] = true }
                }
            }
            try each(y0, values, metres)
        }
        return (total > 0 ? Double(covered) / Double(total) : 0, reached, weights == nil ? nil : weightTotal > 0 ? weightCovered / weightTotal : 0)
    }

    /// Which cells of `window` are within `radius` of a source: distances over the window and `radius` around it
    /// (cut to the grid), where every source within reach of the window's cells lies.
    public static func reached(_ window: Window, sources: BitGrid, cellSize: Double, radius: Double) -> BitGrid {
        let halo = Int((radius / cellSize).rounded(.up)) + 1
        let around = window.expanded(by: halo, within: sources.width, sources.height)
        let (d, _) = DistanceTransform.nearest(width: around.width, height: around.height) { i in sources[around.x + i % around.width, around.y + i / around.width] }
        var reached = BitGrid(width: window.width, height: window.height)
        for r in 0..<window.height {
            for c in 0..<window.width {
                let v = d[(window.y - around.y + r) * around.width + window.x - around.x + c]
                if v.isFinite && Double(v * Float(cellSize)) <= radius { reached[c, r] = true }
            }
        }
        return reached
    }

    /// The rows of a plane held in memory (a small grid, a test).
    public static func rows(_ plane: Plane) -> Rows { { y, height in Array(plane.values[(y * plane.width)..<((y + height) * plane.width)]) } }

    public static func forEachStrip(height: Int, rows: Rows, _ body: (Int, [Float]) throws -> Void) throws {
        for y in stride(from: 0, to: height, by: stripRows) { try body(y, try rows(y, min(stripRows, height - y))) }
    }
}

/// Runs of members along one row after another, each labelled by the first run it touches in the row above (4-
/// connected: their columns overlap), else by a new label; the other runs above it touches are reported with it.
struct RunLabelling {
    struct Run { var start: Int, end: Int, label: Int32, touches: [Int32] }
    private var above: [Run] = []
    private var next: Int32 = 0

    mutating func next(row: ArraySlice<Float>, isMember: (Float) -> Bool, _ report: (Run) -> Void) {
        var runs: [Run] = []
        let base = row.startIndex
        var c = 0, k = 0
        let width = row.count
        while c < width {
            guard isMember(row[base + c]) else { c += 1; continue }
            let start = c
            while c < width && isMember(row[base + c]) { c += 1 }
            // Runs above overlapping [start, c): they are sorted, so walk from the first that may.
            while k < above.count && above[k].end <= start { k += 1 }
            var j = k, touching: [Int32] = []
            while j < above.count && above[j].start < c { touching.append(above[j].label); j += 1 }
            var run = Run(start: start, end: c, label: 0, touches: [])
            if let first = touching.first { run.label = first; run.touches = Array(touching.dropFirst()) } else { run.label = next; next += 1 }
            report(run)
            runs.append(run)
        }
        above = runs
    }
}
