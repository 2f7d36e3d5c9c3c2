import Foundation
import Support
import Model

/// Are the calibration residuals spatially correlated? Moran's I with inverse-distance weights within 1 km,
/// against its expectation −1/(n−1) and the normal-approximation variance. Interpolating residuals only makes
/// sense when they are (docs/model.md).
enum ResidualCorrelation {
    static func moransI(_ points: [(x: Double, y: Double, value: Double)], range: Double = 1000) -> (i: Double, z: Double)? {
        let n = points.count
        guard n >= 5 else { return nil }
        let mean = points.map(\.value).reduce(0, +) / Double(n)
        var numerator = 0.0, s0 = 0.0, s1 = 0.0
        var rowSums = [Double](repeating: 0, count: n)
        for a in 0..<n { for b in 0..<n where a != b {
            let d = hypot(points[a].x - points[b].x, points[a].y - points[b].y)
            guard d <= range, d > 0 else { continue }
            let w = 1 / d
            numerator += w * (points[a].value - mean) * (points[b].value - mean)
            s0 += w; s1 += 2 * w * w; rowSums[a] += w
        } }
        let denominator = points.map { ($0.value - mean) * ($0.value - mean) }.reduce(0, +)
        guard s0 > 0, denominator > 0 else { return nil }
        let i = Double(n) / s0 * numerator / denominator
        let expected = -1 / Double(n - 1)
        let s2 = rowSums.map { 4 * $0 * $0 }.reduce(0, +)
        let nn = Double(n)
        let variance = (nn * nn * s1 - nn * s2 + 3 * s0 * s0) / ((nn * nn - 1) * s0 * s0) - expected * expected
        return (i, (i - expected) / variance.squareRoot())
    }

    /// Tests the residuals; when they are correlated, fits the kriged residual surface (kept only if it beats
    /// no correction in leave-one-site-out cross-validation). Returns what was found, in words, and the surface.
    static func assess(sites: [CalibrationSite], residuals: [String: Double]) -> (description: String, surface: ResidualSurface?) {
        let points = sites.compactMap { s in residuals[s.site].map { (x: s.x, y: s.y, value: $0) } }
        guard let (i, z) = moransI(points) else { return (tr("too few sites to test"), nil) }
        let test = tr("Moran's I {} (z {}, inverse distance ≤ 1 km)", shown(i, 3), shown(z, 2))
        guard z > 1.96 else { return (test + tr(": not significantly correlated: residuals are not interpolated"), nil) }
        guard let surface = ResidualSurface.fit(points) else {
            return (test + tr(": correlated, but kriging does not beat the uncorrected model in leave-one-site-out: not interpolated"), nil)
        }
        return (test + tr(": correlated; residuals kriged (exponential, range {} m, nugget {} %), leave-one-site-out RMSE of the residual {} → {} °C",
                          shown(surface.rangeMetres, 0), shown(100 * surface.nugget / (surface.nugget + surface.sill), 0), shown(surface.uncorrectedRMSE, 2), shown(surface.crossValidatedRMSE, 2)), surface)
    }
}
