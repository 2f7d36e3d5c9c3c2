import Foundation
import GeoIO
import Grid
import Support

/// How exposed each building is: the day and night ICTU of the open ground around its footprint (cells within
/// `ringMetres` of it, each given to its nearest building), with sensitive uses flagged (schools, nurseries,
/// care homes, hospitals — English or French words in the use attribute). Window means only: the engine keeps
/// no hourly maps, so "hours in strong stress" is given as the share of the surroundings in strong stress or
/// worse over the day window.
public struct BuildingExposure: Codable, Sendable {
    public var rank: Int
    public var feature: Int
    public var use: String
    public var sensitive: Bool
    public var surroundingCells: Int
    public var dayMean: Double, dayMax: Double, nightMean: Double
    /// Share of the surroundings whose day ICTU is ≥ 32 °C (strong) and ≥ 38 °C (very strong).
    public var strongShare: Double, veryStrongShare: Double
    /// The street it stands on (nearest to its footprint's centre, within 60 m), with a streets layer.
    public var street: String? = nil

    static let sensitiveWords = ["school", "école", "ecole", "nursery", "crèche", "creche", "kindergarten", "care", "ehpad", "retirement",
                                 "hospital", "hôpital", "hopital", "clinic", "clinique"]
    public static func isSensitive(_ use: String) -> Bool {
        let u = use.lowercased()
        return sensitiveWords.contains { u.contains($0) }
    }

    /// Reads the footprints (any OGR source and CRS), and returns one record per building that has open ground
    /// around it, ranked: sensitive uses first, then by day mean.
    public static func compute(path: String, layer layerName: String?, useField: String?, grid: GridSpec, day: StripedAccess.Rows, night: StripedAccess.Rows,
                               ringMetres: Double = 6) throws -> (records: [BuildingExposure], geometries: [Int: [UInt8]]) {
        let source = try VectorDataset.open(path)
        var layer = try source.layer(0)
        if let layerName {
            guard let index = (0..<source.layerCount).first(where: { (try? source.layer($0).name) == layerName }) else {
                throw OutputError("\(path): no layer \"\(layerName)\"")
            }
            layer = try source.layer(index)
        }
        let useField = useField.flatMap { layer.fieldNames.contains($0) ? $0 : nil }
        let gridCRS = try SpatialReference(definition: grid.crs)
        let layerCRS = layer.spatialReference
        var geometries: [[UInt8]] = [], uses: [String] = [], ids: [Int] = []
        try layer.forEachFeature { f in
            guard var wkb = f.geometryWKB else { return }
            if let layerCRS { wkb = try WKB.transformed(wkb, from: layerCRS, to: gridCRS) }
            geometries.append(wkb); ids.append(f.id)
            uses.append(useField.flatMap { f.fields[$0] ?? nil }?.stringValue ?? "")
        }
        // A strip at a time with a halo of the ring: every footprint cell within the ring of a strip's cell is there.
        // Each strip burns the footprints its rows (and halo) cross: every cell a footprint touches (small buildings
        // keep a cell), labelled by feature order + 1.
        let ring = Float(ringMetres / grid.cellSize), halo = Int(ring.rounded(.up)) + 1
        let rowsOf = geometries.map { wkb -> Range<Int> in
            let ys = (WKB.shape(wkb)?.polygons ?? []).flatMap { $0.flatMap { $0.map(\.y) } }
            guard let low = ys.min(), let high = ys.max() else { return 0..<0 }
            return (Int(((grid.originY - high) / grid.cellSize).rounded(.down)) - 1)..<(Int(((grid.originY - low) / grid.cellSize).rounded(.down)) + 2)
        }
        let n = geometries.count
        var cells = [Int](repeating: 0, count: n), daySum = [Double](repeating: 0, count: n), nightSum = daySum
        var dayMax = [Double](repeating: -.infinity, count: n), strong = cells, veryStrong = cells
        try StripedAccess.forEachStrip(height: grid.height, rows: day) { y, dayRows in
            let rows = dayRows.count / grid.width
            let around = Window(x: 0, y: y, width: grid.width, height: rows).expanded(by: halo, within: grid.width, grid.height)
            let crossing = geometries.indices.filter { rowsOf[$0].overlaps(around.y..<(around.y + around.height)) }
            guard !crossing.isEmpty else { return }
            let raster = try RasterDataset.create(on: grid, window: around, profile: .memory)
            try raster.rasterize(geometries: crossing.map { geometries[$0] }, values: crossing.map { Double($0 + 1) }, allTouched: true)
            let label = try raster.band(1).read(x: 0, y: 0, width: around.width, height: around.height)
            let (distance, nearest) = DistanceTransform.nearest(width: around.width, height: around.height) { label[$0] > 0 }
            let nightRows = try night(y, rows)
            for r in 0..<rows {
                for c in 0..<grid.width {
                    let i = (y + r - around.y) * around.width + c, j = r * grid.width + c
                    guard label[i] == 0, !dayRows[j].isNaN, distance[i] <= ring, nearest[i] >= 0 else { continue }
                    let b = Int(label[Int(nearest[i])]) - 1
                    guard b >= 0 else { continue }
                    let d = Double(dayRows[j])
                    cells[b] += 1; daySum[b] += d; dayMax[b] = max(dayMax[b], d)
                    if !nightRows[j].isNaN { nightSum[b] += Double(nightRows[j]) }
                    if d >= 32 { strong[b] += 1 }
                    if d >= 38 { veryStrong[b] += 1 }
                }
            }
        }
        var records: [BuildingExposure] = []
        for b in 0..<n where cells[b] > 0 {
            let c = Double(cells[b])
            records.append(BuildingExposure(rank: 0, feature: ids[b], use: uses[b], sensitive: isSensitive(uses[b]), surroundingCells: cells[b],
                                            dayMean: daySum[b] / c, dayMax: dayMax[b], nightMean: nightSum[b] / c,
                                            strongShare: Double(strong[b]) / c, veryStrongShare: Double(veryStrong[b]) / c))
        }
        records.sort { $0.sensitive != $1.sensitive ? $0.sensitive : $0.dayMean > $1.dayMean }
        for k in records.indices { records[k].rank = k + 1 }
        var byFeature: [Int: [UInt8]] = [:]
        for (b, id) in ids.enumerated() { byFeature[id] = geometries[b] }
        return (records, byFeature)
    }

    static func csv(_ rows: [BuildingExposure]) -> String {
        var out = "rank,feature,street,use,sensitive,surrounding_cells,day_mean,day_max,night_mean,strong_share,very_strong_share\n"
        func quoted(_ text: String) -> String { text.contains(",") || text.contains("\"") ? "\"\(text.replacingOccurrences(of: "\"", with: "\"\""))\"" : text }
        for r in rows {
            out += "\(r.rank),\(r.feature),\(quoted(r.street ?? "")),\(quoted(r.use)),\(r.sensitive),\(r.surroundingCells),"
                + String(format: "%.2f,%.2f,%.2f,%.3f,%.3f\n", r.dayMean, r.dayMax, r.nightMean, r.strongShare, r.veryStrongShare)
        }
        return out
    }
}
