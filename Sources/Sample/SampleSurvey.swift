import City
import Foundation
import GeoIO
import Model
import Support

/// The sample's felt-temperature survey: 520 answers on open ground (two in five under trees, where it is
/// cooler) during the day window of hot days, voted from the true day ICTU at the place through a known relation:
/// felt = ICTU + logistic noise (scale `SampleSurvey.scale` °C), vote k when felt crosses the thresholds.
public enum SampleSurvey {
    public static let thresholds = [34.0, 37, 39, 41]
    public static let scale = 1.0
    public static let answers = 520
}

struct SurveyPoint { var col: Int, row: Int, x: Double, y: Double, utcSeconds: Int }

extension SampleWriter {
    func placeSurvey(hot: HotDays) -> [SurveyPoint] {
        let random = DeterministicRandom(seed: options.seed &+ 3000)
        var points: [SurveyPoint] = []
        guard !hot.days.isEmpty else { return [] }
        for k in 0..<SampleSurvey.answers {
            for attempt in 0..<200 {
                let x = city.minX + city.size * random.uniform(k, attempt, 1), y = city.minY + city.size * random.uniform(k, attempt, 2)
                let s = city.surface(x: x, y: y)
                guard s.buildingHeight == 0, s.water == 0, k % 5 >= 2 || s.canopy > 0.3, let cell = grid.cell(x: x, y: y) else { continue }
                let day = hot.days[k % hot.days.count]
                // 14:00–17:59 local (CEST, UTC+2).
                let minute = Int(random.uniform(k, 3) * 240)
                points.append(SurveyPoint(col: cell.col, row: cell.row, x: x, y: y, utcSeconds: day * 86400 + (14 * 60 + minute) * 60 - 7200))
                break
            }
        }
        return points
    }

    func writeSurvey(_ out: StagedOutput, points: [SurveyPoint], trueICTU: [Int: Float]) throws {
        let random = DeterministicRandom(seed: options.seed &+ 3001)
        let toWGS = try CoordinateTransform(from: grid.crs, to: "EPSG:4326")
        let writer = try TextFileWriter(path: try out.path("SensorData/survey.csv"))
        try writer.write("time,lon,lat,vote\n")
        for (k, p) in points.enumerated() {
            guard let ictu = trueICTU[k], !ictu.isNaN else { continue }
            let u = min(max(random.uniform(k, 4), 1e-9), 1 - 1e-9)
            let felt = Double(ictu) + SampleSurvey.scale * log(u / (1 - u))
            let vote = SampleSurvey.thresholds.filter { felt > $0 }.count
            let (lon, lat) = try toWGS.transform(x: p.x, y: p.y)
            try writer.write("\(Timestamp.iso(p.utcSeconds, offsetSeconds: 7200)),\(String(format: "%.6f,%.6f", lon, lat)),\(SurveyFile.scale[vote])\n")
        }
        try writer.close()
        let truth: [String: Any] = ["note": "felt = true day ICTU + logistic noise; vote k when felt crosses thresholds[k−1] (°C)",
                                    "thresholds": SampleSurvey.thresholds, "logisticScale": SampleSurvey.scale, "scale": SurveyFile.scale]
        try JSONSerialization.data(withJSONObject: truth, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: try out.path("SensorData/truth/survey.json")))
    }
}
