import Foundation
import Testing
@testable import Model

@Suite struct UTCITests {
    /// Reference values of the UTCI_a002 polynomial: pythermalcomfort's test table (rounded to 0.1 °C) and
    /// ladybug-comfort's (to 1 %), both evaluating Bröde et al.'s operational procedure.
    @Test(arguments: [
        (25.0, 27.0, 1.0, 50.0, 25.2), (19, 24, 1, 50, 20.0), (19, 14, 1, 50, 16.8), (27, 22, 1, 50, 25.5),
        (27, 22, 10, 50, 20.0), (27, 22, 16, 50, 15.8), (20, 20, 3, 50, 16.24224), (30, 30, 0.5, 90, 35.511294),
    ])
    func matchesPublishedValues(ta: Double, tmrt: Double, wind: Double, rh: Double, expected: Double) throws {
        let utci = try UTCI.value(airTemperature: ta, meanRadiantTemperature: tmrt, wind: wind, relativeHumidity: rh)
        #expect(abs(utci - expected) < 0.1, "UTCI(\(ta), \(tmrt), \(wind), \(rh)) = \(utci), published \(expected)")
    }

    @Test func outsideValidityIsSaidNotInvented() {
        #expect(throws: UTCI.Invalid.airTemperature(51)) { try UTCI.value(airTemperature: 51, meanRadiantTemperature: 22, wind: 16, relativeHumidity: 50) }
        #expect(throws: UTCI.Invalid.wind(0)) { try UTCI.value(airTemperature: 27, meanRadiantTemperature: 22, wind: 0, relativeHumidity: 50) }
        #expect(throws: UTCI.Invalid.radiantDifference(75)) { try UTCI.value(airTemperature: 20, meanRadiantTemperature: 95, wind: 1, relativeHumidity: 50) }
    }

    @Test func radiantSensitivityIsAboutAQuarter() {
        // docs/model.md: ∂UTCI/∂Tmrt ≈ 0.25 in warm, calm conditions — the basis of the 75 % shade / 25 % air split.
        let a = UTCI.polynomialValue(ta: 30, wind: 1, radiantDifference: 30, vapourPressureKPa: 1.6)
        let b = UTCI.polynomialValue(ta: 30, wind: 1, radiantDifference: 6, vapourPressureKPa: 1.6)
        let slope = (a - b) / 24
        #expect(slope > 0.2 && slope < 0.35, "slope \(slope)")
    }

    @Test func heatStressClassesFollowTheUTCIScale() {
        #expect(UTCI.StressClass(utci: 25.9) == .none)
        #expect(UTCI.StressClass(utci: 26) == .moderateHeat)
        #expect(UTCI.StressClass(utci: 37.9) == .strongHeat)
        #expect(UTCI.StressClass(utci: 46.1) == .extremeHeat)
        #expect(UTCI.StressClass(utci: -13.5) == .strongCold)
    }
}

@Suite struct OtherIndicesTests {
    @Test func humidexMatchesEnvironmentCanadasTable() {
        // Environment Canada: 30 °C with a 15 °C dew point gives a humidex of 34; with a 25 °C dew point, 42.
        for (ta, dewPoint, expected) in [(30.0, 15.0, 34.0), (30, 25, 42)] {
            let rh = Humidity.relativeHumidity(celsius: ta, vapourPressure: Humidity.saturationVapourPressure(celsius: dewPoint))
            #expect(abs(ComfortIndices.humidex(airTemperature: ta, relativeHumidity: rh) - expected) < 0.6)
        }
    }

    @Test func heatIndexMatchesTheNWSChart() {
        // NWS heat index chart: 90 °F at 50 % → 95 °F; 100 °F at 40 % → 109 °F; 80 °F at 40 % → 80 °F.
        for (f, rh, expectedF) in [(90.0, 50.0, 95.0), (100, 40, 109), (80, 40, 80)] {
            let hi = ComfortIndices.heatIndex(airTemperature: (f - 32) * 5 / 9, relativeHumidity: rh) * 9 / 5 + 32
            #expect(abs(hi - expectedF) < 1.0, "\(f) °F, \(rh) % → \(hi) °F")
        }
        // The low-humidity adjustment lowers the regression (NWS: RH < 13 %, 80–112 °F).
        let dry = ComfortIndices.heatIndex(airTemperature: (100 - 32) * 5 / 9, relativeHumidity: 5)
        #expect(dry * 9 / 5 + 32 < 95)
    }

    @Test func apparentTemperatureMatchesSteadman() {
        // BoM formula: 25 °C, 30 %, 0.1 m/s → 25 + 0.33·9.5 − 0.07 − 4 ≈ 24.1 °C.
        #expect(abs(ComfortIndices.apparentTemperature(airTemperature: 25, relativeHumidity: 30, wind: 0.1) - 24.1) < 0.1)
    }
}
