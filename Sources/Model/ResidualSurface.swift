import Foundation

/// The calibration residuals interpolated between sites by simple kriging (mean zero, exponential covariance
/// C(h) = sill·e^(−h/range), a nugget for what no neighbour explains). Used only when the residuals are spatially
/// correlated and kriging beats "no correction" in leave-one-site-out cross-validation; far from every site
/// the correction fades to zero, the calibrated model alone.
public struct ResidualSurface: Codable, Sendable, Equatable {
    public var xs: [Double], ys: [Double]
    /// Kriging weights of the site residuals: value(p) = Σ C(|p − site_i|)·weights_i.
    public var weights: [Double]
    public var sill: Double, nugget: Double, rangeMetres: Double
    /// Leave-one-site-out RMSE of the residual with kriging and without (predicting 0), °C.
    public var crossValidatedRMSE: Double, uncorrectedRMSE: Double

    public func value(x: Double, y: Double) -> Double {
        var sum = 0.0
        for i in xs.indices { sum += sill * exp(-hypot(x - xs[i], y - ys[i]) / rangeMetres) * weights[i] }
        return sum
    }

    /// Range candidates (m) and nugget shares of the variance tried by cross-validation.
    public static let ranges = [250.0, 500, 1000, 2000, 4000]
    public static let nuggetShares = [0.1, 0.3, 0.6]

    /// Fits the surface, or nil when kriging does not beat the uncorrected model by at least 10 % in
    /// leave-one-site-out RMSE (then the residuals are noise at the sites' spacing).
    public static func fit(_ points: [(x: Double, y: Double, value: Double)]) -> ResidualSurface? {
        let n = points.count
        guard n >= 8 else { return nil }
        let variance = points.map { $0.value * $0.value }.reduce(0, +) / Double(n)
        guard variance > 0 else { return nil }
        let uncorrected = variance.squareRoot()
        var best: (rmse: Double, range: Double, share: Double)? = nil
        for range in ranges {
            for share in nuggetShares {
                let sill = variance * (1 - share), nugget = variance * share
                var sum = 0.0
                for k in 0..<n {
                    let train = points.enumerated().filter { $0.offset != k }.map(\.element)
                    guard let w = solveWeights(train, sill: sill, nugget: nugget, range: range) else { sum = .infinity; break }
                    var predicted = 0.0
                    for (i, p) in train.enumerated() { predicted += sill * exp(-hypot(points[k].x - p.x, points[k].y - p.y) / range) * w[i] }
                    sum += (predicted - points[k].value) * (predicted - points[k].value)
                }
                let rmse = (sum / Double(n)).squareRoot()
                if rmse < (best?.rmse ?? .infinity) { best = (rmse, range, share) }
            }
        }
        guard let best, best.rmse < 0.9 * uncorrected else { return nil }
        let sill = variance * (1 - best.share), nugget = variance * best.share
        guard let weights = solveWeights(points, sill: sill, nugget: nugget, range: best.range) else { return nil }
        return ResidualSurface(xs: points.map(\.x), ys: points.map(\.y), weights: weights, sill: sill, nugget: nugget, rangeMetres: best.range,
                               crossValidatedRMSE: best.rmse, uncorrectedRMSE: uncorrected)
    }

    /// Solves (C + nugget·I)·w = values by Cholesky (the matrix is symmetric positive definite).
    static func solveWeights(_ points: [(x: Double, y: Double, value: Double)], sill: Double, nugget: Double, range: Double) -> [Double]? {
        let n = points.count
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n {
            a[i * n + j] = sill * exp(-hypot(points[i].x - points[j].x, points[i].y - points[j].y) / range) + (i == j ? nugget : 0)
        } }
        // In-place Cholesky: a = L·Lᵀ, L in the lower triangle.
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d > 0 else { return nil }
            let l = d.squareRoot()
            a[j * n + j] = l
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = s / l
            }
        }
        var y = points.map(\.value)
        for i in 0..<n { for k in 0..<i { y[i] -= a[i * n + k] * y[k] }; y[i] /= a[i * n + i] }
        for i in stride(from: n - 1, through: 0, by: -1) { for k in (i + 1)..<max(i + 1, n) { y[i] -= a[k * n + i] * y[k] }; y[i] /= a[i * n + i] }
        return y
    }
}
