import Foundation

/// A sensor's (or site's) window signature: the median over qualifying days of its daily window-mean anomalies.
public struct Signature: Sendable, Codable {
    public var deltaTemperature: Double
    public var deltaVapourPressure: Double
    public var days: Int
    public init(deltaTemperature: Double, deltaVapourPressure: Double, days: Int) {
        self.deltaTemperature = deltaTemperature; self.deltaVapourPressure = deltaVapourPressure; self.days = days
    }
}

public enum Signatures {
    /// Per-sensor signatures for one regime, over the hot days (optionally only those of one summer/year).
    /// Day: local hours 14–17 of each hot day; night: 22–23 h of the hot day and 00–06 h of the next.
    /// A day counts when at least 3 of its 4 day hours (6 of 9 night hours) are valid.
    public static func perSensor(_ network: SensorNetwork, reference: ReferenceSeries, clock: LocalClock, hotDays: [Int],
                                 regime: Regime, year: Int? = nil) -> [String: Signature] {
        var indexOf: [Int: Int] = [:] // local day*24+hour → series index
        for i in 0..<reference.hours {
            let (day, hour) = clock.localDayAndHour((reference.startHour + i) * 3600)
            indexOf[day * 24 + hour] = i
        }
        let days = hotDays.filter { year == nil || Timestamp.civil(fromDays: $0).year == year }
        var result: [String: Signature] = [:]
        for station in network.stations {
            guard let series = network.series[station.id] else { continue }
            var dailyT: [Double] = [], dailyE: [Double] = []
            for day in days {
                let slots = regime == .day ? HotDays.dayHours.map { day * 24 + $0 }
                    : [day * 24 + 22, day * 24 + 23] + (0...6).map { (day + 1) * 24 + $0 }
                var sumT = 0.0, nT = 0, sumE = 0.0, nE = 0
                for slot in slots {
                    guard let i = indexOf[slot] else { continue }
                    let t = series.temperature[i], tr = reference.temperature[i]
                    guard !t.isNaN, !tr.isNaN else { continue }
                    sumT += Double(t - tr); nT += 1
                    let h = series.humidity[i], hr = reference.humidity[i]
                    if !h.isNaN, !hr.isNaN {
                        sumE += Humidity.vapourPressure(celsius: Double(t), relativeHumidity: Double(h)) - Humidity.vapourPressure(celsius: Double(tr), relativeHumidity: Double(hr))
                        nE += 1
                    }
                }
                let needed = regime == .day ? 3 : 6
                if nT >= needed { dailyT.append(sumT / Double(nT)) }
                if nE >= needed { dailyE.append(sumE / Double(nE)) }
            }
            guard dailyT.count >= 3 else { continue }
            result[station.id] = Signature(deltaTemperature: median(dailyT), deltaVapourPressure: dailyE.isEmpty ? .nan : median(dailyE), days: dailyT.count)
        }
        return result
    }

    public static func median(_ values: [Double]) -> Double {
        let v = values.sorted()
        guard !v.isEmpty else { return .nan }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }
}
