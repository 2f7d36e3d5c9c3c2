import Model

/// A fixed colour ramp: a value always gets the same colour, on every map, tile and zoom.
public struct ColourRamp: Sendable {
    public struct Stop: Sendable { public var value: Double; public var rgb: (UInt8, UInt8, UInt8) }
    public let name: String
    public let unit: String
    public let stops: [Stop]
    /// Class boundaries drawn on the legend (value, label).
    public let ticks: [(value: Double, label: String)]
    /// The ramp's domain (first to last stop) cut into `bins` equal bins. A bin whose colour is the same at both
    /// edges (a hair outside them, so that rounding in a value's bin index cannot matter) and lies in one segment has
    /// that colour throughout — each channel is monotone in the value within a segment — and keeps it here, packed
    /// (0: compute). Tiles colour 65 536 pixels each: this lookup replaces a scan of the stops and a division for
    /// most of them, and gives exactly the colour the computation would.
    /// Two more bins follow the domain's: values at or below the first stop, and above the last (their end colours).
    @usableFromInline let binColour: [UInt32]
    /// For each bin, the first stop at or above its lower edge: where a computed value's segment search starts.
    private let binStop: [UInt8]
    @usableFromInline let binsPerUnit: Double
    /// The first and last stops' values.
    @usableFromInline let low: Double, high: Double
    @usableFromInline static let bins = 16_384
    /// How many bins `bin(_:)` returns: the domain's, and the two beyond its ends.
    public static let binCount = bins + 2

    public init(name: String, unit: String, stops: [Stop], ticks: [(value: Double, label: String)]) {
        precondition((2...255).contains(stops.count) && zip(stops, stops.dropFirst()).allSatisfy { $0.value < $1.value }, "2–255 increasing stops")
        self.name = name; self.unit = unit; self.stops = stops; self.ticks = ticks
        let lo = stops[0].value, hi = stops[stops.count - 1].value, bins = Self.bins
        binsPerUnit = Double(bins) / (hi - lo)
        low = lo; high = hi
        func edge(_ b: Int) -> Double { lo + Double(b) / Double(bins) * (hi - lo) }
        // The first stop k ≥ 1 with v <= stops[k] (0 at or below the first, stops.count past the last), by bisection.
        let values = stops.map(\.value)
        func segment(_ v: Double) -> Int {
            guard v > lo else { return 0 }
            var (a, b) = (1, values.count)
            while a < b { let m = (a + b) / 2; if v <= values[m] { b = m } else { a = m + 1 } }
            return a
        }
        let margin = (hi - lo) * 1e-9
        binStop = (0..<bins).map { UInt8(max(1, min(stops.count - 1, segment(edge($0))))) }
        var colours = [UInt32](repeating: 0, count: bins)
        for b in 0..<bins {
            let v0 = edge(b) - margin, v1 = edge(b + 1) + margin, k = segment(v0)
            guard k >= 1, k < stops.count, segment(v1) == k else { continue }
            let c0 = Self.mixed(stops[k - 1], stops[k], v0), c1 = Self.mixed(stops[k - 1], stops[k], v1)
            if c0 == c1 { colours[b] = c0 }
        }
        func opaque(_ c: (UInt8, UInt8, UInt8)) -> UInt32 { UInt32(c.0) | UInt32(c.1) << 8 | UInt32(c.2) << 16 | 255 << 24 }
        binColour = colours + [opaque(stops[0].rgb), opaque(stops[stops.count - 1].rgb)]
    }

    /// The colour of `v` between stops a and b (a < v ≤ b), packed R, G, B, A in memory order.
    @inline(__always)
    private static func mixed(_ a: Stop, _ b: Stop, _ v: Double) -> UInt32 {
        let t = (v - a.value) / (b.value - a.value)
        // Rounded to nearest by truncating v + 0.5 (v is in 0…255): libm's round was 3 % of a tile's time.
        func mix(_ x: UInt8, _ y: UInt8) -> UInt32 { UInt32(UInt8(Double(x) + t * (Double(y) - Double(x)) + 0.5)) }
        return mix(a.rgb.0, b.rgb.0) | mix(a.rgb.1, b.rgb.1) << 8 | mix(a.rgb.2, b.rgb.2) << 16 | 255 << 24
    }

    /// RGBA of `value` (linear between stops, clamped at the ends); transparent for NaN (no data).
    @inline(__always)
    public func rgba(_ value: Float) -> (UInt8, UInt8, UInt8, UInt8) {
        let c = packed(value)
        return (UInt8(truncatingIfNeeded: c), UInt8(truncatingIfNeeded: c >> 8), UInt8(truncatingIfNeeded: c >> 16), UInt8(truncatingIfNeeded: c >> 24))
    }

    /// The same colour packed R, G, B, A in memory order (0, transparent, for NaN).
    @inline(__always)
    public func packed(_ value: Float) -> UInt32 {
        guard !value.isNaN else { return 0 }
        let b = bin(value)
        let c = binColour[b]
        return c != 0 ? c : computed(value, bin: b)
    }

    /// The bin of a value that is not NaN, in 0..<`binCount`.
    @inlinable
    public func bin(_ value: Float) -> Int {
        let v = Double(value)
        if v <= low { return Self.bins }
        guard v <= high else { return Self.bins + 1 }
        return min(Self.bins - 1, Int((v - low) * binsPerUnit))
    }

    /// The colour every value of bin `b` has, or 0 when the bin straddles a change of colour (`packed` then
    /// computes each value's).
    @inlinable
    public func uniformColour(bin b: Int) -> UInt32 { binColour[b] }

    /// The colour of `value` in bin `b` of the domain, computed from its segment.
    private func computed(_ value: Float, bin b: Int) -> UInt32 {
        let v = Double(value)
        // The segment is the first stop k with v <= stops[k]: from the bin's guess, step either way.
        var k = Int(binStop[b])
        while v > stops[k].value { k += 1 }
        while k > 1 && v <= stops[k - 1].value { k -= 1 }
        return Self.mixed(stops[k - 1], stops[k], v)
    }

    public func hex(_ value: Double) -> String {
        let (r, g, b, _) = rgba(Float(value))
        return "#" + [r, g, b].map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    /// Felt temperature (UTCI °C), colour-blind safe: ColorBrewer RdYlBu's blues for cold stress up to 9 °C, a pale
    /// yellow for no stress (9–26 °C), then ColorBrewer YlOrRd in 3 °C steps through the heat-stress classes, whose
    /// boundaries (26, 32, 38, 46 °C) fall on stops, so city-scale differences of a few degrees stay visible.
    public static let utci = ColourRamp(
        name: "utci", unit: "°C",
        stops: [Stop(value: -13, rgb: (49, 54, 149)), Stop(value: 0, rgb: (69, 117, 180)), Stop(value: 9, rgb: (171, 217, 233)),
                Stop(value: 26, rgb: (255, 255, 204)), Stop(value: 29, rgb: (255, 237, 160)), Stop(value: 32, rgb: (254, 217, 118)),
                Stop(value: 35, rgb: (254, 178, 76)), Stop(value: 38, rgb: (253, 141, 60)), Stop(value: 41, rgb: (252, 78, 42)),
                Stop(value: 44, rgb: (227, 26, 28)), Stop(value: 46, rgb: (189, 0, 38)), Stop(value: 50, rgb: (128, 0, 38)),
                Stop(value: 54, rgb: (60, 0, 30))],
        ticks: [(0, "0"), (9, "9"), (26, "26"), (32, "32"), (38, "38"), (46, "46")])

    /// Felt temperature at night (UTCI °C, 22–06 h). Urban summer nights span about 14–30 °C — all of it "no
    /// thermal stress" or "moderate" — so the day's ramp (−13…54 °C) draws them as one pale colour. This ramp gives
    /// that span its own colours: ColorBrewer YlGnBu reversed (colour-blind safe) from cool nights (dark blue) to
    /// 24 °C (pale), its steepest part over the 18–24 °C of most city nights, then YlOrRd from the moderate-heat
    /// boundary (26 °C) on, so a night warm enough to stress the body reads as warm on both maps. Fixed: the same °C is the same colour on every
    /// night map.
    public static let utciNight = ColourRamp(
        name: "utci-night", unit: "°C",
        stops: [Stop(value: 12, rgb: (8, 29, 88)), Stop(value: 16, rgb: (37, 52, 148)), Stop(value: 18, rgb: (34, 94, 168)),
                Stop(value: 20, rgb: (29, 145, 192)), Stop(value: 22, rgb: (127, 205, 187)), Stop(value: 24, rgb: (237, 248, 177)),
                Stop(value: 26, rgb: (255, 237, 160)), Stop(value: 28, rgb: (254, 178, 76)), Stop(value: 30, rgb: (240, 59, 32)),
                Stop(value: 32, rgb: (128, 0, 38))],
        ticks: [(12, "12"), (16, "16"), (20, "20"), (24, "24"), (26, "26"), (30, "30")])

    /// A signed difference (°C) around 0: ColorBrewer RdBu reversed (blue cooler, red warmer), ±`range`.
    /// The half-width of a difference ramp for changes up to `largest` °C in magnitude: the next half degree up,
    /// from 0.5 to 6 °C (larger changes saturate; a ramp never narrower than half a degree).
    public static func differenceRange(largest: Double) -> Double {
        guard largest.isFinite else { return 1 }
        return max(0.5, min(6, (largest * 2).rounded(.up) / 2))
    }

    public static func difference(range: Double) -> ColourRamp {
        ColourRamp(name: "difference", unit: "°C",
                   stops: [Stop(value: -range, rgb: (33, 102, 172)), Stop(value: -range / 2, rgb: (146, 197, 222)), Stop(value: 0, rgb: (247, 247, 247)),
                           Stop(value: range / 2, rgb: (244, 165, 130)), Stop(value: range, rgb: (178, 24, 43))],
                   ticks: [(-range, String(format: "%+.1f", -range)), (0, "0"), (range, String(format: "%+.1f", range))])
    }
}

extension ColourRamp {
    /// Hydric stress 0–1: ColorBrewer YlOrBr (colour-blind safe), pale = none, dark brown = severe.
    public static let stress = ColourRamp(
        name: "stress", unit: "0–1",
        stops: [Stop(value: 0, rgb: (255, 255, 229)), Stop(value: 0.25, rgb: (254, 227, 145)), Stop(value: 0.5, rgb: (254, 153, 41)),
                Stop(value: 0.75, rgb: (204, 76, 2)), Stop(value: 1, rgb: (102, 37, 6))],
        ticks: [(0, "0"), (0.5, "0.5"), (1, "1")])

    /// An uncertainty in °C, 0–1: ColorBrewer Purples.
    public static let uncertainty = ColourRamp(
        name: "uncertainty", unit: "°C",
        stops: [Stop(value: 0, rgb: (252, 251, 253)), Stop(value: 0.5, rgb: (158, 154, 200)), Stop(value: 1, rgb: (63, 0, 125))],
        ticks: [(0, "0"), (0.5, "0.5"), (1, "1")])
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
