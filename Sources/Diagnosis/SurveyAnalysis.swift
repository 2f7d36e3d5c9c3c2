import City
import Foundation
import GeoIO
import Grid
import Model
import Run
import Support

/// How well the ICTU ranks places as residents feel them: each answer is matched to the modelled ICTU at its
/// cell for its window (local 10–19 h → the day map, otherwise the night map: hourly maps are not kept), then a
/// cumulative-logit model of the vote on the ICTU gives the thresholds in °C between answers — an alternative legend.
public struct SurveyAnalysis: Codable, Sendable {
    public var answers: Int, used: Int
    /// Answers off the grid or on a building cell.
    public var skipped: Int
    public var scale: [String]
    /// τ_k, °C: the ICTU at which a vote above scale[k] becomes as likely as one at or below it; with bootstrap SEs.
    public var thresholds: [Double], thresholdStandardErrors: [Double]
    /// Votes' spread around the thresholds, °C (1/slope of the logit).
    public var logisticScale: Double
    public var spearman: Double
    /// AUC of the ICTU separating "hot" and "very hot" answers from the others.
    public var aucHot: Double
    /// The fitted legend: a label per ICTU interval.
    public var legend: [String]

    /// The analysis of a survey file against a run, whose maps `value(regime, col, row)` reads at the answers' cells.
    static func run(path: String, record: RunRecord, value: (Regime, Int, Int) throws -> Float) throws -> SurveyAnalysis {
        try analyse(try SurveyFile.read(path: path), grid: record.grid, timezone: record.timezone ?? "UTC", value: value, source: path)
    }

    /// The analysis against any day and night maps on `grid` (the run's, or a known truth).
    public static func analyse(_ answers: [SurveyAnswer], grid: GridSpec, timezone: String, day: Plane, night: Plane, source: String) throws -> SurveyAnalysis {
        try analyse(answers, grid: grid, timezone: timezone, value: { regime, col, row in regime == .day ? day[col, row] : night[col, row] }, source: source)
    }

    static func analyse(_ answers: [SurveyAnswer], grid: GridSpec, timezone: String, value mapValue: (Regime, Int, Int) throws -> Float, source: String) throws -> SurveyAnalysis {
        let clock = try LocalClock(identifier: timezone)
        let toGrid = try CoordinateTransform(from: "EPSG:4326", to: grid.crs)
        var scores: [Double] = [], votes: [Int] = []
        for a in answers {
            let p = try toGrid.transform(x: a.longitude, y: a.latitude)
            guard let cell = grid.cell(x: p.x, y: p.y) else { continue }
            let hour = clock.localDayAndHour(a.utcSeconds).hour
            let value = try mapValue((10..<20).contains(hour) ? .day : .night, cell.col, cell.row)
            guard !value.isNaN else { continue }
            scores.append(Double(value)); votes.append(a.vote)
        }
        let levels = SurveyFile.scale.count
        guard let fit = OrdinalFit.fit(scores: scores, votes: votes, levels: levels) else {
            throw OutputError("\(source): the answers on the grid cannot be fitted (every level of the scale needs votes, and the ICTU must vary)")
        }
        let se = OrdinalFit.thresholdStandardErrors(scores: scores, votes: votes, levels: levels) ?? Array(repeating: .nan, count: levels - 1)
        let t = fit.thresholds
        var legend: [String] = []
        for k in 0..<levels {
            let label = SurveyFile.scale[k].replacingOccurrences(of: "_", with: " ")
            if k == 0 { legend.append(String(format: "%@: below %.1f °C", label, t[0])) }
            else if k == levels - 1 { legend.append(String(format: "%@: above %.1f °C", label, t[k - 1])) }
            else { legend.append(String(format: "%@: %.1f–%.1f °C", label, t[k - 1], t[k])) }
        }
        return SurveyAnalysis(answers: answers.count, used: scores.count, skipped: answers.count - scores.count, scale: SurveyFile.scale,
                              thresholds: t, thresholdStandardErrors: se, logisticScale: 1 / fit.slope,
                              spearman: RankAgreement.spearman(scores, votes.map(Double.init)),
                              aucHot: RankAgreement.auc(score: scores, positive: votes.map { $0 >= 3 }), legend: legend)
    }
}
