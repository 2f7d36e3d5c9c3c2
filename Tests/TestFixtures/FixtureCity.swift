import City
import Foundation
import GeoIO

/// A minimal valid city (20 × 20 cells of 2 m in Lambert-93, two sensors, a day of data) written to a temporary
/// folder; each bad-input test breaks one thing in it.
public struct FixtureCity: Sendable {
    public let folder: String
    public var manifest: String { folder + "/city.yaml" }
    public static let minX = 417_000.0, maxY = 6_421_040.0

    public init() throws {
        folder = TestFiles.root + "ictu-city-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/Rasters", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/SensorData", withIntermediateDirectories: true)
        try writeRaster("Rasters/tree_canopy.tif", values: (0..<400).map { Float($0 % 100) })
        try writeBuildings(heights: [12, 7])
        // Sensors at two cells inside the grid (lon/lat of Lambert-93 points).
        let toWGS = try CoordinateTransform(from: "EPSG:2154", to: "EPSG:4326")
        let a = try toWGS.transform(x: Self.minX + 11, y: Self.maxY - 11), b = try toWGS.transform(x: Self.minX + 25, y: Self.maxY - 31)
        try write("SensorData/sensors.csv", "sensor_id,site_id,commune,lon,lat,height_m\nA,s1,Bègles,\(a.x),\(a.y),3\nB,s1,Bègles,\(b.x),\(b.y),3\n")
        var measurements = "sensor_id,time,temperature_c,humidity_pct\n", reference = "time,temperature_c,humidity_pct,wind_ms,global_radiation_wm2\n"
        for h in 0..<24 {
            let t = String(format: "2022-07-18T%02d:00:00Z", h)
            reference += "\(t),\(20 + h / 2),50,2,\(h > 5 && h < 19 ? 500 : 0)\n"
            measurements += "A,\(t),\(21 + h / 2),55\nB,\(t),\(21.5 + Double(h / 2)),54\n"
        }
        try write("SensorData/reference.csv", reference)
        try write("SensorData/measurements.csv", measurements)
        try write("city.yaml", Self.manifestText)
    }

    public static let manifestText = """
    name: fixture
    timezone: Europe/Paris
    grid:
      crs: EPSG:2154
      cell_size_m: 2
      extent: [417000, 6421000, 417040, 6421040]
    rasters:
      tree_canopy: {path: Rasters/tree_canopy.tif, scale: 0.01}
    vectors:
      buildings: {path: Rasters/buildings.gpkg, height_attribute: hauteur}
    sensors:
      stations: SensorData/sensors.csv
      measurements: [SensorData/measurements.csv]
      reference: SensorData/reference.csv

    """

    public func write(_ relative: String, _ text: String) throws {
        try text.write(toFile: folder + "/" + relative, atomically: true, encoding: .utf8)
    }

    /// Rewrites a text file of the fixture through `change`.
    public func edit(_ relative: String, _ change: (String) -> String) throws {
        try write(relative, change(try String(contentsOfFile: folder + "/" + relative, encoding: .utf8)))
    }

    public func writeRaster(_ relative: String, values: [Float], georeferenced: Bool = true, crs: Bool = true, epsg: Int = 2154, originX: Double = minX) throws {
        let ds = try RasterDataset.create(folder + "/" + relative, width: 20, height: 20, bands: 1, type: .float32)
        if georeferenced { try ds.setGeoTransform(GeoTransform(originX: originX, cellWidth: 2, originY: Self.maxY, cellHeight: -2)) }
        if crs { try ds.setSpatialReference(SpatialReference(epsg: epsg)) }
        try ds.band(1).write(values, x: 0, y: 0, width: 20, height: 20)
        try ds.flush()
    }

    /// Two footprints 8 m square with these heights; `outline` replaces the first one's geometry (WKB).
    public func writeBuildings(heights: [Double?], crs: Bool = true, outline: [UInt8]? = nil) throws {
        let path = folder + "/Rasters/buildings.gpkg"
        try? FileManager.default.removeItem(atPath: path)
        let ds = try VectorDataset.create(path, driver: "GPKG")
        let layer = try ds.createLayer("buildings", crs: crs ? SpatialReference(epsg: 2154) : nil, geometry: .polygon, fields: [("hauteur", .real)])
        for (i, h) in heights.enumerated() {
            let x0 = Self.minX + 2 + Double(i) * 12
            let wkb = i == 0 && outline != nil ? outline! : WKB.rectangle(minX: x0, minY: Self.maxY - 10, maxX: x0 + 8, maxY: Self.maxY - 2)
            try layer.addFeature(wkb: wkb, values: h.map { ["hauteur": .real($0)] } ?? [:])
        }
    }

    /// A polygon of `count` vertices (a circle of radius 6 m inside the grid): a "million-vertex" geometry.
    public static func manyVertexPolygon(_ count: Int) -> [UInt8] {
        let ring = (0...count).map { i -> (x: Double, y: Double) in
            let a = 2 * Double.pi * Double(i % count) / Double(count)
            return (minX + 20 + 6 * cos(a), maxY - 20 + 6 * sin(a))
        }
        return WKB.polygon([ring])
    }

    /// Writes raw bytes (not necessarily text) to a file of the fixture.
    public func write(_ relative: String, bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + relative))
    }

    /// Makes `relative` a file of `size` bytes that starts with `prefix` and has no newline after it (a sparse file:
    /// the "2 GB line" costs no disk; a reader that does not bound its lines would try to hold it all).
    public func writeHugeLine(_ relative: String, prefix: String, size: Int64 = 2_200_000_000) throws {
        try write(relative, prefix)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/" + relative))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }

    /// Opens the city, reads its surface layers over the whole grid, and returns the error message it raises
    /// (nil if all of it reads).
    public func error() -> String? {
        do {
            let city = try City(manifestPath: manifest)
            _ = try city.layers(.init(x: 0, y: 0, width: city.grid.width, height: city.grid.height))
            return nil
        } catch { return "\(error)" }
    }
}
