/// A street sensor as described in `sensors.csv` (WGS 84 position).
public struct Station: Sendable, Equatable, Codable {
    public var id: String
    public var site: String
    public var commune: String
    public var longitude: Double
    public var latitude: Double
    public var heightMetres: Double
    /// Extra columns of the file, kept as they were.
    public var extra: [String: String]

    public init(id: String, site: String, commune: String, longitude: Double, latitude: Double, heightMetres: Double, extra: [String: String] = [:]) {
        self.id = id; self.site = site; self.commune = commune
        self.longitude = longitude; self.latitude = latitude
        self.heightMetres = heightMetres; self.extra = extra
    }
}

/// Hourly series on a common clock: slot i is the UTC hour `startHour + i` (hours since 1970).
/// Sub-hourly readings are averaged into their hour. NaN = missing.
public struct HourlySeries: Sendable, Equatable {
    public var temperature: [Float]
    public var humidity: [Float]

    public init(hours: Int) {
        temperature = [Float](repeating: .nan, count: hours)
        humidity = [Float](repeating: .nan, count: hours)
    }

    public var validTemperatureCount: Int { temperature.reduce(0) { $1.isNaN ? $0 : $0 + 1 } }
}

/// The reference (rural) station, hourly on the same clock as the sensors.
public struct ReferenceSeries: Sendable, Equatable {
    public var startHour: Int
    public var temperature: [Float]
    public var humidity: [Float]
    public var wind: [Float]
    public var radiation: [Float]

    public init(startHour: Int, hours: Int) {
        self.startHour = startHour
        temperature = [Float](repeating: .nan, count: hours)
        humidity = temperature; wind = temperature; radiation = temperature
    }

    public var hours: Int { temperature.count }
}

/// All sensors' series as read, before QC, with what the reader already counted (duplicated rows).
public struct SensorNetwork: Sendable {
    public var stations: [Station]
    public var startHour: Int
    public var hours: Int
    /// Series per sensor id.
    public var series: [String: HourlySeries]
    /// Rows that repeated an earlier (sensor, time) with the same values, per sensor id.
    public var duplicateRows: [String: Int]
    /// Rows that repeated an earlier (sensor, time) with different values, per sensor id (both dropped).
    public var conflictingRows: [String: Int]

    public init(stations: [Station], startHour: Int, hours: Int, series: [String: HourlySeries],
                duplicateRows: [String: Int] = [:], conflictingRows: [String: Int] = [:]) {
        self.stations = stations; self.startHour = startHour; self.hours = hours
        self.series = series; self.duplicateRows = duplicateRows; self.conflictingRows = conflictingRows
    }

    public var sites: [String] { Array(Set(stations.map(\.site))).sorted() }
    public var communes: [String] { Array(Set(stations.map(\.commune))).sorted() }
}
