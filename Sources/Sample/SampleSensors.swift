import Foundation
import GeoIO
import Model
import Support

/// A measurement site: two sensors a few tens of metres apart in the same urban setting.
struct Site {
    var id: String
    var setting: String
    var commune: String
    var sensors: [(id: String, x: Double, y: Double, col: Int, row: Int)]
}

/// Faults planted in the sensor series, written to `SensorData/truth/faults.json` so tests can check QC.
public struct PlantedFaults: Codable, Sendable {
    public var radiationBias: [String] = []
    public var stuck: [String] = []
    public var spikes: [String: Int] = [:]
    public var gaps: [String] = []
    public var duplicatedRows: [String: Int] = [:]
    public var humidityOver100: [String: Int] = [:]
    /// Share of values left empty at random in every sensor.
    public var randomMissingShare = 0.005
}

extension SampleWriter {
    /// Settings of the 40 sites: (name, district in the 4 × 4 core (col, row from south), local x, y in metres).
    static let siteRecipes: [(String, Int, Int, Double, Double)] = [
        ("N–S street, dense core", 1, 1, 78, 250), ("N–S street, dense core", 2, 2, 294, 700), ("N–S street, dense core", 1, 2, 438, 820),
        ("N–S street, dense core", 2, 3, 150, 300),
        ("E–W tree-lined boulevard", 1, 1, 600, 500), ("E–W tree-lined boulevard", 2, 2, 700, 500), ("E–W tree-lined boulevard", 1, 2, 820, 500),
        ("E–W boulevard, stressed trees", 1, 1, 150, 500), ("E–W boulevard, stressed trees", 1, 2, 250, 500),
        ("light mineral square", 2, 1, 480, 430), ("light mineral square", 2, 1, 540, 400),
        ("park interior", 0, 1, 330, 400), ("park interior", 0, 1, 660, 620), ("park interior", 0, 1, 480, 380),
        ("park edge", 0, 1, 500, 290), ("park edge", 0, 1, 760, 500),
        ("detached houses, street", 0, 0, 5, 300), ("detached houses, street", 1, 0, 500, 455), ("detached houses, street", 0, 2, 185, 5),
        ("detached houses, street", 3, 2, 650, 635), ("detached houses, street", 1, 3, 725, 95), ("detached houses, street", 0, 3, 275, 725),
        ("detached houses, garden", 0, 0, 40, 60), ("detached houses, garden", 3, 3, 580, 420), ("detached houses, garden", 1, 0, 222, 690),
        ("industrial car park", 2, 0, 60, 30), ("industrial car park", 3, 1, 700, 330), ("industrial car park", 2, 0, 400, 200),
        ("industrial car park", 3, 0, 860, 700),
        ("river quay", 3, 1, -1, 300), ("river quay", 3, 2, -1, 600), ("river quay", 3, 3, -1, 200),
        ("dense core courtyard", 1, 1, 60, 160), ("dense core courtyard", 2, 2, 132, 160), ("dense core courtyard", 2, 3, 204, 880),
        ("E–W street, dense core", 1, 2, 300, 78), ("E–W street, dense core", 2, 3, 500, 222), ("E–W street, dense core", 1, 1, 300, 870),
        ("industrial verge", 3, 0, 920, 880), ("detached houses, street", 0, 3, 905, 500),
    ]

    /// Places the 40 sites (80 sensors) in the 4 × 4 km core; each sensor sits on an open cell (not a building, not water).
    func placeSites() -> [Site] {
        let core0 = options.sizeKm / 2 - 2
        var sites: [Site] = []
        for (k, recipe) in Self.siteRecipes.enumerated() {
            let (setting, ci, cj, lx, ly) = recipe
            let x0 = city.minX + Double(core0 + ci) * 1000, y0 = city.minY + Double(core0 + cj) * 1000
            var x = lx < 0 ? city.riverCentre(y: y0 + ly) - SyntheticCity.riverHalfWidth - 20 : x0 + lx
            var y = y0 + ly
            x += 6 * (city.random.uniform(101, k) - 0.5)
            var sensors: [(String, Double, Double, Int, Int)] = []
            let alongX = !setting.hasPrefix("N–S") && !setting.contains("quay")
            for m in 0..<2 {
                var px = x + (alongX ? Double(m) * 24 : 0), py = y + (alongX ? 0 : Double(m) * 24)
                // Step along until the cell is open ground.
                var tries = 0
                while tries < 60 {
                    let s = city.surface(x: px, y: py)
                    if s.buildingHeight == 0 && s.water == 0 { break }
                    if alongX { px += 2 } else { py += 2 }
                    tries += 1
                }
                guard let cell = grid.cell(x: px, y: py) else { continue }
                sensors.append((String(format: "S%03d", k * 2 + m + 1), px, py, cell.col, cell.row))
                if m == 0 { x = px; y = py }
            }
            sites.append(Site(id: String(format: "site-%02d", k + 1), setting: setting, commune: city.commune(x: x, y: y),
                              sensors: sensors.map { (id: $0.0, x: $0.1, y: $0.2, col: $0.3, row: $0.4) }))
        }
        return sites
    }

    func writeBuildings(_ out: StagedOutput) throws -> Int {
        let dataset = try VectorDataset.create(try out.path("Rasters/buildings.gpkg"), driver: "GPKG")
        let layer = try dataset.createLayer("buildings", crs: SpatialReference(definition: grid.crs), geometry: .polygon,
                                            fields: [("id", .integer), ("hauteur", .real), ("usage", .string)])
        var n = 0
        try dataset.inTransaction {
            try city.forEachBuilding { b in
                n += 1
                try layer.addFeature(wkb: WKB.rectangle(minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY),
                                     values: ["id": .integer(n), "hauteur": .real((b.height * 10).rounded() / 10), "usage": .string(b.use)])
            }
        }
        return n
    }

    func writeTrees(_ out: StagedOutput) throws -> Int {
        let dataset = try VectorDataset.create(try out.path("Rasters/trees.gpkg"), driver: "GPKG")
        let layer = try dataset.createLayer("trees", crs: SpatialReference(definition: grid.crs), geometry: .point,
                                            fields: [("id", .integer), ("species", .string), ("height_m", .real), ("crown_diameter_m", .real), ("planted", .integer)])
        let truth = try TextFileWriter(path: try out.path("SensorData/truth/trees.csv"))
        try truth.write("id,true_hydric_stress\n")
        var n = 0
        try dataset.inTransaction {
            try city.forEachPublicTree { t in
                guard grid.contains(x: t.x, y: t.y) else { return }
                n += 1
                try layer.addFeature(wkb: WKB.point(x: t.x, y: t.y), values: [
                    "id": .integer(t.id), "species": .string(t.species), "height_m": .real((t.height * 10).rounded() / 10),
                    "crown_diameter_m": .real((t.crownRadius * 20).rounded() / 10), "planted": .integer(t.planted)])
                try truth.write("\(t.id),\(String(format: "%.3f", t.stress))\n")
            }
        }
        try truth.close()
        return n
    }

    /// The reference station's weather: hourly UTC over both campaigns (local midnight, CEST, to UTC).
    func referenceWeather() throws -> (LocalClock, SyntheticWeather, hours: [Int], reference: [SyntheticWeather.Hour]) {
        let (lonC, latC) = try centre()
        let clock = try LocalClock(identifier: "Europe/Paris")
        let weather = SyntheticWeather(random: DeterministicRandom(seed: options.seed &+ 1000), latitude: latC, longitude: lonC, clock: clock)
        var hours: [Int] = []
        for day in SyntheticWeather.campaignDays { for h in 0..<24 { hours.append(day * 86400 + h * 3600 - 2 * 3600) } }
        return (clock, weather, hours, hours.map { weather.hour(utcSeconds: $0) })
    }

    /// The city's centre in WGS 84 degrees (longitude, latitude).
    func centre() throws -> (Double, Double) {
        try CoordinateTransform(from: grid.crs, to: "EPSG:4326").transform(x: city.minX + city.size / 2, y: city.minY + city.size / 2)
    }

    /// The hot days as the engine will find them: from the reference station as written (values rounded as in the file).
    func hotDays() throws -> HotDays {
        let (clock, _, hours, reference) = try referenceWeather()
        let start = hours[0] / 3600
        var series = ReferenceSeries(startHour: start, hours: hours[hours.count - 1] / 3600 - start + 1)
        func round(_ v: Double, _ digits: Double) -> Float { Float((v * digits).rounded() / digits) }
        for (t, w) in zip(hours, reference) {
            let i = t / 3600 - start
            series.temperature[i] = round(w.temperature, 100); series.humidity[i] = round(w.humidity, 10)
            series.wind[i] = round(w.wind, 10); series.radiation[i] = round(w.radiation, 1)
        }
        let (lon, lat) = try centre()
        return HotDays(reference: series, clock: clock, latitude: lat, longitude: lon)
    }

    /// Writes sensors.csv, the reference station and the two summers of measurements, with planted faults.
    func writeSensors(_ out: StagedOutput, sites: [Site], truth: [String: SensorTruth], progress: ProgressHandler) throws -> PlantedFaults {
        let transform = try CoordinateTransform(from: grid.crs, to: "EPSG:4326")
        let (clock, weather, hours, reference) = try referenceWeather()
        let random = DeterministicRandom(seed: options.seed &+ 2000)

        let stations = try TextFileWriter(path: try out.path("SensorData/sensors.csv"))
        try stations.write("sensor_id,site_id,commune,lon,lat,height_m,setting\n")
        for site in sites {
            for s in site.sensors {
                let (lon, lat) = try transform.transform(x: s.x, y: s.y)
                try stations.write("\(s.id),\(site.id),\(site.commune),\(String(format: "%.6f", lon)),\(String(format: "%.6f", lat)),3.0,\"\(site.setting)\"\n")
            }
        }
        try stations.close()

        // Reference station, hourly UTC over both campaigns.
        let referenceFile = try TextFileWriter(path: try out.path("SensorData/reference_station.csv.gz"))
        try referenceFile.write("time,temperature_c,humidity_pct,wind_ms,global_radiation_wm2\n")
        for (t, w) in zip(hours, reference) {
            try referenceFile.write("\(Timestamp.isoUTC(t)),\(String(format: "%.2f", w.temperature)),\(String(format: "%.1f", w.humidity)),\(String(format: "%.1f", w.wind)),\(String(format: "%.0f", w.radiation))\n")
        }
        try referenceFile.close()

        // Which sensors carry which fault (fixed roles, recorded).
        var faults = PlantedFaults()
        let all = sites.flatMap { $0.sensors.map(\.id) }
        let squareSite = sites.first { $0.setting == "light mineral square" }!
        faults.radiationBias = [squareSite.sensors[0].id]
        faults.stuck = [all[12]]
        faults.spikes = [all[20]: 12, all[45]: 12]
        faults.gaps = [all[5], all[33], all[61]]
        faults.duplicatedRows = [all[27]: 150]
        faults.humidityOver100 = [all[50]: 60]

        let writers = [2021: try TextFileWriter(path: try out.path("SensorData/measurements_2021.csv.gz")),
                       2022: try TextFileWriter(path: try out.path("SensorData/measurements_2022.csv.gz"))]
        for w in writers.values { try w.write("sensor_id,time,temperature_c,humidity_pct\n") }
        let stuckStart = Timestamp.daysFromCivil(year: 2022, month: 7, day: 5) * 86400
        for (n, site) in sites.enumerated() {
            progress("sensors", Double(n) / Double(sites.count))
            for s in site.sensors {
                let k = Int(s.id.dropFirst())!
                let truthHere = truth[s.id]!
                let offset = 0.1 * random.normal(k, 0)
                var noise = 0.0, vapourNoise = 0.0
                var stuck: (Double, Double)? = nil
                let gapStart = faults.gaps.contains(s.id) ? Int(random.uniform(k, 1) * Double(hours.count - 400)) : -1
                let spikeHours = Set((0..<(faults.spikes[s.id] ?? 0)).map { Int(random.uniform(k, 2, $0) * Double(hours.count)) })
                let wetHours = Set((0..<(faults.humidityOver100[s.id] ?? 0)).map { Int(random.uniform(k, 3, $0) * Double(hours.count)) })
                let duplicates = Set((0..<(faults.duplicatedRows[s.id] ?? 0)).map { Int(random.uniform(k, 4, $0) * Double(hours.count)) })
                for (i, t) in hours.enumerated() {
                    let w = reference[i]
                    let local = clock.localDayAndHour(t)
                    let tmax = weather.daily(local.day).tmax
                    let hot = tmax >= 28 ? 1.0 : 0.7
                    let wd = SyntheticWeather.dayWeight(localHour: clock.localHour(t))
                    noise = 0.6 * noise + 0.25 * random.normal(k, i, 5)
                    vapourNoise = 0.6 * vapourNoise + 0.25 * random.normal(k, i, 6)
                    var temperature = w.temperature + offset + noise
                        + hot * (wd * truthHere.deltaTaDay + (1 - wd) * truthHere.deltaTaNight)
                    let vapour = Humidity.vapourPressure(celsius: w.temperature, relativeHumidity: w.humidity)
                        + hot * (wd * truthHere.deltaEDay + (1 - wd) * truthHere.deltaENight) + vapourNoise
                    var humidity = min(99.9, Humidity.relativeHumidity(celsius: temperature, vapourPressure: vapour))
                    // Planted faults.
                    if faults.radiationBias.contains(s.id) { temperature += 3.0 * w.radiation / 1000 }
                    if spikeHours.contains(i) { temperature += (random.uniform(k, i, 7) < 0.5 ? -1 : 1) * (8 + 7 * random.uniform(k, i, 8)) }
                    if wetHours.contains(i) { humidity = 100.5 + 7 * random.uniform(k, i, 9) }
                    if faults.stuck.contains(s.id), t >= stuckStart, t < stuckStart + 5 * 86400 {
                        if stuck == nil { stuck = (temperature, humidity) }
                        temperature = stuck!.0; humidity = stuck!.1
                    }
                    if gapStart >= 0, i >= gapStart, i < gapStart + 240 { continue }
                    let missing = random.uniform(k, i, 10) < faults.randomMissingShare
                    let year = Timestamp.civil(fromDays: local.day).year
                    let time = year == 2021 ? Timestamp.isoUTC(t) : Timestamp.iso(t, offsetSeconds: clock.offsetSeconds(at: t))
                    let row = "\(s.id),\(time),\(missing ? "" : String(format: "%.2f", temperature)),\(String(format: "%.1f", humidity))\n"
                    try writers[year]!.write(row)
                    if duplicates.contains(i) { try writers[year]!.write(row) }
                }
            }
        }
        for w in writers.values { try w.close() }
        // Actual duplicated rows may be fewer than asked when two draws hit one hour.
        for (id, _) in faults.duplicatedRows {
            let k = Int(id.dropFirst())!
            faults.duplicatedRows[id] = Set((0..<150).map { Int(random.uniform(k, 4, $0) * Double(hours.count)) }).count
        }
        return faults
    }

    func writeTruthDocuments(_ out: StagedOutput, faults: PlantedFaults, sensorTruth: [String: SensorTruth], sites: [Site]) throws {
        struct Coefficients: Codable {
            var note: String
            var day: AirTemperatureCoefficients
            var night: AirTemperatureCoefficients
            var dayWeight: String
            var nonHotDayFactor: Double
            var sensorNoise: String
        }
        let coefficients = Coefficients(
            note: "Coefficients the sample sensors were generated with (docs/model.md eq. 3–4). ΔTa rasters in Rasters/truth are this model on the true (2 m, per-tree stress) surface.",
            day: SampleTruth.day, night: SampleTruth.night,
            dayWeight: "1 from 10 to 19 h local, 0 from 21 to 08 h, linear between",
            nonHotDayFactor: 0.7, sensorNoise: "AR(1) φ 0.6, innovation σ 0.25 °C; per-sensor offset σ 0.1 °C")
        try JSONCoding.write(coefficients, to: try out.path("SensorData/truth/coefficients.json"))
        try JSONCoding.write(faults, to: try out.path("SensorData/truth/faults.json"))
        let writer = try TextFileWriter(path: try out.path("SensorData/truth/sensor_truth.csv"))
        try writer.write("sensor_id,site_id,delta_ta_day,delta_ta_night,delta_e_day,delta_e_night\n")
        for site in sites { for s in site.sensors {
            let t = sensorTruth[s.id]!
            try writer.write("\(s.id),\(site.id),\(String(format: "%.3f,%.3f,%.3f,%.3f", t.deltaTaDay, t.deltaTaNight, t.deltaEDay, t.deltaENight))\n")
        } }
        try writer.close()
    }

    func writeManifest(_ out: StagedOutput) throws {
        let text = """
        # ICTU city manifest: the synthetic sample (seed \(options.seed), \(options.sizeKm) km × \(options.sizeKm) km, \(options.cellMetres) m cells).
        # Every path is relative to this file. Fractions stored as percent carry `scale: 0.01`.
        name: Synthetic district near Bordeaux (seed \(options.seed))
        timezone: Europe/Paris
        grid:
          crs: \(grid.crs)
          cell_size_m: \(options.cellMetres)
          extent: [\(grid.minX), \(grid.minY), \(grid.maxX), \(grid.maxY)]   # minx, miny, maxx, maxy
        rasters:
          tree_canopy: {path: Rasters/tree_canopy.tif, scale: 0.01}
          shrub: {path: Rasters/shrub.tif, scale: 0.01}
          grass: {path: Rasters/grass.tif, scale: 0.01}
          impervious: {path: Rasters/impervious.tif, scale: 0.01}
          albedo: {path: Rasters/albedo.tif, scale: 0.01}
          water: {path: Rasters/water.tif, scale: 0.01}
          canopy_height: {path: Rasters/canopy_height.tif}
          hydric_stress_shrub: {path: Rasters/hydric_stress_shrub.tif, scale: 0.01}
          hydric_stress_grass: {path: Rasters/hydric_stress_grass.tif, scale: 0.01}
          ndmi_baseline: {path: Rasters/ndmi_baseline.tif, scale: 0.0001}
          ndmi: {path: Rasters/ndmi.tif, scale: 0.0001}
        vectors:
          buildings: {path: Rasters/buildings.gpkg, height_attribute: hauteur}
          trees: {path: Rasters/trees.gpkg}
          streets: {path: Rasters/streets.gpkg, name_attribute: nom}
          districts: {path: Rasters/districts.gpkg, name_attribute: nom}
        sensors:
          stations: SensorData/sensors.csv
          measurements: [SensorData/measurements_2021.csv.gz, SensorData/measurements_2022.csv.gz]
          reference: SensorData/reference_station.csv.gz

        """
        try text.write(toFile: try out.path("city.yaml"), atomically: false, encoding: .utf8)
    }
}
