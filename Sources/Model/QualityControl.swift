/// What QC can say about a value or a sensor. Every flagged value is counted; none is dropped silently.
public enum QCFlag: String, CaseIterable, Codable, Sendable {
    /// An hour the reference station covers for which the sensor gave no temperature.
    case missing
    /// Exact duplicate row (kept once).
    case duplicate
    /// Two rows for the same time with different values (both dropped).
    case conflictingDuplicate = "conflicting_duplicate"
    /// Temperature outside the plausible range.
    case outOfRange = "out_of_range"
    /// Relative humidity above 100 % (humidity dropped, temperature kept).
    case humidityOver100 = "rh_over_100"
    /// Isolated jump away from both neighbours.
    case spike
    /// The same reading for many hours in a row (stuck sensor).
    case flatLine = "flat_line"
    /// Daytime readings warmed by sunshine (badly shielded sensor): dropped when the sun is up.
    case radiationBias = "radiation_bias"
}

/// QC thresholds, each documented and overridable.
public struct QCSettings: Sendable, Codable {
    /// Plausible air temperature range, °C.
    public var minimumCelsius: Float = -30
    public var maximumCelsius: Float = 55
    /// A spike departs from the median of the ±3 h neighbours by more than this, and from each adjacent hour by more than `spikeStepCelsius`.
    public var spikeCelsius: Float = 4
    public var spikeStepCelsius: Float = 3
    /// Identical readings for at least this many consecutive hours make a flat line.
    public var flatLineHours = 6
    /// A sensor is radiation-biased when its sunny-hours excess over its site mates grows by more than
    /// this at 800 W/m² (regression on global radiation).
    public var radiationBiasCelsiusAt800: Double = 1.0
    /// Hours with global radiation above this are "sunny" for the bias test and its removal, W/m².
    public var sunnyRadiation: Float = 50
    /// A sensor keeping less than this share of its expected hours is rejected from calibration.
    public var minimumKeptShare: Double = 0.5
    public init() {}
}

/// QC outcome for one sensor.
public struct SensorQC: Codable, Sendable, Equatable {
    public var counts: [String: Int]
    /// Estimated warm bias at 800 W/m², °C (from the regression against the site mates).
    public var radiationBiasCelsius: Double?
    public var keptHours: Int
    public var expectedHours: Int
    public var rejected: Bool

    public func count(_ flag: QCFlag) -> Int { counts[flag.rawValue] ?? 0 }
}

public struct QCReport: Codable, Sendable {
    public var sensors: [String: SensorQC]
    public var settings: QCSettings

    public func total(_ flag: QCFlag) -> Int { sensors.values.reduce(0) { $0 + $1.count(flag) } }
    public var rejectedSensors: [String] { sensors.filter(\.value.rejected).map(\.key).sorted() }
    public func sensors(flagged flag: QCFlag) -> [String] { sensors.filter { $0.value.count(flag) > 0 }.map(\.key).sorted() }
}

/// Quality control of the street sensors against the reference station.
public enum QualityControl {
    /// Returns the cleaned network (flagged values set to NaN) and the per-sensor, per-flag report.
    /// `reference` must be on the same hourly clock as `network`.
    public static func run(_ network: SensorNetwork, reference: ReferenceSeries, settings: QCSettings = QCSettings()) -> (SensorNetwork, QCReport) {
        precondition(reference.startHour == network.startHour && reference.hours == network.hours, "reference and sensors must share one clock")
        var cleaned = network
        var reports: [String: SensorQC] = [:]
        // Per-sensor checks that need no other sensor.
        for station in network.stations {
            guard var s = network.series[station.id] else { continue }
            var counts = Dictionary(uniqueKeysWithValues: QCFlag.allCases.map { ($0.rawValue, 0) })
            counts[QCFlag.duplicate.rawValue] = network.duplicateRows[station.id] ?? 0
            counts[QCFlag.conflictingDuplicate.rawValue] = network.conflictingRows[station.id] ?? 0
            for i in 0..<s.temperature.count {
                let t = s.temperature[i]
                if !t.isNaN, t < settings.minimumCelsius || t > settings.maximumCelsius {
                    s.temperature[i] = .nan; counts[QCFlag.outOfRange.rawValue]! += 1
                }
                let h = s.humidity[i]
                if !h.isNaN, h > 100 { s.humidity[i] = .nan; counts[QCFlag.humidityOver100.rawValue]! += 1 }
                else if !h.isNaN, h < 0 { s.humidity[i] = .nan; counts[QCFlag.outOfRange.rawValue]! += 1 }
            }
            counts[QCFlag.flatLine.rawValue] = removeFlatLines(&s, minimumHours: settings.flatLineHours)
            counts[QCFlag.spike.rawValue] = removeSpikes(&s, reference: reference.temperature, settings: settings)
            cleaned.series[station.id] = s
            reports[station.id] = SensorQC(counts: counts, radiationBiasCelsius: nil, keptHours: 0, expectedHours: network.hours, rejected: false)
        }
        // Radiation bias: needs the site mates (or the network) as a comparison.
        let bias = radiationBias(cleaned, reference: reference)
        for station in network.stations {
            guard var report = reports[station.id], var s = cleaned.series[station.id] else { continue }
            report.radiationBiasCelsius = bias[station.id]
            if let b = bias[station.id], b > settings.radiationBiasCelsiusAt800 {
                var removed = 0
                for i in 0..<s.temperature.count where !s.temperature[i].isNaN && reference.radiation[i] > settings.sunnyRadiation {
                    s.temperature[i] = .nan; removed += 1
                }
                report.counts[QCFlag.radiationBias.rawValue] = removed
                cleaned.series[station.id] = s
            }
            let kept = s.validTemperatureCount
            report.keptHours = kept
            // Expected hours: those the reference station covers (the campaign), not the whole clock.
            let raw = network.series[station.id]!.temperature
            var expected = 0, missing = 0
            for i in 0..<network.hours where !reference.temperature[i].isNaN {
                expected += 1
                if raw[i].isNaN { missing += 1 }
            }
            report.counts[QCFlag.missing.rawValue] = missing
            report.expectedHours = expected
            // A radiation-biased sensor is restricted to the night, not rejected: its share is counted on the hours it is trusted for.
            let trusted = expected - report.count(.radiationBias)
            report.rejected = Double(kept) < settings.minimumKeptShare * Double(trusted)
            reports[station.id] = report
        }
        return (cleaned, QCReport(sensors: reports, settings: settings))
    }

    static func removeFlatLines(_ s: inout HourlySeries, minimumHours: Int) -> Int {
        var removed = 0
        var runStart = 0
        let t = s.temperature
        func close(_ end: Int) {
            if end - runStart >= minimumHours {
                for j in runStart..<end { s.temperature[j] = .nan; s.humidity[j] = .nan }
                removed += end - runStart
            }
        }
        for i in 1...t.count {
            if i < t.count, !t[i].isNaN, t[i] == t[i - 1] { continue }
            close(i)
            runStart = i
        }
        return removed
    }

    static func removeSpikes(_ s: inout HourlySeries, reference: [Float], settings: QCSettings) -> Int {
        let t = s.temperature
        var removed = 0
        for i in 1..<max(1, t.count - 1) {
            let x = t[i]
            guard !x.isNaN, !t[i - 1].isNaN, !t[i + 1].isNaN else { continue }
            let up = x - t[i - 1], down = x - t[i + 1]
            guard abs(up) > settings.spikeStepCelsius, abs(down) > settings.spikeStepCelsius, (up > 0) == (down > 0) else { continue }
            // Compare anomalies to the reference so that the diurnal cycle is not taken for a spike.
            var neighbours: [Float] = []
            for j in max(0, i - 3)...min(t.count - 1, i + 3) where j != i && !t[j].isNaN && !reference[j].isNaN {
                neighbours.append(t[j] - reference[j])
            }
            guard neighbours.count >= 3, !reference[i].isNaN else { continue }
            neighbours.sort()
            let median = neighbours[neighbours.count / 2]
            if abs((x - reference[i]) - median) > settings.spikeCelsius {
                s.temperature[i] = .nan
                removed += 1
            }
        }
        return removed
    }

    /// Slope of (sensor − comparison) against global radiation in sunny hours, times 800 W/m².
    /// Comparison: the median of the other sensors of the site, else the median anomaly of the network.
    static func radiationBias(_ network: SensorNetwork, reference: ReferenceSeries) -> [String: Double] {
        let bySite = Dictionary(grouping: network.stations, by: \.site)
        var result: [String: Double] = [:]
        var networkMedian = [Float](repeating: .nan, count: network.hours)
        for i in 0..<network.hours {
            var values: [Float] = network.stations.compactMap { st in
                guard let v = network.series[st.id]?.temperature[i], !v.isNaN else { return nil }
                return v
            }
            guard values.count >= 3 else { continue }
            values.sort()
            networkMedian[i] = values[values.count / 2]
        }
        for station in network.stations {
            guard let own = network.series[station.id] else { continue }
            let mates = (bySite[station.site] ?? []).filter { $0.id != station.id }.compactMap { network.series[$0.id] }
            var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0, n = 0.0
            for i in 0..<network.hours {
                let g = reference.radiation[i]
                guard !g.isNaN, g > 50, !own.temperature[i].isNaN else { continue }
                var comparison: Float
                if mates.isEmpty {
                    comparison = networkMedian[i]
                } else {
                    let values = mates.map { $0.temperature[i] }.filter { !$0.isNaN }.sorted()
                    guard !values.isEmpty else { continue }
                    comparison = values[values.count / 2]
                }
                guard !comparison.isNaN else { continue }
                let x = Double(g), y = Double(own.temperature[i] - comparison)
                sx += x; sy += y; sxx += x * x; sxy += x * y; n += 1
            }
            guard n >= 48 else { continue }
            let denominator = n * sxx - sx * sx
            guard denominator > 0 else { continue }
            result[station.id] = (n * sxy - sx * sy) / denominator * 800
        }
        return result
    }
}
