import Foundation

/// Cumulative-logit (proportional odds) regression of an ordered vote on one score:
/// P(vote ≤ k | x) = σ(θ_k − β·(x − x̄)). The class thresholds on the score's own scale are τ_k = x̄ + θ_k/β: the
/// score at which a vote above k becomes as likely as one at or below it — an alternative legend in °C.
public struct OrdinalFit: Codable, Sendable, Equatable {
    /// Cut-points θ_1 < … < θ_{K−1} (logit scale), slope β (per unit of x), the centring x̄.
    public var cutpoints: [Double]
    public var slope: Double
    public var centre: Double
    public var logLikelihood: Double
    /// τ_k, in the score's unit.
    public var thresholds: [Double] { cutpoints.map { centre + $0 / slope } }

    /// Maximum likelihood by Newton–Raphson (analytic gradient, Hessian by differences of it, step halving).
    /// `votes` are 0…levels−1. Nil when a level has no vote or the data cannot identify the slope.
    public static func fit(scores: [Double], votes: [Int], levels: Int) -> OrdinalFit? {
        let n = scores.count
        guard n == votes.count, n > levels, levels >= 2 else { return nil }
        var counts = [Int](repeating: 0, count: levels)
        for v in votes { guard (0..<levels).contains(v) else { return nil }; counts[v] += 1 }
        guard counts.allSatisfy({ $0 > 0 }) else { return nil }
        let centre = scores.reduce(0, +) / Double(n)
        let x = scores.map { $0 - centre }
        // Start: cut-points from the cumulative shares, a modest slope.
        var cumulative = 0
        var theta = (0..<(levels - 1)).map { k -> Double in cumulative += counts[k]; let p = Double(cumulative) / Double(n); return log(p / (1 - p)) }
        var beta = 0.5
        func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
        func logLikelihood(_ t: [Double], _ b: Double) -> Double {
            for k in 1..<t.count where t[k] <= t[k - 1] { return -.infinity }
            var sum = 0.0
            for i in 0..<n {
                let y = votes[i]
                let upper = y < levels - 1 ? sigmoid(t[y] - b * x[i]) : 1
                let lower = y > 0 ? sigmoid(t[y - 1] - b * x[i]) : 0
                sum += log(max(upper - lower, 1e-300))
            }
            return sum
        }
        func gradient(_ t: [Double], _ b: Double) -> [Double] {
            var g = [Double](repeating: 0, count: levels)
            for i in 0..<n {
                let y = votes[i]
                let a = y < levels - 1 ? t[y] - b * x[i] : .infinity, c = y > 0 ? t[y - 1] - b * x[i] : -.infinity
                let fa = a.isFinite ? sigmoid(a) * (1 - sigmoid(a)) : 0, fc = c.isFinite ? sigmoid(c) * (1 - sigmoid(c)) : 0
                let p = max((a.isFinite ? sigmoid(a) : 1) - (c.isFinite ? sigmoid(c) : 0), 1e-300)
                if y < levels - 1 { g[y] += fa / p }
                if y > 0 { g[y - 1] -= fc / p }
                g[levels - 1] += -x[i] * (fa - fc) / p
            }
            return g
        }
        var current = logLikelihood(theta, beta)
        for _ in 0..<100 {
            let g = gradient(theta, beta)
            // Hessian by central differences of the gradient.
            let m = levels, h = 1e-5
            var hessian = [Double](repeating: 0, count: m * m)
            for j in 0..<m {
                var tp = theta, tm = theta, bp = beta, bm = beta
                if j < m - 1 { tp[j] += h; tm[j] -= h } else { bp += h; bm -= h }
                let gp = gradient(tp, bp), gm = gradient(tm, bm)
                for i in 0..<m { hessian[i * m + j] = (gp[i] - gm[i]) / (2 * h) }
            }
            guard var step = solve(hessian.map { -$0 }, g, m) else { return nil }
            var accepted = false
            for _ in 0..<30 {
                let t = zip(theta, step).map { $0 + $1 }, b = beta + step[m - 1]
                let value = logLikelihood(t, b)
                if value >= current - 1e-12 { theta = t; beta = b; accepted = value - current < 1e-10; current = value; break }
                step = step.map { $0 / 2 }
            }
            if accepted || g.map(abs).max()! < 1e-8 { break }
        }
        guard beta > 0, current.isFinite else { return nil }
        return OrdinalFit(cutpoints: theta, slope: beta, centre: centre, logLikelihood: current)
    }

    /// Standard errors of the thresholds τ_k by a non-parametric bootstrap (resampling answers with replacement,
    /// `replicates` refits, a fixed seed so reruns agree).
    public static func thresholdStandardErrors(scores: [Double], votes: [Int], levels: Int, replicates: Int = 200, seed: UInt64 = 1) -> [Double]? {
        var state = seed
        func next() -> Int {  // SplitMix64
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        var samples: [[Double]] = []
        for _ in 0..<replicates {
            let picks = scores.indices.map { _ in next() % scores.count }
            if let f = fit(scores: picks.map { scores[$0] }, votes: picks.map { votes[$0] }, levels: levels) { samples.append(f.thresholds) }
        }
        guard samples.count >= replicates / 2 else { return nil }
        return (0..<(levels - 1)).map { k in
            let v = samples.map { $0[k] }, mean = v.reduce(0, +) / Double(v.count)
            return (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
        }
    }

    /// Gaussian elimination with partial pivoting for a small dense system.
    static func solve(_ a: [Double], _ b: [Double], _ n: Int) -> [Double]? {
        var m = a, v = b
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0 * n + col]) < abs(m[$1 * n + col]) }!
            guard abs(m[pivot * n + col]) > 1e-14 else { return nil }
            if pivot != col { for k in 0..<n { m.swapAt(pivot * n + k, col * n + k) }; v.swapAt(pivot, col) }
            for row in (col + 1)..<max(col + 1, n) {
                let f = m[row * n + col] / m[col * n + col]
                for k in col..<n { m[row * n + k] -= f * m[col * n + k] }
                v[row] -= f * v[col]
            }
        }
        var out = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = v[row]
            for k in (row + 1)..<max(row + 1, n) { s -= m[row * n + k] * out[k] }
            out[row] = s / m[row * n + row]
        }
        return out
    }
}

/// Rank statistics of how well a score orders votes.
public enum RankAgreement {
    /// Spearman's ρ (average ranks for ties).
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ v: [Double]) -> [Double] {
            let order = v.indices.sorted { v[$0] < v[$1] }
            var r = [Double](repeating: 0, count: v.count)
            var i = 0
            while i < order.count {
                var j = i
                while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
                for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
                i = j + 1
            }
            return r
        }
        let ra = ranks(a), rb = ranks(b)
        let ma = ra.reduce(0, +) / Double(ra.count), mb = rb.reduce(0, +) / Double(rb.count)
        let cov = zip(ra, rb).map { ($0 - ma) * ($1 - mb) }.reduce(0, +)
        let va = ra.map { ($0 - ma) * ($0 - ma) }.reduce(0, +), vb = rb.map { ($0 - mb) * ($0 - mb) }.reduce(0, +)
        return cov / (va * vb).squareRoot()
    }

    /// Area under the ROC curve of `score` separating `positive` cases (Mann–Whitney, ties count half).
    public static func auc(score: [Double], positive: [Bool]) -> Double {
        let pos = score.indices.filter { positive[$0] }.map { score[$0] }, neg = score.indices.filter { !positive[$0] }.map { score[$0] }
        guard !pos.isEmpty, !neg.isEmpty else { return .nan }
        var wins = 0.0
        for p in pos { for q in neg { wins += p > q ? 1 : (p == q ? 0.5 : 0) } }
        return wins / Double(pos.count * neg.count)
    }
}
