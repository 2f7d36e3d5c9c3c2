import Foundation
import Testing
@testable import Model

@Suite struct TimestampTests {
    @Test func offsetsAreApplied() throws {
        let z = try Timestamp.parse("2022-07-18T12:00:00Z")
        #expect(try Timestamp.parse("2022-07-18T14:00:00+02:00") == z)
        #expect(try Timestamp.parse("2022-07-18T14:00+0200") == z)
        #expect(z == 1_658_145_600) // date -u -d 2022-07-18T12:00:00Z +%s
    }

    @Test func timeWithoutOffsetIsRefused() {
        #expect(throws: Timestamp.ParseError.missingOffset("2022-07-18T14:00:00")) { try Timestamp.parse("2022-07-18T14:00:00") }
        #expect(throws: Timestamp.ParseError.self) { try Timestamp.parse("18/07/2022 14:00") }
        #expect(throws: Timestamp.ParseError.self) { try Timestamp.parse("2022-13-18T14:00:00Z") }
    }

    @Test func parisIsCESTInSummer() throws {
        let clock = try LocalClock(identifier: "Europe/Paris")
        let t = try Timestamp.parse("2022-07-18T12:00:00Z")
        #expect(clock.offsetSeconds(at: t) == 7200)
        #expect(clock.localDayAndHour(t).hour == 14)
    }
}

@Suite struct SolarAndHumidityTests {
    @Test func solarNoonElevationAtBordeauxOnTheSolstice() {
        // Declination on 21 June ≈ +23.44°: noon elevation = 90 − 44.84 + 23.44 ≈ 68.6° (±0.2).
        // Solar noon at −0.58° E is ≈ 12:02 UTC (equation of time ≈ −1.7 min on 21 June).
        let noon = 1_655_812_800 + 2 * 60 + 20 // 2022-06-21T12:02:20Z
        let sun = SolarPosition(utcSeconds: noon, latitude: 44.84, longitude: -0.58)
        #expect(abs(sun.elevationDegrees - 68.6) < 0.2)
        #expect(abs(sun.azimuthDegrees - 180) < 2)
        // Morning sun is in the east, evening sun in the west.
        #expect(SolarPosition(utcSeconds: noon - 4 * 3600, latitude: 44.84, longitude: -0.58).azimuthDegrees < 180)
        #expect(SolarPosition(utcSeconds: noon + 4 * 3600, latitude: 44.84, longitude: -0.58).azimuthDegrees > 180)
    }

    @Test func saturationVapourPressureMatchesTables() {
        // WMO tables: 6.112 hPa at 0 °C, 23.39 at 20 °C, 42.46 at 30 °C.
        #expect(abs(Humidity.saturationVapourPressure(celsius: 0) - 6.112) < 0.01)
        #expect(abs(Humidity.saturationVapourPressure(celsius: 20) - 23.39) < 0.05)
        #expect(abs(Humidity.saturationVapourPressure(celsius: 30) - 42.46) < 0.1)
        let e = Humidity.vapourPressure(celsius: 25, relativeHumidity: 60)
        #expect(abs(Humidity.relativeHumidity(celsius: 25, vapourPressure: e) - 60) < 1e-9)
    }
}

@Suite struct QualityControlTests {
    /// Two sensors of one site following the reference + 1 °C with small noise, over `days` days.
    func makeNetwork(days: Int = 20) -> (SensorNetwork, ReferenceSeries) {
        let hours = days * 24
        var reference = ReferenceSeries(startHour: 0, hours: hours)
        var a = HourlySeries(hours: hours), b = HourlySeries(hours: hours)
        for i in 0..<hours {
            let h = Double(i % 24)
            reference.temperature[i] = Float(22 + 8 * sin((h - 9) / 24 * 2 * .pi))
            reference.radiation[i] = Float(max(0, 900 * sin((h - 6) / 14 * .pi)))
            reference.humidity[i] = 60
            let wobble = Float(0.1 * sin(Double(i) * 1.7))
            a.temperature[i] = reference.temperature[i] + 1 + wobble
            b.temperature[i] = reference.temperature[i] + 1.1 - wobble
            a.humidity[i] = 60; b.humidity[i] = 61
        }
        let stations = [Station(id: "A", site: "s", commune: "c", longitude: 0, latitude: 0, heightMetres: 3),
                        Station(id: "B", site: "s", commune: "c", longitude: 0, latitude: 0, heightMetres: 3)]
        return (SensorNetwork(stations: stations, startHour: 0, hours: hours, series: ["A": a, "B": b]), reference)
    }

    @Test func cleanSensorsAreNotFlagged() {
        let (network, reference) = makeNetwork()
        let (_, report) = QualityControl.run(network, reference: reference)
        for id in ["A", "B"] {
            let r = report.sensors[id]!
            #expect(r.count(.spike) == 0 && r.count(.flatLine) == 0 && r.count(.radiationBias) == 0 && !r.rejected)
        }
    }

    @Test func plantedFaultsAreFlagged() {
        var (network, reference) = makeNetwork()
        network.series["A"]!.temperature[100] += 12                       // a spike
        for i in 200..<210 { network.series["A"]!.temperature[i] = 25.5 } // stuck for 10 h
        for i in 0..<network.hours { network.series["B"]!.temperature[i] += 3 * reference.radiation[i] / 1000 } // sun-heated
        network.series["B"]!.humidity[50] = 104
        reference.temperature[300] = .nan
        let (cleaned, report) = QualityControl.run(network, reference: reference)
        #expect(report.sensors["A"]!.count(.spike) == 1 && cleaned.series["A"]!.temperature[100].isNaN)
        #expect(report.sensors["A"]!.count(.flatLine) == 10)
        #expect(report.sensors["B"]!.count(.humidityOver100) == 1)
        let bias = report.sensors["B"]!.radiationBiasCelsius!
        #expect(abs(bias - 2.4) < 0.3, "3 °C per 1000 W/m² is 2.4 °C at 800 W/m², got \(bias)")
        #expect(report.sensors["B"]!.count(.radiationBias) > 0 && !report.sensors["B"]!.rejected)
        #expect(report.sensors["A"]!.expectedHours == network.hours - 1, "hours without reference are not expected")
    }
}

