import Foundation
import GeoIO
import Grid
import Model
import Support

/// Zonal statistics per district (any polygon layer): ICTU mean and percentiles, area per UTCI class, shares of
/// cells where trees cool / sealed ground warms, mean canopy hydric stress. Zones are rasterised onto the run's
/// grid (a cell belongs to the zone holding its centre), a strip of rows at a time, like the maps are read.
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

    public static func compute(zones path: String, field: String?, grid: GridSpec, day: StripedAccess.Rows, night: StripedAccess.Rows,
                               stress: StripedAccess.Rows?, canopy: StripedAccess.Rows, sealed: StripedAccess.Rows) throws -> [DistrictStatistics] {
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
        let values = names.indices.map { Double($0 + 1) }
        // Each strip's zone of every cell (0: none).
        func zonesOf(_ y: Int, _ rows: Int) throws -> [Float] {
            let window = Window(x: 0, y: y, width: grid.width, height: rows)
            let raster = try RasterDataset.create(on: grid, window: window, profile: .memory)
            try raster.rasterize(geometries: geometries, values: values)
            return try raster.band(1).read(x: 0, y: 0, width: window.width, height: rows)
        }
        let n = names.count, cellArea = grid.cellSize * grid.cellSize
        var cells = [Int](repeating: 0, count: n), daySum = [Double](repeating: 0, count: n), nightSum = daySum, nightCells = cells
        var canopyCells = cells, sealedCells = cells, stressSum = daySum, stressCells = cells
        var classCells = [[String: Int]](repeating: [:], count: n)
        var dayQuantiles = ZonalQuantiles(zones: n), nightQuantiles = ZonalQuantiles(zones: n)
        try StripedAccess.forEachStrip(height: grid.height, rows: day) { y, d in
            let rows = d.count / grid.width
            let zone = try zonesOf(y, rows), nv = try night(y, rows), cv = try canopy(y, rows), sv = try sealed(y, rows), st = try stress?(y, rows)
            for i in zone.indices where zone[i] >= 1 && !d[i].isNaN {
                let k = Int(zone[i]) - 1
                cells[k] += 1; daySum[k] += Double(d[i])
                dayQuantiles.count(d[i], zone: k)
                classCells[k][UTCI.StressClass(utci: Double(d[i])).label, default: 0] += 1
                if !nv[i].isNaN { nightSum[k] += Double(nv[i]); nightCells[k] += 1; nightQuantiles.count(nv[i], zone: k) }
                if cv[i] < -0.5 { canopyCells[k] += 1 }
                if sv[i] > 0.5 { sealedCells[k] += 1 }
                if let st, !st[i].isNaN { stressSum[k] += Double(st[i]); stressCells[k] += 1 }
            }
        }
        let dayRanks = dayQuantiles.target([0.1, 0.5, 0.9]), nightRanks = nightQuantiles.target([0.9])
        try StripedAccess.forEachStrip(height: grid.height, rows: day) { y, d in
            let rows = d.count / grid.width
            let zone = try zonesOf(y, rows), nv = try night(y, rows)
            for i in zone.indices where zone[i] >= 1 && !d[i].isNaN {
                let k = Int(zone[i]) - 1
                dayQuantiles.collect(d[i], zone: k)
                if !nv[i].isNaN { nightQuantiles.collect(nv[i], zone: k) }
            }
        }
        let dayP = dayQuantiles.values(dayRanks), nightP = nightQuantiles.values(nightRanks)
        return names.enumerated().map { k, name in
            let c = Double(max(1, cells[k]))
            return DistrictStatistics(name: name, openAreaSquareMetres: Double(cells[k]) * cellArea,
                                      dayMean: cells[k] > 0 ? daySum[k] / Double(cells[k]) : .nan,
                                      dayP10: dayP[k][0], dayP50: dayP[k][1], dayP90: dayP[k][2],
                                      nightMean: nightCells[k] > 0 ? nightSum[k] / Double(nightCells[k]) : .nan, nightP90: nightP[k][0],
                                      areaByDayClass: classCells[k].mapValues { Double($0) * cellArea },
                                      canopyShare: Double(canopyCells[k]) / c, sealedShare: Double(sealedCells[k]) / c,
                                      meanHydricStress: stressCells[k] > 0 ? stressSum[k] / Double(stressCells[k]) : nil)
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
