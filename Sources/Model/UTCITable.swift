/// UTCI for one hour's wind, tabulated over (Ta, Tmrt − Ta, vapour pressure) and read by trilinear
/// interpolation; the full polynomial is evaluated once per table node, lazily (only nodes that cells reach),
/// instead of once per cell, and its partial derivatives (for the explanation) come from the same table.
/// Error < 0.02 °C (tested). Single-thread object: one per block and hour.
public final class UTCITable {
    public let wind: Double
    let ta0: Double, taStep: Double, taCount: Int
    let d0: Double, dStep: Double, dCount: Int
    let p0: Double, pStep: Double, pCount: Int
    private var values: [Float]

    /// Covers Ta in `airTemperature` (°C), Tmrt − Ta in −30…70 K and vapour pressure in `vapourPressureKPa`.
    public init(wind: Double, airTemperature: ClosedRange<Double>, vapourPressureKPa: ClosedRange<Double>) {
        let v = min(max(wind, UTCI.windRange.lowerBound), UTCI.windRange.upperBound)
        self.wind = v
        ta0 = airTemperature.lowerBound; taStep = 0.25
        taCount = Int(((airTemperature.upperBound - ta0) / taStep).rounded(.up)) + 2
        d0 = UTCI.radiantDifferenceRange.lowerBound; dStep = 1
        dCount = Int((UTCI.radiantDifferenceRange.upperBound - d0) / dStep) + 1
        p0 = max(0, vapourPressureKPa.lowerBound); pStep = 0.05
        pCount = Int(((min(5, vapourPressureKPa.upperBound) - p0) / pStep).rounded(.up)) + 2
        values = [Float](repeating: .nan, count: taCount * dCount * pCount)
    }

    /// The polynomial at node (i, j, k), computed on first use.
    @inline(__always)
    private func node(_ i: Int, _ j: Int, _ k: Int) -> Double {
        let index = (i * dCount + j) * pCount + k
        let stored = values[index]
        if !stored.isNaN { return Double(stored) }
        let value = UTCI.polynomialValue(ta: ta0 + Double(i) * taStep, wind: wind, radiantDifference: d0 + Double(j) * dStep,
                                         vapourPressureKPa: p0 + Double(k) * pStep)
        values[index] = Float(value)
        return value
    }

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
