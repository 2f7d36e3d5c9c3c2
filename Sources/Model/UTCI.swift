import Foundation

/// The Universal Thermal Climate Index (Bröde et al. 2012): the air temperature of a reference environment
/// giving the same physiological strain. Computed with the full 6th-order operational polynomial (UTCI_a002).
public enum UTCI {
    /// Validity of the polynomial; outside it the index is not defined (we say so, never invent a value).
    public static let airTemperatureRange = -50.0...50.0
    public static let windRange = 0.5...17.0
    public static let radiantDifferenceRange = -30.0...70.0
    public static let vapourPressureRangeKPa = 0.0...5.0

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case airTemperature(Double), wind(Double), radiantDifference(Double), vapourPressure(Double), humidity(Double)
        public var description: String {
            switch self {
            case .airTemperature(let t): "air temperature \(t) °C is outside UTCI's validity (−50…50 °C)"
            case .wind(let v): "wind \(v) m/s at 10 m is outside UTCI's validity (0.5…17 m/s)"
            case .radiantDifference(let d): "Tmrt − Ta = \(d) K is outside UTCI's validity (−30…70 K)"
            case .vapourPressure(let p): "vapour pressure \(p) kPa is outside UTCI's validity (0…5 kPa)"
            case .humidity(let h): "relative humidity \(h) % is not within 0…100 %"
            }
        }
    }

    /// Saturation vapour pressure over water, hPa, as in the UTCI reference code (Hardy 1998, ITS-90).
    public static func saturationVapourPressure(celsius t: Double) -> Double {
        let g = [-2836.5744, -6028.076559, 19.54263612, -0.02737830188, 0.000016261698, 7.0229056e-10, -1.8680009e-13]
        let tk = t + 273.15
        var es = 2.7150305 * log(tk)
        for (i, gi) in g.enumerated() { es += gi * pow(tk, Double(i - 2)) }
        return exp(es) * 0.01
    }

    /// UTCI, °C, from air temperature (°C), mean radiant temperature (°C), wind at 10 m (m/s) and relative humidity (%).
    public static func value(airTemperature ta: Double, meanRadiantTemperature tmrt: Double, wind v: Double, relativeHumidity rh: Double) throws -> Double {
        guard (0...100).contains(rh) else { throw Invalid.humidity(rh) }
        return try value(airTemperature: ta, meanRadiantTemperature: tmrt, wind: v,
                         vapourPressureKPa: saturationVapourPressure(celsius: ta) * rh / 1000)
    }

    public static func value(airTemperature ta: Double, meanRadiantTemperature tmrt: Double, wind v: Double, vapourPressureKPa pa: Double) throws -> Double {
        guard airTemperatureRange.contains(ta) else { throw Invalid.airTemperature(ta) }
        guard windRange.contains(v) else { throw Invalid.wind(v) }
        guard radiantDifferenceRange.contains(tmrt - ta) else { throw Invalid.radiantDifference(tmrt - ta) }
        guard vapourPressureRangeKPa.contains(pa) else { throw Invalid.vapourPressure(pa) }
        return polynomialValue(ta: ta, wind: v, radiantDifference: tmrt - ta, vapourPressureKPa: pa)
    }

    /// The bare polynomial (no validity check): for hot loops whose inputs are already clipped.
    @inline(__always)
    public static func polynomialValue(ta: Double, wind: Double, radiantDifference d: Double, vapourPressureKPa pa: Double) -> Double {
        @inline(__always) func powers(_ x: Double) -> InlineArray<7, Double> {
            var p = InlineArray<7, Double>(repeating: 1)
            for i in 1..<7 { p[i] = p[i - 1] * x }
            return p
        }
        let t = powers(ta), w = powers(wind), r = powers(d), p = powers(pa)
        var sum = 0.0
        for term in polynomial { sum += term.coefficient * t[term.ta] * w[term.wind] * r[term.radiant] * p[term.vapour] }
        return sum
    }

    /// UTCI's assessment scale (heat side from docs/model.md: ≤ 26 no stress, 26–32 moderate, 32–38 strong, 38–46 very strong, > 46 extreme).
    public enum StressClass: Int, CaseIterable, Codable, Sendable {
        case extremeCold = -5, veryStrongCold, strongCold, moderateCold, slightCold, none, moderateHeat, strongHeat, veryStrongHeat, extremeHeat

        public init(utci: Double) {
            switch utci {
            case 46...: self = .extremeHeat
            case 38..<46: self = .veryStrongHeat
            case 32..<38: self = .strongHeat
            case 26..<32: self = .moderateHeat
            case 9..<26: self = .none
            case 0..<9: self = .slightCold
            case -13..<0: self = .moderateCold
            case -27 ..< -13: self = .strongCold
            case -40 ..< -27: self = .veryStrongCold
            default: self = .extremeCold
            }
        }

        public var label: String {
            switch self {
            case .extremeHeat: "extreme heat stress"
            case .veryStrongHeat: "very strong heat stress"
            case .strongHeat: "strong heat stress"
            case .moderateHeat: "moderate heat stress"
            case .none: "no thermal stress"
            case .slightCold: "slight cold stress"
            case .moderateCold: "moderate cold stress"
            case .strongCold: "strong cold stress"
            case .veryStrongCold: "very strong cold stress"
            case .extremeCold: "extreme cold stress"
            }
        }
    }
}
