import Foundation
import Model

/// A rural reference station (like Bordeaux-Mérignac) over June–September 2021 and 2022, hourly, with the
/// heatwaves of those summers: mid-August 2021; 15–18 June, 12–19 July (peak 18 July) and 1–12 August 2022.
struct SyntheticWeather {
    let random: DeterministicRandom
    let latitude: Double, longitude: Double
    let clock: LocalClock

    /// The campaign days, as days since 1970-01-01 (local dates).
    static let summers: [(start: (Int, Int, Int), end: (Int, Int, Int))] = [((2021, 6, 1), (2021, 9, 30)), ((2022, 6, 1), (2022, 9, 30))]

    static var campaignDays: [Int] {
        summers.flatMap { s in
            Array(Timestamp.daysFromCivil(year: s.start.0, month: s.start.1, day: s.start.2)...Timestamp.daysFromCivil(year: s.end.0, month: s.end.1, day: s.end.2))
        }
    }

    /// Heatwave bump on the daily maximum, °C.
    func heatwave(day: Int) -> Double {
        let (y, m, d) = Timestamp.civil(fromDays: day)
        func bump(_ peakMonth: Int, _ peakDay: Int, _ halfWidth: Double, _ height: Double) -> Double {
            let peak = Timestamp.daysFromCivil(year: y, month: peakMonth, day: peakDay)
            let x = Double(Timestamp.daysFromCivil(year: y, month: m, day: d) - peak) / halfWidth
            return height * exp(-x * x)
        }
        if y == 2021 { return bump(8, 13, 2.5, 9) + bump(6, 17, 1.5, 5) }
        return bump(6, 17, 1.8, 11) + bump(7, 17, 3.0, 13) + bump(8, 6, 4.0, 8)
    }

    /// Daily maximum and minimum, °C, and the day's vapour pressure (hPa), wind (m/s) and cloudiness (0–1).
    func daily(_ day: Int) -> (tmax: Double, tmin: Double, vapour: Double, wind: Double, cloud: Double) {
        let (_, m, d) = Timestamp.civil(fromDays: day)
        let seasonal = 24.5 + 2.5 * sin(Double.pi * (Double((m - 6) * 30 + d) / 122))
        // A slowly varying anomaly: sum of two smooth random waves (days).
        let a = 2.2 * sin(Double(day) / 3.1 + 6 * random.uniform(91)) + 1.6 * sin(Double(day) / 7.3 + 6 * random.uniform(92))
        let noise = 1.2 * random.normal(93, day)
        let hw = heatwave(day: day)
        let tmax = seasonal + a + noise + hw
        let cloud = hw > 3 ? 0.05 : min(0.9, max(0, 0.3 + 0.3 * random.normal(94, day)))
        let range = 11 + 3 * (1 - cloud) + 0.8 * random.normal(95, day)
        let vapour = 14 + 1.5 * random.normal(96, day) + 0.15 * hw
        let wind = max(0.8, 3.2 - 0.12 * hw + 0.8 * random.normal(97, day))
        return (tmax, tmax - range, vapour, wind, cloud)
    }

    struct Hour { var temperature: Double; var humidity: Double; var wind: Double; var radiation: Double; var elevation: Double }

    /// The station's values at a UTC hour.
    func hour(utcSeconds t: Int) -> Hour {
        let (day, _) = clock.localDayAndHour(t)
        let h = clock.localHour(t)
        let today = daily(day)
        // Diurnal cycle: minimum at 06 h, maximum at 16 h local, cosine rise and exponential-ish night cooling.
        let temperature: Double
        if h >= 6 && h <= 16 {
            temperature = today.tmin + (today.tmax - today.tmin) * (1 - cos(Double.pi * (h - 6) / 10)) / 2
        } else {
            let next = daily(h > 16 ? day + 1 : day)
            let previous = h > 16 ? today : daily(day - 1)
            let hoursSince = h > 16 ? h - 16 : h + 8
            let end = next.tmin
            let start = previous.tmax
            temperature = end + (start - end) * (1 - hoursSince / 14) * exp(-hoursSince / 14 * 0.8)
        }
        let sun = SolarPosition(utcSeconds: t, latitude: latitude, longitude: longitude)
        let clearSky = sun.elevationDegrees > 0 ? 1050 * pow(sin(sun.elevationDegrees * Double.pi / 180), 1.2) : 0
        let radiation = clearSky * (1 - 0.7 * today.cloud)
        let vapour = today.vapour + 0.4 * sin(2 * Double.pi * (h - 9) / 24)
        let humidity = min(99, Humidity.relativeHumidity(celsius: temperature, vapourPressure: vapour))
        let windHour = today.wind * (h >= 10 && h <= 19 ? 1.2 : 0.7)
        return Hour(temperature: temperature, humidity: humidity, wind: windHour, radiation: radiation, elevation: sun.elevationDegrees)
    }

    /// Weight of the day regime at a local hour: 1 from 10 to 19 h, 0 from 21 to 08 h, linear ramps between.
    static func dayWeight(localHour h: Double) -> Double {
        switch h {
        case 10...19: return 1
        case 8..<10: return (h - 8) / 2
        case 19..<21: return 1 - (h - 19) / 2
        default: return 0
        }
    }
}
