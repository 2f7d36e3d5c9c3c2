import Foundation
import Testing
@testable import Grid
@testable import Model

/// Residual interpolation: kriged only when it beats no correction in leave-one-site-out, fading away from sites.
@Suite struct ResidualSurfaceTests {
    /// 40 sites on a jittered 4 km grid (deterministic).
    static func sites(_ value: (Double, Double, Int) -> Double) -> [(x: Double, y: Double, value: Double)] {
        var points: [(x: Double, y: Double, value: Double)] = []
        for k in 0..<40 {
            let x = Double(k % 7) * 600 + 150 * sin(Double(k) * 12.9898), y = Double(k / 7) * 700 + 150 * cos(Double(k) * 78.233)
            points.append((x, y, value(x, y, k)))
        }
        return points
    }

    /// A deterministic stand-in for N(0, 1) draws: sums of 12 uniform hashes minus 6.
    static func noise(_ k: Int) -> Double {
        (0..<12).map { j in (sin(Double(k * 12 + j) * 43758.5453).magnitude * 1000).truncatingRemainder(dividingBy: 1) }.reduce(0, +) - 6
    }

    @Test func aSmoothResidualFieldIsKrigedAndBeatsNoCorrection() throws {
        // A 0.5 °C wave of 4 km wavelength (a district the predictors miss), plus 0.05 °C of sensor noise.
        let points = Self.sites { x, y, k in 0.5 * sin(2 * .pi * x / 4000) * cos(2 * .pi * y / 4000) + 0.05 * Self.noise(k) }
        let surface = try #require(ResidualSurface.fit(points))
        #expect(surface.crossValidatedRMSE < 0.7 * surface.uncorrectedRMSE, "\(surface.crossValidatedRMSE) vs \(surface.uncorrectedRMSE)")
        // Between sites it follows the wave (within the noise and the kriging smoothing).
        let truth = 0.5 * sin(2 * .pi * 1500 / 4000) * cos(2 * .pi * 1000 / 4000)
        #expect(abs(surface.value(x: 1500, y: 1000) - truth) < 0.15, "at (1500, 1000): \(surface.value(x: 1500, y: 1000)) vs \(truth)")
        // Far from every site it fades to the uncorrected model (mean-zero simple kriging).
        #expect(abs(surface.value(x: 30_000, y: 30_000)) < 1e-6)
    }

    @Test func independentNoiseIsNotInterpolated() {
        let points = Self.sites { _, _, k in 0.1 * Self.noise(k) }
        #expect(ResidualSurface.fit(points) == nil, "sensor noise is not a field: kriging cannot predict a left-out site")
    }

    @Test func anInterpolatedResidualShiftsTheAirAndLandsInTheResidualTerm() {
        let layers = Scenes.openGround(albedo: 0.12)
        let plain = Scenes.field(layers, hours: [15], regime: .day)
        let shifted = ComfortField.window(layers: layers, parkInfluence: Plane(width: layers.width, height: layers.height), cellSize: 2,
                                          hours: [Scenes.hotDay(15)], regime: .day, coefficients: ModelCoefficients(),
                                          airResidual: Plane(width: layers.width, height: layers.height, value: 1))
        #expect(abs(Double(shifted.airAnomaly[80, 80] - plain.airAnomaly[80, 80]) - 1) < 1e-5, "+1 °C of air")
        // UTCI rises with air temperature by about 1 °C per °C at 35 °C, little wind and the sun (Bröde et al.).
        let rise = Double(shifted.ictu[80, 80] - plain.ictu[80, 80])
        #expect(rise > 0.7 && rise < 1.4, "ICTU rise \(rise)")
        let residualRise = Double(shifted.terms[.residual]![80, 80] - plain.terms[.residual]![80, 80])
        // The other terms move only through their partial's change over the 1 K (UTCI's curvature in Ta times their
        // few °C): a few hundredths, whichever way the table's gradient is read.
        #expect(abs(residualRise - rise) < 0.03, "the rise is carried by the residual term")
        let sum = shifted.terms.values.reduce(0.0) { $0 + Double($1[80, 80]) }
        #expect(abs(sum - Double(shifted.ictu[80, 80])) < 1e-3)
    }
}
