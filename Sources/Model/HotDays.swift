import Foundation

/// Hot days and the composite hot day (docs/model.md, Conventions): a local date (with ≥ 18 hours of data) whose
/// reference maximum is ≥ threshold; for each local hour, the median over hot days of the reference weather; the sun of the median
/// hot date. Night hours 00–06 come from the day after each hot day.
public struct HotDays: Sendable {
    public let threshold: Double
    /// Local dates (days since 1970-01-01) that qualify.
    public let days: [Int]
    /// The composite day's 24 hours.
    public let composite: [HourConditions]
    public let medianDate: Int

    public init(reference: ReferenceSeries, clock: LocalClock, latitude: Double, longitude: Double, threshold: Double = 30) {
        self.threshold = threshold
        var maxima: [Int: Float] = [:], validHours: [Int: Int] = [:]
        var byDayHour: [Int: [Int: Int]] = [:] // day → local hour → series index
        for i in 0..<reference.hours {
            let utc = (reference.startHour + i) * 3600
            let (day, hour) = clock.localDayAndHour(utc)
            byDayHour[day, default: [:]][hour] = i
            let t = reference.temperature[i]
            if !t.isNaN { maxima[day] = max(maxima[day] ?? -.infinity, t); validHours[day, default: 0] += 1 }
        }
        // A day is judged only with at least 18 of its 24 hours (a partial day's maximum says little).
        days = maxima.filter { Double($0.value) >= threshold && validHours[$0.key, default: 0] >= 18 }.map(\.key).sorted()
        medianDate = days.isEmpty ? 0 : days[days.count / 2]
        func median(_ values: [Float]) -> Double {
            let v = values.filter { !$0.isNaN }.sorted()
            return v.isEmpty ? .nan : Double(v[v.count / 2])
        }
        let noonUTC = medianDate * 86400 + 12 * 3600 - clock.offsetSeconds(at: medianDate * 86400)
        var peak = 0.0
        for minute in stride(from: -180, through: 180, by: 5) {
            peak = max(peak, SolarPosition(utcSeconds: noonUTC + minute * 60, latitude: latitude, longitude: longitude).elevationDegrees)
        }
        var hours: [HourConditions] = []
        for hour in 0..<24 {
            let source = days.compactMap { byDayHour[hour < 7 ? $0 + 1 : $0]?[hour] }
            let t = median(source.map { reference.temperature[$0] })
            let rh = median(source.map { reference.humidity[$0] })
            let utc = medianDate * 86400 + hour * 3600 - clock.offsetSeconds(at: medianDate * 86400 + hour * 3600)
            let sun = SolarPosition(utcSeconds: utc, latitude: latitude, longitude: longitude)
            hours.append(HourConditions(localHour: hour, airTemperature: t,
                                        vapourPressure: t.isNaN || rh.isNaN ? .nan : Humidity.vapourPressure(celsius: t, relativeHumidity: rh),
                                        wind: median(source.map { reference.wind[$0] }), radiation: median(source.map { reference.radiation[$0] }),
                                        sunElevationDegrees: sun.elevationDegrees, sunAzimuthDegrees: sun.azimuthDegrees, dayMaxElevationDegrees: peak))
        }
        composite = hours
    }

    /// The composite day's conditions at these local hours, leaving out hours the reference cannot give
    /// (e.g. no morning after the last hot day).
    public func conditions(at localHours: [Int]) -> [HourConditions] {
        localHours.map { composite[$0] }.filter { $0.airTemperature.isFinite && $0.vapourPressure.isFinite && $0.wind.isFinite }
    }

    /// Where the run's sun is computed: the node of a 0.25° longitude–latitude lattice nearest the grid's centre.
    /// One sun for the run keeps a cell's shadows independent of the block it is computed in, and a fixed node
    /// keeps them independent of the extent (a district and its city share the node). Within 0.125° of the node
    /// the sun's true azimuth and elevation differ by under 0.3°: a 30 m building's shadow edge moves < 0.2 m.
    public static func sunNode(longitude: Double, latitude: Double) -> (longitude: Double, latitude: Double) {
        ((longitude * 4).rounded() / 4, (latitude * 4).rounded() / 4)
    }

    /// Local hours of the model's windows.
    public static let dayHours = [14, 15, 16, 17]
    public static let nightHours = [22, 23, 0, 1, 2, 3, 4, 5, 6]
}
