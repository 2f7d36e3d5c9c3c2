import City
import Foundation
import Grid
import Model
import Scenario

/// The parsers of untrusted text that the fuzzer drives: each takes the bytes of one file, as a user or an HTTP
/// client could hand it over. A parser may reject its input (it throws, naming the problem); it must never crash,
/// hang or exhaust memory.
enum FuzzTarget: String, CaseIterable {
    case stations, measurements, reference, survey, manifest, scenario

    /// A 20 km grid in Lambert-93 around Bordeaux (the sample city's place), for the parsers that need one.
    static let grid = GridSpec(crs: "EPSG:2154", originX: 407_000, originY: 6_431_000, cellSize: 100, width: 200, height: 200)

    /// Where each input is written: the parsers read files, as they do in the engine.
    static let scratch: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return folder + "/ictu-fuzz-\(getpid())"
    }()

    /// The network the measurements are read against: two sensors inside the grid, a day of reference weather.
    static let network: (stations: [PlacedStation], reference: ReferenceSeries) = {
        let stations = scratch + "-stations.csv", reference = scratch + "-reference.csv"
        try! "sensor_id,site_id,commune,lon,lat,height_m\nA,s1,Bègles,-0.571,44.812,3\nB,s2,Bègles,-0.565,44.808,3\n"
            .write(toFile: stations, atomically: true, encoding: .utf8)
        var text = "time,temperature_c,humidity_pct,wind_ms,global_radiation_wm2\n"
        for h in 0..<24 { text += String(format: "2022-07-18T%02d:00:00Z,%d,50,2,%d\n", h, 20 + h / 2, h > 5 && h < 19 ? 500 : 0) }
        try! text.write(toFile: reference, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: stations); try? FileManager.default.removeItem(atPath: reference) }
        return (try! SensorFiles.readStations(path: stations, displayName: "sensors.csv", grid: grid).placed,
                try! SensorFiles.readReference(path: reference, displayName: "reference.csv"))
    }()

    /// The file name the input is written under (the scenario parser sees a GeoJSON, as the server hands it one).
    var fileName: String { self == .scenario ? "edits.geojson" : self == .manifest ? "city.yaml" : rawValue + ".csv" }

    /// Runs one input through the parser. Returns whether it was accepted (rejections are expected, and fine).
    @discardableResult
    func run(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if self == .measurements { _ = Self.network }
        let path = Self.scratch + "-" + fileName
        guard FileManager.default.createFile(atPath: path, contents: Data(buffer: bytes)) else { fatalError("cannot write \(path)") }
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            switch self {
            case .stations: _ = try SensorFiles.readStations(path: path, displayName: fileName, grid: Self.grid)
            case .reference: _ = try SensorFiles.readReference(path: path, displayName: fileName)
            case .measurements:
                _ = try SensorFiles.readMeasurements(files: [(path, fileName)], stations: Self.network.stations.map(\.station), clock: Self.network.reference)
            case .survey: _ = try SurveyFile.read(path: path)
            case .manifest: _ = try Manifest.load(path)
            case .scenario: _ = try Scenario(path: path, grid: Self.grid)
            }
            return true
        } catch {
            // Every rejection must say something: an empty message would leave a user with nothing to fix.
            precondition(!"\(error)".isEmpty, "\(self): an error without a message")
            return false
        }
    }
}
