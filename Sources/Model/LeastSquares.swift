/// Small dense least-squares solvers for calibration (a few predictors, tens of sites).
public enum LeastSquares {
    /// Solves min ‖A x − b‖² + λ‖x‖² subject to x_j ≥ 0 for j in `nonNegative` (Lawson–Hanson active set,
    /// with unconstrained columns always free). `rows` are the rows of A.
    public static func solve(rows: [[Double]], targets b: [Double], nonNegative: Set<Int>, ridge lambda: Double = 0) -> [Double] {
        let p = rows.first?.count ?? 0
        var passive = Set((0..<p).filter { !nonNegative.contains($0) })
        var x = [Double](repeating: 0, count: p)
        func unconstrained(on set: Set<Int>) -> [Double] {
            let columns = set.sorted()
            guard !columns.isEmpty else { return [Double](repeating: 0, count: p) }
            var ata = [[Double]](repeating: [Double](repeating: 0, count: columns.count), count: columns.count)
            var atb = [Double](repeating: 0, count: columns.count)
            for (r, row) in rows.enumerated() {
                for (a, ca) in columns.enumerated() {
                    atb[a] += row[ca] * b[r]
                    for (c, cc) in columns.enumerated() { ata[a][c] += row[ca] * row[cc] }
                }
            }
            for (a, ca) in columns.enumerated() where nonNegative.contains(ca) || lambda > 0 { ata[a][a] += lambda }
            let solution = gaussianSolve(ata, atb)
            var full = [Double](repeating: 0, count: p)
            for (a, ca) in columns.enumerated() { full[ca] = solution[a] }
            return full
        }
        func gradient(_ x: [Double]) -> [Double] {
            var g = [Double](repeating: 0, count: p)
            for (r, row) in rows.enumerated() {
                var residual = b[r]
                for j in 0..<p { residual -= row[j] * x[j] }
                for j in 0..<p { g[j] += row[j] * residual }
            }
            for j in 0..<p { g[j] -= lambda * x[j] }
            return g
        }
        x = unconstrained(on: passive)
        for _ in 0..<(3 * p + 10) {
            let w = gradient(x)
            guard let j = nonNegative.subtracting(passive).max(by: { w[$0] < w[$1] }), w[j] > 1e-10 else { break }
            passive.insert(j)
            while true {
                let z = unconstrained(on: passive)
                let violating = passive.filter { nonNegative.contains($0) && z[$0] <= 0 }
                if violating.isEmpty { x = z; break }
                var alpha = 1.0
                for k in violating where x[k] - z[k] > 0 { alpha = min(alpha, x[k] / (x[k] - z[k])) }
                for k in 0..<p { x[k] += alpha * (z[k] - x[k]) }
                for k in passive where nonNegative.contains(k) && x[k] <= 1e-12 { passive.remove(k); x[k] = 0 }
            }
        }
        return x
    }

    /// Gaussian elimination with partial pivoting (tiny systems).
    static func gaussianSolve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        let n = b.count
        var m = a, v = b
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            if abs(m[pivot][col]) < 1e-14 { continue }
            m.swapAt(col, pivot); v.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let f = m[row][col] / m[col][col]
                for k in col..<n { m[row][k] -= f * m[col][k] }
                v[row] -= f * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            guard abs(m[row][row]) >= 1e-14 else { continue }
            var s = v[row]
            for k in (row + 1)..<n { s -= m[row][k] * x[k] }
            x[row] = s / m[row][row]
        }
        return x
    }
}
