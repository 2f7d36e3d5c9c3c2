import Foundation

/// One site for calibration: its signatures and its neighbourhood predictors for each candidate vegetation radius.
public struct CalibrationSite: Sendable {
    public var site: String
    public var commune: String
    public var x: Double, y: Double
    /// Signature per regime (all hot days), and per regime and year (for leave-one-summer-out).
    public var signature: [Regime: Signature]
    public var signatureByYear: [Regime: [Int: Signature]]
    /// Predictors per vegetation radius (m): sealed, volume, canopy, canopy·stress, shrub, shrub·stress, grass, grass·stress, water, park.
    public var predictors: [Double: SitePredictors]
    public init(site: String, commune: String, x: Double, y: Double, signature: [Regime: Signature], signatureByYear: [Regime: [Int: Signature]], predictors: [Double: SitePredictors]) {
        self.site = site; self.commune = commune; self.x = x; self.y = y
        self.signature = signature; self.signatureByYear = signatureByYear; self.predictors = predictors
    }
}

/// Neighbourhood means at a site (docs/model.md eq. 3–4 predictors).
public struct SitePredictors: Sendable, Codable {
    public var sealed = 0.0, volume = 0.0
    public var canopy = 0.0, canopyStressed = 0.0, shrub = 0.0, shrubStressed = 0.0, grass = 0.0, grassStressed = 0.0
    public var water = 0.0, park = 0.0
    public init() {}

    /// Design row for ΔTa: [1, sealed, volume, −e_c, −e_s, −e_g, −water, −park] (coefficients then all ≥ 0 but the intercept).
    var temperatureRow: [Double] { [1, sealed, volume, -(canopy - canopyStressed), -(shrub - shrubStressed), -(grass - grassStressed), -water, -park] }
    var transpiring: Double { canopy - canopyStressed + shrub - shrubStressed + grass - grassStressed }
}

/// Cross-validation scores of site-level window anomalies, °C.
public struct CVScore: Codable, Sendable {
    public var rmse: Double, mae: Double, bias: Double, n: Int
    static func of(_ pairs: [(observed: Double, predicted: Double)]) -> CVScore {
        let errors = pairs.map { $0.predicted - $0.observed }
        let n = Double(max(errors.count, 1))
        return CVScore(rmse: (errors.map { $0 * $0 }.reduce(0, +) / n).squareRoot(), mae: errors.map(abs).reduce(0, +) / n,
                       bias: errors.reduce(0, +) / n, n: errors.count)
    }
}

/// The fitted regime: coefficients, the radius chosen, CV scores and per-site residuals.
public struct RegimeCalibration: Codable, Sendable {
    public var coefficients: AirTemperatureCoefficients
    public var vegetationRadiusCandidates: [String: Double]
    public var leaveOneSiteOut: CVScore
    public var leaveOneCommuneOut: CVScore
    public var leaveOneSummerOut: CVScore?
    public var humidityLeaveOneSiteOut: CVScore
    public var residuals: [String: Double]
    /// Observed window anomaly (site signature) per site, °C; predicted = observed − residual.
    public var observed: [String: Double]
    public var sites: Int
    /// Jackknife (leave-one-site-out) standard error of each fitted coefficient, in its own unit: the stated
    /// uncertainty of the calibration. Coefficients pinned at their sign bound in most refits get a small one.
    public var standardErrors: [String: Double]
    /// Names of the fitted coefficients, in the order of the design row.
    public static let fittedNames = ["intercept", "sealed", "buildingVolume", "canopy", "shrub", "grass", "water", "parkIntensity"]
}

public enum Calibration {
    /// Sites with a window signature a fit needs: the coefficients are fitted on sites, not sensors, and
    /// leave-one-site-out needs enough of them to score.
    public static let minimumSites = 8

    /// Fits one regime: ridge-stabilised least squares with physical signs (all cooling/warming coefficients ≥ 0),
    /// the vegetation radius chosen by leave-one-site-out RMSE among the candidates. Radii r1 and r3 and H0 come from `prior`.
    public static func fit(_ sites: [CalibrationSite], regime: Regime, prior: AirTemperatureCoefficients, ridge: Double = 1e-3) -> RegimeCalibration? {
        let usable = sites.filter { $0.signature[regime] != nil }
        guard usable.count >= minimumSites else { return nil }
        let radii = Set(usable.flatMap { $0.predictors.keys }).sorted()
        func coefficients(_ train: [CalibrationSite], radius: Double) -> [Double] {
            LeastSquares.solve(rows: train.map { $0.predictors[radius]!.temperatureRow }, targets: train.map { $0.signature[regime]!.deltaTemperature },
                               nonNegative: Set(1...7), ridge: ridge)
        }
        func predict(_ beta: [Double], _ site: CalibrationSite, radius: Double) -> Double {
            zip(beta, site.predictors[radius]!.temperatureRow).map(*).reduce(0, +)
        }
        /// Cross-validation by groups: the score, and the coefficients fitted without each group.
        func grouped(_ key: (CalibrationSite) -> String, radius: Double) -> (score: CVScore, fits: [[Double]]) {
            var pairs: [(Double, Double)] = []
            var fits: [[Double]] = []
            // In a fixed order: the sums of the scores must not depend on a Set's (per-process) order, or two runs of
            // the same city — or two partitions of one run — would differ in the last bits.
            for group in Set(usable.map(key)).sorted() {
                let train = usable.filter { key($0) != group }, test = usable.filter { key($0) == group }
                guard train.count >= 8 else { continue }
                let beta = coefficients(train, radius: radius)
                fits.append(beta)
                for s in test { pairs.append((s.signature[regime]!.deltaTemperature, predict(beta, s, radius: radius))) }
            }
            return (CVScore.of(pairs), fits)
        }
        var scores: [String: Double] = [:]
        var leaveOneSiteOut: [Double: (score: CVScore, fits: [[Double]])] = [:]
        var best = radii[0], bestScore = Double.infinity
        for radius in radii {
            let cv = grouped({ $0.site }, radius: radius)
            leaveOneSiteOut[radius] = cv
            scores[String(Int(radius))] = cv.score.rmse
            if cv.score.rmse < bestScore { bestScore = cv.score.rmse; best = radius }
        }
        let beta = coefficients(usable, radius: best)
        // Jackknife over sites: SE² = (n−1)/n · Σ (β₋ᵢ − mean β₋)². The leave-one-site-out fits are those refits
        // (unless some were skipped for too few training sites).
        let loso = leaveOneSiteOut[best]!
        let refits = loso.fits.count == usable.count ? loso.fits : usable.map { s in coefficients(usable.filter { $0.site != s.site }, radius: best) }
        var standardErrors: [String: Double] = [:]
        let n = Double(refits.count)
        for (j, name) in RegimeCalibration.fittedNames.enumerated() {
            let mean = refits.map { $0[j] }.reduce(0, +) / n
            standardErrors[name] = ((n - 1) / n * refits.map { ($0[j] - mean) * ($0[j] - mean) }.reduce(0, +)).squareRoot()
        }
        var k = prior
        k.intercept = beta[0]; k.sealed = beta[1]; k.buildingVolume = beta[2]; k.canopy = beta[3]; k.shrub = beta[4]; k.grass = beta[5]
        k.water = beta[6]; k.parkIntensity = beta[7]; k.vegetationRadiusMetres = best
        // Humidity: Δe = γ·K_r2*(e_c + e_s + e_g), γ ≥ 0.
        let humid = usable.filter { !($0.signature[regime]!.deltaVapourPressure.isNaN) }
        let gamma = LeastSquares.solve(rows: humid.map { [$0.predictors[best]!.transpiring] }, targets: humid.map { $0.signature[regime]!.deltaVapourPressure },
                                       nonNegative: [0], ridge: ridge)[0]
        k.vapourGain = gamma
        var humidityPairs: [(Double, Double)] = []
        var gammas: [Double] = []
        for s in humid {
            let train = humid.filter { $0.site != s.site }
            let g = LeastSquares.solve(rows: train.map { [$0.predictors[best]!.transpiring] }, targets: train.map { $0.signature[regime]!.deltaVapourPressure }, nonNegative: [0], ridge: ridge)[0]
            gammas.append(g)
            humidityPairs.append((s.signature[regime]!.deltaVapourPressure, g * s.predictors[best]!.transpiring))
        }
        if !gammas.isEmpty {
            let m = Double(gammas.count), mean = gammas.reduce(0, +) / m
            standardErrors["vapourGain"] = ((m - 1) / m * gammas.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)).squareRoot()
        }
        // Leave one summer out: fit on one year's signatures, predict the other's.
        var summerPairs: [(Double, Double)] = []
        let years = Set(usable.flatMap { ($0.signatureByYear[regime] ?? [:]).keys }).sorted()
        if years.count >= 2 {
            for year in years {
                let train = usable.compactMap { s -> (CalibrationSite, Double)? in
                    guard let other = years.first(where: { $0 != year }), let sig = s.signatureByYear[regime]?[other] else { return nil }
                    return (s, sig.deltaTemperature)
                }
                guard train.count >= 8 else { continue }
                let b = LeastSquares.solve(rows: train.map { $0.0.predictors[best]!.temperatureRow }, targets: train.map(\.1), nonNegative: Set(1...7), ridge: ridge)
                for s in usable { if let sig = s.signatureByYear[regime]?[year] { summerPairs.append((sig.deltaTemperature, predict(b, s, radius: best))) } }
            }
        }
        var residuals: [String: Double] = [:]
        for s in usable { residuals[s.site] = s.signature[regime]!.deltaTemperature - predict(beta, s, radius: best) }
        return RegimeCalibration(coefficients: k, vegetationRadiusCandidates: scores, leaveOneSiteOut: loso.score,
                                 leaveOneCommuneOut: grouped({ $0.commune }, radius: best).score,
                                 leaveOneSummerOut: summerPairs.isEmpty ? nil : CVScore.of(summerPairs),
                                 humidityLeaveOneSiteOut: CVScore.of(humidityPairs), residuals: residuals,
                                 observed: Dictionary(uniqueKeysWithValues: usable.map { ($0.site, $0.signature[regime]!.deltaTemperature) }), sites: usable.count,
                                 standardErrors: standardErrors)
    }
}
