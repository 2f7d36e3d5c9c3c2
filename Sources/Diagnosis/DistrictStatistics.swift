import Foundation
import GeoIO
import Grid
import Model
import Support

/// Zonal statistics per district (any polygon layer): ICTU mean and percentiles, area per UTCI class, shares of
/// cells where trees cool / sealed ground warms, mean canopy hydric stress. Zones are rasterised onto the run's
/// grid (a cell belongs to the zone holding its centre).
public struct DistrictStatistics: Codable, Sendable {
    public var name: String
    public var openAreaSquareMetres: Double
    public var dayMean: Double, dayP10: Double, dayP50: Double, dayP90: Double
    public var nightMean: Double, nightP90: Double
    /// Open area per day UTCI class label, m².
    public var areaByDayClass: [String: Double]
    /// Share of open cells with a tree-canopy cooling below −0.5 °C (trees matter here), and with sealed ground warming above +0.5 °C.
    public var canopyShare: Double, sealedShare: Double
    public var meanHydricStress: Double?

    public static func compute(zones path: String, field: String?, grid: GridSpec, day: Plane, night: Plane, stress: Plane?, canopy: Plane, sealed: Plane) throws -> [DistrictStatistics] {
        let source = try VectorDataset.open(path)
        let layer = try source.layer(0)
        // Names by feature order; zone k burnt with value k + 1, after reprojection to the grid's CRS.
        var names: [String] = []
        var geometries: [[UInt8]] = []
        let layerCRS = layer.spatialReference
        let gridCRS = try SpatialReference(definition: grid.crs)
        try layer.forEachFeature { feature in
            guard var wkb = feature.geometryWKB else { return }
            if let layerCRS { wkb = try WKB.transformed(wkb, from: layerCRS, to: gridCRS) }
            geometries.append(wkb)
            let name = field.flatMap { feature.fields[$0] ?? nil }?.stringValue ?? "zone \(feature.id)"
            names.append(name)
        }
        guard !names.isEmpty else { throw OutputError("\(path): no polygon to use as a district") }
        if let field, !layer.fieldNames.contains(field) { throw OutputError("\(path): no attribute \"\(field)\" (it has \(layer.fieldNames.joined(separator: ", ")))") }
        let raster = try RasterDataset.create(on: grid, profile: .memory)
        try raster.rasterize(geometries: geometries, values: names.indices.map { Double($0 + 1) })
        let zone = try raster.band(1).read(x: 0, y: 0, width: grid.width, height: grid.height)
        let cellArea = grid.cellSize * grid.cellSize
        // The open cells of each zone, in one pass over the grid.
        var membersOf = [[Int]](repeating: [], count: names.count)
        for i in zone.indices where zone[i] >= 1 && !day.values[i].isNaN { membersOf[Int(zone[i]) - 1].append(i) }
        return names.enumerated().map { k, name in
            let members = membersOf[k]
            let d = members.map { day.values[$0] }, n = members.map { night.values[$0] }.filter { !$0.isNaN }
            func mean(_ v: [Float]) -> Double { v.isEmpty ? .nan : v.reduce(0.0) { $0 + Double($1) } / Double(v.count) }
            var byClass: [String: Double] = [:]
            for v in d { byClass[UTCI.StressClass(utci: Double(v)).label, default: 0] += cellArea }
            let s = stress.map { p in members.map { p.values[$0] }.filter { !$0.isNaN } }
            let c = max(1, members.count)
            return DistrictStatistics(name: name, openAreaSquareMetres: Double(members.count) * cellArea,
                                      dayMean: mean(d), dayP10: IslandAnalysis.quantile(d, 0.1), dayP50: IslandAnalysis.quantile(d, 0.5), dayP90: IslandAnalysis.quantile(d, 0.9),
                                      nightMean: mean(n), nightP90: IslandAnalysis.quantile(n, 0.9), areaByDayClass: byClass,
                                      canopyShare: Double(members.filter { canopy.values[$0] < -0.5 }.count) / Double(c),
                                      sealedShare: Double(members.filter { sealed.values[$0] > 0.5 }.count) / Double(c),
                                      meanHydricStress: s.flatMap { $0.isEmpty ? nil : mean($0) })
        }
    }

    static func csv(_ rows: [DistrictStatistics]) -> String {
        let classes = UTCI.StressClass.allCases.reversed().map(\.label).filter { label in rows.contains { $0.areaByDayClass[label] != nil } }
        var out = "district,open_area_m2,day_mean,day_p10,day_p50,day_p90,night_mean,night_p90,canopy_cooling_share,sealed_warming_share,mean_hydric_stress,"
            + classes.map { "area_m2_\($0.replacingOccurrences(of: " ", with: "_"))" }.joined(separator: ",") + "\n"
        for r in rows {
            let name = r.name.contains(",") || r.name.contains("\"") ? "\"\(r.name.replacingOccurrences(of: "\"", with: "\"\""))\"" : r.name
            out += [name, String(format: "%.0f", r.openAreaSquareMetres)].joined(separator: ",") + ","
            out += [r.dayMean, r.dayP10, r.dayP50, r.dayP90, r.nightMean, r.nightP90].map { String(format: "%.2f", $0) }.joined(separator: ",") + ","
            out += String(format: "%.3f,%.3f,", r.canopyShare, r.sealedShare) + (r.meanHydricStress.map { String(format: "%.3f", $0) } ?? "") + ","
            out += classes.map { String(format: "%.0f", r.areaByDayClass[$0] ?? 0) }.joined(separator: ",") + "\n"
        }
        return out
    }
}
