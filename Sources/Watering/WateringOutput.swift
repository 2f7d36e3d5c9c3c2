import Foundation
import GeoIO
import Grid
import Support

/// `watering/`: the ranked trees as CSV (for the arborists' spreadsheets) and GeoJSON (WGS 84, for maps and the
/// viewer), every factor a column, and the summary as JSON.
enum WateringOutput {
    static let columns = ["rank", "id", "species", "longitude", "latitude", "stress", "stress_trend", "cooling_service_c_m2", "cooling_air_c_m2",
                          "cooling_shade_c_m2", "people_nearby", "sensitive_nearby", "exposure", "recoverability", "age_years", "priority",
                          "water_need_l", "selected", "reason"]

    static func values(_ t: TreePriority) -> [FieldValue] {
        func real(_ v: Double?, _ digits: Int) -> FieldValue { v.map { .real(($0 * pow(10, Double(digits))).rounded() / pow(10, Double(digits))) } ?? .string("") }
        return [.integer(t.rank), .string(t.id), .string(t.species), real(t.longitude, 7), real(t.latitude, 7), real(t.stress, 3), real(t.stressTrend, 3),
                real(t.coolingService, 1), real(t.coolingAir, 1), real(t.coolingShade, 1), real(t.peopleNearby, 1), .string(t.sensitiveNearby ? "yes" : "no"),
                real(t.exposure, 3), real(t.recoverability, 3), t.ageYears.map { .integer($0) } ?? .string(""), real(t.priority, 3),
                real(t.waterNeedLitres, 0), .string(t.selected ? "yes" : "no"), .string(t.reason)]
    }

    static func write(_ trees: [TreePriority], summary: WateringSummary, grid: GridSpec, staged: StagedOutput) throws {
        var csv = columns.joined(separator: ",") + "\n"
        for t in trees {
            csv += values(t).map { v -> String in
                switch v {
                case .integer(let i): return String(i)
                case .real(let d): return String(d)
                case .string(let s): return s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
                default: return ""
                }
            }.joined(separator: ",") + "\n"
        }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: try staged.path("watering.csv")))

        let dataset = try VectorDataset.create(try staged.path("watering.geojson"), driver: "GeoJSON", options: ["RFC7946=YES"])
        let fields: [(String, FieldType)] = columns.filter { $0 != "longitude" && $0 != "latitude" }.map { name in
            (name, ["rank", "age_years"].contains(name) ? .integer : ["id", "species", "sensitive_nearby", "selected", "reason"].contains(name) ? .string : .real)
        }
        let layer = try dataset.createLayer("watering", crs: SpatialReference(epsg: 4326), geometry: .point, fields: fields)
        try dataset.inTransaction {
            for t in trees {
                var attributes: [String: FieldValue] = [:]
                for (name, value) in zip(columns, values(t)) where name != "longitude" && name != "latitude" {
                    if case .string(let s) = value, s.isEmpty, !["id", "species", "reason"].contains(name) { continue }
                    attributes[name] = value
                }
                try layer.addFeature(wkb: WKB.point(x: t.longitude, y: t.latitude), values: attributes)
            }
        }
        try JSONCoding.write(summary, to: try staged.path("watering.json"))
    }
}
