import City
import Engine
import Foundation
import Model
import Scenario
import Tiles

/// A layer as the viewer lists it.
struct LayerDocument: Encodable {
    var name: String, title: String, legend: Legend
    /// For a scenario's layer: its tiles' URL template.
    var tiles: String? = nil
    init(_ layer: TileLayer) { name = layer.name; title = layer.title; legend = layer.legend }
    init(_ layer: TileLayer, tiles: String) { self.init(layer); self.tiles = tiles }
}

/// GET /api/run.
struct RunDocument: Encodable {
    struct Grid: Encodable { var crs: String, cellSize: Double, width: Int, height: Int }
    struct Score: Encodable { var leaveOneSiteOutRMSE: Double, sites: Int }
    struct Calibration: Encodable {
        var calibrated: Bool, residualSpatialCorrelation: String
        var note: String? = nil
        var day: Score? = nil, night: Score? = nil
    }
    var engineVersion: String, manifest: String, grid: Grid
    var bounds: [Double], center: [Double], minzoom: Int, maxzoom: Int
    var hotDays: [String], windows: [String: String], medianDayICTU: Double
    var calibration: Calibration, diagnosis: [String], layers: [LayerDocument]
    /// What was said about the inputs when the run was computed (a layer covering part of the grid, sensors left out…).
    var warnings: [String]
    /// The manifest's `name` of the city, when it gives one.
    var cityName: String? = nil
    /// The city has names to search (streets, districts).
    var searchable = false
    /// The city's offline basemap, when served.
    var basemap: Basemap.Description? = nil
    /// The layers exported as PMTiles (`ictu tiles`), by name: their URL under /export/, read with range requests.
    var archives: [String: String] = [:]
}

/// GET /api/sites: the sensor sites as a GeoJSON FeatureCollection.
struct SitesDocument: Encodable {
    struct Sensor: Encodable {
        var id: String
        var keptHours: Int? = nil, expectedHours: Int? = nil, rejected: Bool? = nil
        var flags: [String: Int]? = nil
        var radiationBias: Double? = nil
    }
    struct Anomaly: Encodable { var observed: Double, predicted: Double }
    struct Properties: Encodable {
        var id: String, commune: String, setting: String, sensors: [Sensor]
        var day: Anomaly? = nil, night: Anomaly? = nil
    }
    struct Point: Encodable { var type = "Point"; var coordinates: [Double] }
    struct Feature: Encodable { var type = "Feature"; var geometry: Point; var properties: Properties }
    var type = "FeatureCollection"
    var features: [Feature]
}

/// GET /api/point: `ictu explain` at the point, with the terms' labels and order for the popup.
struct PointDocument: Encodable {
    var explanation: Explanation
    enum Keys: String, CodingKey { case termLabels, termOrder }
    func encode(to encoder: Encoder) throws {
        try explanation.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(Dictionary(uniqueKeysWithValues: ComfortTerm.allCases.map { ($0.rawValue, $0.label) }), forKey: .termLabels)
        try container.encode(ComfortTerm.allCases.map(\.rawValue), forKey: .termOrder)
    }
}

/// POST /api/scenario: the scenario's id, summary and tile layers.
struct ScenarioDocument: Encodable {
    var id: String, name: String, summary: ScenarioSummary, layers: [LayerDocument]
    /// The scenario as posted (with its name), to download.
    var geojson: String
}

/// GET /api/scenarios: the variants held, oldest first.
struct VariantsDocument: Encodable {
    var variants: [ScenarioDocument]
    var maxVariants: Int
}

/// Every 4xx and 5xx answer.
struct ErrorDocument: Encodable { var error: String, status: Int }

/// GET /api/search: the places whose name holds the words typed, best first.
struct SearchDocument: Codable, Sendable {
    var query: String
    var places: [Place]
}
