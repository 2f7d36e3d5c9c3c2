import Foundation

/// One answer of a felt-temperature survey ("how do you feel here?") at a known place and time.
public struct SurveyAnswer: Sendable, Equatable {
    public var utcSeconds: Int
    public var longitude: Double, latitude: Double
    /// 0 … SurveyFile.scale.count − 1.
    public var vote: Int
}

/// A survey CSV: `time,lon,lat,vote`, time ISO 8601 with its offset, lon/lat in WGS 84 degrees, vote one of
/// `cool, comfortable, warm, hot, very_hot` or 1–5 on that scale.
public enum SurveyFile {
    public static let scale = ["cool", "comfortable", "warm", "hot", "very_hot"]

    public static func read(path: String) throws -> [SurveyAnswer] {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let csv = try CSVReader(path: path, displayName: name, required: ["time", "lon", "lat", "vote"])
        var answers: [SurveyAnswer] = []
        while let row = try csv.next() {
            let time = try SensorFiles.parseTime(row, file: name)
            guard let lon = try row.number("lon", allowEmpty: false), let lat = try row.number("lat", allowEmpty: false) else { continue }
            guard (-180...180).contains(lon), (-90...90).contains(lat) else {
                throw CityInputError(file: name, location: "line \(row.line)", problem: "\(lon), \(lat) are not WGS 84 degrees", fix: "lon in −180…180, lat in −90…90")
            }
            let raw = row.text("vote").trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_")
            let vote = scale.firstIndex(of: raw) ?? Int(raw).flatMap { (1...scale.count).contains($0) ? $0 - 1 : nil }
            guard let vote else {
                throw CityInputError(file: name, location: "line \(row.line), column vote", problem: "'\(raw.prefix(30))' is not on the scale",
                                     fix: "one of \(scale.joined(separator: ", ")) or 1–\(scale.count)")
            }
            answers.append(SurveyAnswer(utcSeconds: time, longitude: lon, latitude: lat, vote: vote))
        }
        guard !answers.isEmpty else { throw CityInputError(file: name, problem: "no answer in the file", fix: "one row per answer: time,lon,lat,vote") }
        return answers
    }
}
