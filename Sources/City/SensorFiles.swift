import Foundation
import GeoIO
import Grid
import Model

/// A sensor placed on the analysis grid.
public struct PlacedStation: Sendable {
    public var station: Station
    public var x: Double, y: Double
    public var col: Int, row: Int
}

/// Reading the sensor network's files (data contract: sensors.csv, measurements, reference station).
public enum SensorFiles {
    /// Reads `sensors.csv` and places each sensor on the grid. Duplicate ids are errors. Sensors off the grid (a district
    /// run of a metropolitan network) are left out of this run and returned by id, to be said; none on the grid is an
    /// error (the coordinates are likely wrong).
    /// `reach`: a larger grid holding `grid` (the run's surroundings, where the inputs cover): sensors in it are placed
    /// too (their col and row, on `grid`'s cells, then fall outside it) and listed in `around`.
    public static func readStations(path: String, displayName: String, grid: GridSpec, reach: GridSpec? = nil)
        throws -> (placed: [PlacedStation], outside: [String], around: [String]) {
        let required = ["sensor_id", "site_id", "commune", "lon", "lat", "height_m"]
        let csv = try CSVReader(path: path, displayName: displayName, required: required)
        // Made at the first row that reaches it (a PROJ transform costs milliseconds; a file refused earlier needs none).
        var transform: CoordinateTransform? = nil
        var placed: [PlacedStation] = []
        var outside: [String] = [], around: [String] = []
        var firstOutside: CityInputError? = nil
        var seen: [String: Int] = [:]
        while let row = try csv.next() {
            let id = row.text("sensor_id").trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty else { throw CityInputError(file: displayName, location: "line \(row.line), column sensor_id", problem: "empty sensor id") }
            if let first = seen[id] {
                throw CityInputError(file: displayName, location: "line \(row.line)", problem: "sensor id '\(id)' already used on line \(first)", fix: "each sensor needs its own id")
            }
            seen[id] = row.line
            let lon = try row.number("lon", allowEmpty: false)!, lat = try row.number("lat", allowEmpty: false)!
            guard (-180...180).contains(lon), (-90...90).contains(lat) else {
                throw CityInputError(file: displayName, location: "line \(row.line)", problem: "lon \(lon), lat \(lat) are not WGS 84 degrees",
                                     fix: "sensors.csv takes longitude and latitude in degrees (EPSG:4326)")
            }
            if transform == nil { transform = try CoordinateTransform(from: "EPSG:4326", to: grid.crs) }
            guard let (x, y) = try? transform!.transform(x: lon, y: lat), (reach ?? grid).contains(x: x, y: y) else {
                outside.append(id)
                firstOutside = firstOutside ?? CityInputError(file: displayName, location: "line \(row.line), sensor \(id)",
                                     problem: "lon \(lon), lat \(lat) is outside the analysis grid (\(Int(grid.minX)), \(Int(grid.minY))) – (\(Int(grid.maxX)), \(Int(grid.maxY))) in \(grid.crs), and so is every sensor",
                                     fix: "check the coordinates (lon/lat swapped?) or widen grid.extent in the manifest")
                continue
            }
            var extra: [String: String] = [:]
            for (i, name) in csv.header.enumerated() where !required.contains(name) { extra[name] = row.fields[i] }
            let height = try row.number("height_m") ?? .nan
            guard height.isNaN || (0...200).contains(height) else {
                throw CityInputError(file: displayName, location: "line \(row.line), column height_m", problem: "\(height) m is not a sensor's height above ground",
                                     fix: "metres above ground, 0–200 (street sensors stand at 2–4 m)")
            }
            let station = Station(id: id, site: row.text("site_id"), commune: row.text("commune"), longitude: lon, latitude: lat,
                                  heightMetres: height, extra: extra)
            if !grid.contains(x: x, y: y) { around.append(id) }
            placed.append(PlacedStation(station: station, x: x, y: y, col: Int(((x - grid.originX) / grid.cellSize).rounded(.down)),
                                        row: Int(((grid.originY - y) / grid.cellSize).rounded(.down))))
        }
        if placed.isEmpty, let firstOutside { throw firstOutside }
        guard !placed.isEmpty else { throw CityInputError(file: displayName, problem: "no sensors listed") }
        return (placed, outside, around)
    }

    /// What a file's temperature and humidity columns hold, to recognise a unit mistake: kelvins or °F where °C is
    /// expected, humidity as a fraction where percent is expected. A summer's air in °C averages 10–40; in kelvins
    /// 280–320, in °F 50–105; a humidity column never above 1.5 is fractions.
    struct UnitCheck {
        var temperatureSum = 0.0, temperatureCount = 0
        var humidityMax = -Double.infinity, humidityCount = 0

        mutating func add(temperature: Double?, humidity: Double?) {
            if let t = temperature, t.isFinite { temperatureSum += t; temperatureCount += 1 }
            if let h = humidity, h.isFinite { humidityMax = max(humidityMax, h); humidityCount += 1 }
        }

        func check(file: String) throws {
            if temperatureCount > 0 {
                let mean = temperatureSum / Double(temperatureCount)
                if mean > 200 {
                    throw CityInputError(file: file, location: "column temperature_c", problem: String(format: "the temperatures look like kelvins (mean %.1f)", mean),
                                         fix: "give degrees Celsius: subtract 273.15")
                }
                if mean > 48 {
                    throw CityInputError(file: file, location: "column temperature_c", problem: String(format: "the temperatures look like degrees Fahrenheit (mean %.1f)", mean),
                                         fix: "give degrees Celsius: (°F − 32) × 5/9")
                }
            }
            if humidityCount > 0, humidityMax <= 1.5 {
                throw CityInputError(file: file, location: "column humidity_pct", problem: String(format: "the humidity looks like fractions of 1 (at most %.2f)", humidityMax),
                                     fix: "give percent (0–100): multiply by 100")
            }
        }
    }

    /// The longest reference series read (50 years of hours).
    static let maxReferenceHours = 50 * 8766

    /// Reads the reference station: hourly means on a UTC hour clock.
    public static func readReference(path: String, displayName: String) throws -> ReferenceSeries {
        let csv = try CSVReader(path: path, displayName: displayName, required: ["time", "temperature_c", "humidity_pct", "wind_ms", "global_radiation_wm2"])
        var rows: [(hour: Int, values: [Double?])] = []
        var lineOfTime: [Int: Int] = [:]
        var units = UnitCheck()
        while let row = try csv.next() {
            let time = try parseTime(row, file: displayName)
            // Rows within an hour are averaged (10-minute stations); the same time twice is a conflict.
            if let first = lineOfTime[time] {
                throw CityInputError(file: displayName, location: "line \(row.line)", problem: "time \(row.text("time")) already given on line \(first)", fix: "keep one row per time")
            }
            lineOfTime[time] = row.line
            rows.append((Int((Double(time) / 3600).rounded(.down)),
                         [try row.number("temperature_c"), try row.number("humidity_pct"), try row.number("wind_ms"), try row.number("global_radiation_wm2")]))
            units.add(temperature: rows[rows.count - 1].values[0], humidity: rows[rows.count - 1].values[1])
        }
        try units.check(file: displayName)
        guard let first = rows.map(\.hour).min(), let last = rows.map(\.hour).max() else {
            throw CityInputError(file: displayName, problem: "no data rows")
        }
        // A reference covers one or a few summers; a span of centuries is a typo in a date (and would not fit memory).
        guard last - first < maxReferenceHours else {
            throw CityInputError(file: displayName, problem: "its times span \(Int((Double(last - first) / 8766).rounded())) years", fix: "check the years of its first and last rows")
        }
        var series = ReferenceSeries(startHour: first, hours: last - first + 1)
        var sums = [[Double]](repeating: [0, 0, 0, 0], count: series.hours), counts = sums
        for (hour, values) in rows {
            for (k, v) in values.enumerated() { if let v { sums[hour - first][k] += v; counts[hour - first][k] += 1 } }
        }
        for i in 0..<series.hours {
            func mean(_ k: Int) -> Float { counts[i][k] > 0 ? Float(sums[i][k] / counts[i][k]) : .nan }
            series.temperature[i] = mean(0); series.humidity[i] = mean(1); series.wind[i] = mean(2); series.radiation[i] = mean(3)
        }
        return series
    }

    /// Reads measurement files into hourly series on the reference's clock. Unknown sensor ids, times without
    /// an offset and non-numeric values are errors naming the file and line; exact duplicate rows are counted
    /// (and kept once); conflicting duplicates are counted and dropped.
    public static func readMeasurements(files: [(path: String, displayName: String)], stations: [Station], clock reference: ReferenceSeries,
                                        leftOut: Set<String> = []) throws -> SensorNetwork {
        let ids = Dictionary(uniqueKeysWithValues: stations.enumerated().map { ($1.id, $0) })
        let hours = reference.hours
        var tSum = [[Double]](repeating: [Double](repeating: 0, count: hours), count: stations.count)
        var hSum = tSum
        var tCount = [[UInt16]](repeating: [UInt16](repeating: 0, count: hours), count: stations.count), hCount = tCount
        // The first values read at each (sensor, time): one flat table keyed by time × 2²⁰ + sensor.
        precondition(stations.count < 1 << 20, "a sensor's index fits the key")
        var seen: [Int: (Double?, Double?)] = [:]
        var duplicates: [String: Int] = [:], conflicts: [String: Int] = [:]
        var conflicting: [Int: Set<Int>] = [:]
        for file in files {
            let csv = try CSVReader(path: file.path, displayName: file.displayName, required: ["sensor_id", "time", "temperature_c", "humidity_pct"])
            let idColumn = csv.column("sensor_id"), timeColumn = csv.column("time")
            let temperatureColumn = csv.column("temperature_c"), humidityColumn = csv.column("humidity_pct")
            var units = UnitCheck()
            // Rows come sensor after sensor: the last id's bytes and what it named (its index, or nil: left out).
            var lastID: [UInt8] = [], lastStation: Int?? = .none
            try csv.forEachRawRow { fields, makeRow in
                let idBytes = fields.trimmed(idColumn)
                var station: Int?? = .none
                if let last = lastStation, idBytes.elementsEqual(lastID) { station = last }
                else if let id = String(validating: idBytes, as: UTF8.self) {
                    if let k = ids[id] { station = .some(k) } else if leftOut.contains(id) { station = .some(nil) }
                    if station != nil { lastID = Array(idBytes); lastStation = station }
                }
                if case .some(nil) = station { return } // a sensor off this run's grid
                var values: (k: Int, time: Int, temperature: Double?, humidity: Double?)
                if case .some(.some(let k)) = station, case .seconds(let time) = Timestamp.parse(utf8: fields.trimmed(timeColumn)),
                   let t = PlainNumber(fields.trimmed(temperatureColumn)).known, let h = PlainNumber(fields.trimmed(humidityColumn)).known {
                    values = (k, time, t, h)
                } else {
                    // Anything else — and every mistake, for its message — is read as text.
                    let row = try makeRow()
                    let id = row.text("sensor_id").trimmingCharacters(in: .whitespaces)
                    guard let k = ids[id] else {
                        if leftOut.contains(id) { return }
                        throw CityInputError(file: file.displayName, location: "line \(row.line)", problem: "unknown sensor id '\(id)'", fix: "every sensor_id must be listed in sensors.csv")
                    }
                    values = (k, try parseTime(row, file: file.displayName), try row.number("temperature_c"), try row.number("humidity_pct"))
                }
                let (k, time, temperature, humidity) = values
                units.add(temperature: temperature, humidity: humidity)
                let key = time &* (1 << 20) &+ k
                if let previous = seen[key] {
                    let id = stations[k].id
                    if previous.0 == temperature && previous.1 == humidity { duplicates[id, default: 0] += 1 }
                    else { conflicts[id, default: 0] += 1; conflicting[k, default: []].insert(time) }
                    return
                }
                seen[key] = (temperature, humidity)
                let slot = Int((Double(time) / 3600).rounded(.down)) - reference.startHour
                guard slot >= 0, slot < hours else { return } // outside the reference period: no anomaly can be formed
                if let temperature { tSum[k][slot] += temperature; tCount[k][slot] += 1 }
                if let humidity { hSum[k][slot] += humidity; hCount[k][slot] += 1 }
            }
            try units.check(file: file.displayName)
        }
        var series: [String: HourlySeries] = [:]
        for (k, station) in stations.enumerated() {
            var s = HourlySeries(hours: hours)
            for i in 0..<hours {
                if tCount[k][i] > 0 { s.temperature[i] = Float(tSum[k][i] / Double(tCount[k][i])) }
                if hCount[k][i] > 0 { s.humidity[i] = Float(hSum[k][i] / Double(hCount[k][i])) }
            }
            for time in conflicting[k] ?? [] {
                let slot = Int((Double(time) / 3600).rounded(.down)) - reference.startHour
                if slot >= 0, slot < hours { s.temperature[slot] = .nan; s.humidity[slot] = .nan }
            }
            series[station.id] = s
        }
        return SensorNetwork(stations: stations, startHour: reference.startHour, hours: hours, series: series,
                             duplicateRows: duplicates, conflictingRows: conflicts)
    }

    static func parseTime(_ row: CSVReader.Row, file: String) throws -> Int {
        do { return try Timestamp.parse(row.text("time").trimmingCharacters(in: .whitespaces)) } catch let error as Timestamp.ParseError {
            throw CityInputError(file: file, location: "line \(row.line), column time", problem: error.description)
        }
    }
}
