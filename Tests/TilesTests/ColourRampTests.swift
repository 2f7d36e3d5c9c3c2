import TestFixtures
import Testing
@testable import Reports

/// The colour ramps: a value's colour is the linear mix of the two stops around it, rounded to the nearest level.
@Suite struct ColourRampTests {
    /// The definition, by scanning every stop (what the ramp did before it looked its segment up).
    func scanned(_ ramp: ColourRamp, _ value: Float) -> (UInt8, UInt8, UInt8, UInt8) {
        guard !value.isNaN else { return (0, 0, 0, 0) }
        let v = Double(value), stops = ramp.stops
        if v <= stops[0].value { let c = stops[0].rgb; return (c.0, c.1, c.2, 255) }
        for k in 1..<stops.count where v <= stops[k].value {
            let a = stops[k - 1], b = stops[k], t = (v - a.value) / (b.value - a.value)
            func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) + t * (Double(y) - Double(x))).rounded()) }
            return (mix(a.rgb.0, b.rgb.0), mix(a.rgb.1, b.rgb.1), mix(a.rgb.2, b.rgb.2), 255)
        }
        let c = stops[stops.count - 1].rgb
        return (c.0, c.1, c.2, 255)
    }

    static let ramps: [String: ColourRamp] = ["utci": .utci, "utci night": .utciNight, "difference ±3": .difference(range: 3), "difference ±6": .difference(range: 6),
                                              "stress": .stress, "uncertainty": .uncertainty]

    @Test(arguments: ["utci", "utci night", "difference ±3", "difference ±6", "stress", "uncertainty"])
    func theSegmentLookupGivesTheScansColourEverywhere(name: String) throws {
        let ramp = try #require(Self.ramps[name])
        let lo = Float(ramp.stops[0].value), hi = Float(ramp.stops[ramp.stops.count - 1].value)
        // A fine sweep past both ends, and each stop with the floats just either side (where a segment changes).
        var values = (0...40_000).map { lo - 2 + (hi - lo + 4) * Float($0) / 40_000 }
        for stop in ramp.stops { let v = Float(stop.value); values += [v, v.nextDown, v.nextUp] }
        values += [.nan, .infinity, -.infinity]
        var mismatches: [Float] = []
        for v in values where !(ramp.rgba(v) == scanned(ramp, v)) { mismatches.append(v) }
        #expect(mismatches.count == 0, "\(name): \(mismatches.count) values coloured differently from the scan, e.g. \(mismatches.prefix(5))")
    }

    @Test func stopsGetTheirColourAndMidpointsTheMix() {
        let utci = ColourRamp.utci
        for stop in utci.stops { #expect(utci.rgba(Float(stop.value)) == (stop.rgb.0, stop.rgb.1, stop.rgb.2, 255)) }
        // Half-way from 26 °C (255, 255, 204) to 29 °C (255, 237, 160).
        #expect(utci.rgba(27.5) == (UInt8(255), UInt8(246), UInt8(182), UInt8(255)))
        #expect(utci.rgba(.nan).3 == 0, "no data is transparent")
    }
}
