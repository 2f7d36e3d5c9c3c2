import Foundation
import GeoIO
import TestFixtures
import Testing
@testable import Reports
@testable import Run
@testable import Tiles

/// Every layer readable: the day and the night maps of the sample each span a perceptual range of at least 40 ΔE
/// (CIE 1976 L*a*b* distance between the colours of their 5th and 95th percentiles), where the one day ramp drew the
/// night (18–23.5 °C on the sample) in nearly one pale colour.
@Suite(.tags(.endToEnd)) struct LayerContrastTests {
    /// CIE L*a*b* (D65) of an sRGB colour.
    static func lab(_ c: (UInt8, UInt8, UInt8, UInt8)) -> (Double, Double, Double) {
        func linear(_ v: UInt8) -> Double { let x = Double(v) / 255; return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4) }
        let r = linear(c.0), g = linear(c.1), b = linear(c.2)
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, y = 0.2126 * r + 0.7152 * g + 0.0722 * b, z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }

    static func deltaE(_ layer: TileLayer, over values: [Float]) -> Double {
        let sorted = values.filter { !$0.isNaN }.sorted()
        let p5 = sorted[sorted.count / 20], p95 = sorted[sorted.count * 19 / 20]
        let a = lab(layer.rgba(p5)), b = lab(layer.rgba(p95))
        return ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)).squareRoot()
    }

    @Test(arguments: ["day", "night"])
    func eachMapSpansAReadableRangeOfColours(layer name: String) throws {
        let folder = try RunFolder(SampleRun.folder + "/run")
        let layer = try #require(TileLayer.catalogue(folder).first { $0.name == name })
        let values = try folder.read(try #require(layer.band)).values
        let span = Self.deltaE(layer, over: values)
        #expect(span >= 40, "\(name): \(span) ΔE between the 5th and 95th percentiles")
        if name == "night" {
            // The day ramp on the same night values: what the night map looked like before it had a ramp of its own.
            let before = TileLayer(name: "night", title: "", band: layer.band, kind: .continuous, ramp: .utci)
            #expect(Self.deltaE(before, over: values) < 20)
        }
    }
}
