import Foundation

/// UTCI for one hour's wind, tabulated over (Ta, Tmrt − Ta, vapour pressure) and read by trilinear
/// interpolation; the full polynomial is evaluated once per table node instead of once per cell, and its partial
/// derivatives (for the explanation) come from the same table. Error < 0.02 °C (tested).
/// Immutable once built, so every block and thread of a run shares one table per hour (`shared`): reading it needs
/// no lock nor exclusivity check (a lazily filled table cost a third of the engine's time in those checks).
public final class UTCITable: Sendable {
    public let wind: Double
    let ta0: Double, taStep: Double, taCount: Int
    let d0: Double, dStep: Double, dCount: Int
    let p0: Double, pStep: Double, pCount: Int
    private let values: [Float]

    /// Covers Ta in `airTemperature` (°C), Tmrt − Ta in −30…70 K and vapour pressure in `vapourPressureKPa`.
    /// Every node is computed here, on all cores.
    public init(wind: Double, airTemperature: ClosedRange<Double>, vapourPressureKPa: ClosedRange<Double>) {
        let v = min(max(wind, UTCI.windRange.lowerBound), UTCI.windRange.upperBound)
        self.wind = v
        let ta0 = airTemperature.lowerBound, taStep = 0.25
        let taCount = Int(((airTemperature.upperBound - ta0) / taStep).rounded(.up)) + 2
        let d0 = UTCI.radiantDifferenceRange.lowerBound, dStep = 1.0
        let dCount = Int((UTCI.radiantDifferenceRange.upperBound - d0) / dStep) + 1
        let p0 = max(0, vapourPressureKPa.lowerBound), pStep = 0.05
        let pCount = Int(((min(5, vapourPressureKPa.upperBound) - p0) / pStep).rounded(.up)) + 2
        (self.ta0, self.taStep, self.taCount, self.d0, self.dStep, self.dCount, self.p0, self.pStep, self.pCount) = (ta0, taStep, taCount, d0, dStep, dCount, p0, pStep, pCount)
        // The wind is fixed: the polynomial collapses to one in (Ta, D, pa), and at each (Ta, D) node to one in pa
        // alone (degree ≤ 6), evaluated along the vapour axis by Horner's rule — a few operations per node, not the
        // 210 terms of the full polynomial.
        var reduced: [(ta: Int, radiant: Int, vapour: Int, coefficient: Double)] = []
        var collapsed = [Double](repeating: 0, count: 7 * 7 * 7)
        let windPowers = Self.powers(v)
        for term in UTCI.polynomial { collapsed[(term.ta * 7 + term.radiant) * 7 + term.vapour] += term.coefficient * windPowers[term.wind] }
        for (index, c) in collapsed.enumerated() where c != 0 { reduced.append((index / 49, index / 7 % 7, index % 7, c)) }
        let terms = reduced
        values = [Float](unsafeUninitializedCapacity: taCount * dCount * pCount) { buffer, count in
            nonisolated(unsafe) let base = buffer.baseAddress! // each task writes its own rows of nodes
            DispatchQueue.concurrentPerform(iterations: taCount) { i in
                let t = Self.powers(ta0 + Double(i) * taStep)
                for j in 0..<dCount {
                    let r = Self.powers(d0 + Double(j) * dStep)
                    var q = InlineArray<7, Double>(repeating: 0)
                    for term in terms { q[term.vapour] += term.coefficient * t[term.ta] * r[term.radiant] }
                    for k in 0..<pCount {
                        let pa = p0 + Double(k) * pStep
                        var value = q[6]
                        for c in stride(from: 5, through: 0, by: -1) { value = value * pa + q[c] }
                        base[(i * dCount + j) * pCount + k] = Float(value)
                    }
                }
            }
            count = taCount * dCount * pCount
        }
    }

    @inline(__always)
    static func powers(_ x: Double) -> InlineArray<7, Double> {
        var p = InlineArray<7, Double>(repeating: 1)
        for i in 1..<7 { p[i] = p[i - 1] * x }
        return p
    }

    /// The table for these arguments, built once per process and shared (an hour's table is the same for every block).
    public static func shared(wind: Double, airTemperature: ClosedRange<Double>, vapourPressureKPa: ClosedRange<Double>) -> UTCITable {
        let key = [wind, airTemperature.lowerBound, airTemperature.upperBound, vapourPressureKPa.lowerBound, vapourPressureKPa.upperBound]
        return cache.table(for: key) { UTCITable(wind: wind, airTemperature: airTemperature, vapourPressureKPa: vapourPressureKPa) }
    }

    private static let cache = TableCache()

    @inline(__always)
    private func node(_ i: Int, _ j: Int, _ k: Int) -> Double { Double(values[(i * dCount + j) * pCount + k]) }

    /// UTCI at (Ta, D = Tmrt − Ta, pa); NaN outside the table (outside UTCI's validity for D).
    @inline(__always)
    public func value(ta: Double, radiantDifference d: Double, vapourPressureKPa pa: Double) -> Double {
        let x = (ta - ta0) / taStep, y = (d - d0) / dStep, z = (pa - p0) / pStep
        guard x >= 0, y >= 0, z >= 0, x < Double(taCount - 1), y <= Double(dCount - 1), z < Double(pCount - 1) else { return .nan }
        let i = Int(x), j = min(Int(y), dCount - 2), k = Int(z)
        let fx = x - Double(i), fy = y - Double(j), fz = z - Double(k)
        func at(_ a: Int, _ b: Int, _ c: Int) -> Double { node(i + a, j + b, k + c) }
        let c00 = at(0, 0, 0) * (1 - fx) + at(1, 0, 0) * fx, c01 = at(0, 0, 1) * (1 - fx) + at(1, 0, 1) * fx
        let c10 = at(0, 1, 0) * (1 - fx) + at(1, 1, 0) * fx, c11 = at(0, 1, 1) * (1 - fx) + at(1, 1, 1) * fx
        let c0 = c00 * (1 - fy) + c10 * fy, c1 = c01 * (1 - fy) + c11 * fy
        return c0 * (1 - fz) + c1 * fz
    }

    /// UTCI and its gradient (∂/∂Ta at fixed Tmrt − Ta, ∂/∂(Tmrt − Ta), ∂/∂pa per kPa) from the same eight nodes:
    /// the trilinear interpolant's own derivatives. One read of the table instead of the seven `value` + `partials`
    /// take; the gradient is the difference quotient across the table cell (steps of 0.25 K, 1 K, 0.05 kPa).
    /// Value NaN (and gradient 0) outside the table.
    @inline(__always)
    public func valueAndGradient(ta: Double, radiantDifference d: Double, vapourPressureKPa pa: Double)
        -> (value: Double, ta: Double, radiant: Double, vapour: Double) {
        let x = (ta - ta0) / taStep, y = (d - d0) / dStep, z = (pa - p0) / pStep
        guard x >= 0, y >= 0, z >= 0, x < Double(taCount - 1), y <= Double(dCount - 1), z < Double(pCount - 1) else { return (.nan, 0, 0, 0) }
        let i = Int(x), j = min(Int(y), dCount - 2), k = Int(z)
        let fx = x - Double(i), fy = y - Double(j), fz = z - Double(k)
        return values.withUnsafeBufferPointer { v in
            let base = (i * dCount + j) * pCount + k, dj = pCount, di = dCount * pCount
            let c000 = Double(v[base]), c001 = Double(v[base + 1]), c010 = Double(v[base + dj]), c011 = Double(v[base + dj + 1])
            let c100 = Double(v[base + di]), c101 = Double(v[base + di + 1]), c110 = Double(v[base + di + dj]), c111 = Double(v[base + di + dj + 1])
            // Along Ta first, then D, then pa; each derivative is the other two axes' interpolation of a difference.
            let c00 = c000 + (c100 - c000) * fx, c01 = c001 + (c101 - c001) * fx
            let c10 = c010 + (c110 - c010) * fx, c11 = c011 + (c111 - c011) * fx
            let c0 = c00 + (c10 - c00) * fy, c1 = c01 + (c11 - c01) * fy
            let value = c0 + (c1 - c0) * fz
            let dz = (c1 - c0) / pStep
            let dy = ((c10 - c00) * (1 - fz) + (c11 - c01) * fz) / dStep
            let e00 = c100 - c000, e01 = c101 - c001, e10 = c110 - c010, e11 = c111 - c011
            let dx = ((e00 + (e10 - e00) * fy) * (1 - fz) + (e01 + (e11 - e01) * fy) * fz) / taStep
            return (value, dx, dy, dz)
        }
    }

    /// ∂UTCI/∂Ta (at fixed Tmrt − Ta), ∂UTCI/∂(Tmrt − Ta) and ∂UTCI/∂pa by central differences on the table.
    public func partials(ta: Double, radiantDifference d: Double, vapourPressureKPa pa: Double) -> (ta: Double, radiant: Double, vapour: Double) {
        let ht = taStep, hd = dStep, hp = pStep
        let dt = (value(ta: ta + ht, radiantDifference: d, vapourPressureKPa: pa) - value(ta: ta - ht, radiantDifference: d, vapourPressureKPa: pa)) / (2 * ht)
        let dd = (value(ta: ta, radiantDifference: min(d + hd, 70), vapourPressureKPa: pa) - value(ta: ta, radiantDifference: max(d - hd, -30), vapourPressureKPa: pa))
            / (min(d + hd, 70) - max(d - hd, -30))
        let dp = (value(ta: ta, radiantDifference: d, vapourPressureKPa: pa + hp) - value(ta: ta, radiantDifference: d, vapourPressureKPa: max(p0, pa - hp)))
            / (pa + hp - max(p0, pa - hp))
        return (dt, dd, dp)
    }
}

/// The process's tables, at most 64 (a run uses one per hour of its windows; a server's runs share them).
private final class TableCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: [[Double]: UTCITable] = [:]

    func table(for key: [Double], make: () -> UTCITable) -> UTCITable {
        if let table = lock.withLock({ tables[key] }) { return table }
        // Built outside the lock (it uses every core); two threads asking at once may both build it, to the same values.
        let table = make()
        return lock.withLock {
            if tables.count >= 64 { tables.removeAll() }
            if let existing = tables[key] { return existing }
            tables[key] = table
            return table
        }
    }
}
