import Foundation
import TestFixtures
import Testing
@testable import City

/// The foundation issue's bad-input list: each case names the file, where, what is wrong and how to fix it.
@Suite struct BadInputTests {
    @Test func theFixtureItselfIsValid() throws {
        let city = try City(manifestPath: FixtureCity().manifest)
        #expect(city.grid.width == 20 && city.stations.count == 2 && city.buildings?.count == 2)
        let layers = try city.layers(.init(x: 0, y: 0, width: 20, height: 20))
        // Building 1 covers x 2…10, y maxY−10…maxY−2 → 4 × 4 cells of 12 m.
        #expect(layers.buildingHeight.values.filter { $0 == 12 }.count == 16)
        #expect(layers.treeCanopy[5, 0] == 0.05)
    }

    @Test func missingFile() throws {
        let f = try FixtureCity()
        try FileManager.default.removeItem(atPath: f.folder + "/Rasters/tree_canopy.tif")
        let message = try #require(f.error())
        #expect(message.contains("Rasters/tree_canopy.tif") && message.contains("no such file"), "\(message)")
    }

    @Test func missingManifest() {
        do { _ = try City(manifestPath: "/nonexistent/city.yaml"); Issue.record("opened a missing manifest") } catch {
            #expect("\(error)".contains("/nonexistent/city.yaml: no such manifest"))
        }
    }

    @Test func corruptRaster() throws {
        let f = try FixtureCity()
        try f.write("Rasters/tree_canopy.tif", "II*\0 this is not really a TIFF")
        let message = try #require(f.error())
        #expect(message.contains("tree_canopy.tif"))
    }

    @Test func rasterWithoutGeoreference() throws {
        let f = try FixtureCity()
        try f.writeRaster("Rasters/tree_canopy.tif", values: [Float](repeating: 10, count: 400), georeferenced: false)
        let message = try #require(f.error())
        #expect(message.contains("Rasters/tree_canopy.tif") && message.contains("no georeference"))
    }

    @Test func rasterWithoutCRS() throws {
        let f = try FixtureCity()
        try f.writeRaster("Rasters/tree_canopy.tif", values: [Float](repeating: 10, count: 400), crs: false)
        let message = try #require(f.error())
        #expect(message.contains("Rasters/tree_canopy.tif") && message.contains("no coordinate reference system"))
    }

    @Test func rasterNotOverlappingTheGrid() throws {
        let f = try FixtureCity()
        try f.writeRaster("Rasters/tree_canopy.tif", values: [Float](repeating: 10, count: 400), originX: 500_000)
        let message = try #require(f.error())
        #expect(message.contains("does not overlap the analysis grid"))
    }

    @Test func fractionAboveOne() throws {
        let f = try FixtureCity()
        try f.write("city.yaml", FixtureCity.manifestText.replacingOccurrences(of: ", scale: 0.01}", with: "}"))
        let message = try #require(f.error())
        #expect(message.contains("tree_canopy.tif (band 1, pixel (col 2, row 0))"), "first pixel above 1 is named: \(message)")
        #expect(message.contains("scale: 0.01"), "the likely fix is given")
    }

    @Test func nonNumericCSVField() throws {
        let f = try FixtureCity()
        try f.edit("SensorData/measurements.csv") { $0.replacingOccurrences(of: "A,2022-07-18T03:00:00Z,22", with: "A,2022-07-18T03:00:00Z,22°C") }
        let message = try #require(f.error())
        #expect(message.contains("SensorData/measurements.csv (line 8, column temperature_c)") && message.contains("not a number"), "\(message)")
    }

    @Test func timeWithoutOffset() throws {
        let f = try FixtureCity()
        try f.edit("SensorData/measurements.csv") { $0.replacingOccurrences(of: "B,2022-07-18T05:00:00Z", with: "B,2022-07-18T05:00:00") }
        let message = try #require(f.error())
        #expect(message.contains("line 13, column time") && message.contains("no UTC offset"), "\(message)")
    }

    @Test func unknownSensorID() throws {
        let f = try FixtureCity()
        try f.edit("SensorData/measurements.csv") { $0 + "Z9,2022-07-18T05:00:00Z,20,50\n" }
        let message = try #require(f.error())
        #expect(message.contains("line 50") && message.contains("unknown sensor id 'Z9'"), "\(message)")
    }

    @Test func duplicatedSensorID() throws {
        let f = try FixtureCity()
        try f.edit("SensorData/sensors.csv") { $0.replacingOccurrences(of: "\nB,", with: "\nA,") }
        let message = try #require(f.error())
        #expect(message.contains("SensorData/sensors.csv (line 3)") && message.contains("already used on line 2"), "\(message)")
    }

    @Test func sensorOutsideTheGrid() throws {
        let f = try FixtureCity()
        try f.write("SensorData/sensors.csv", "sensor_id,site_id,commune,lon,lat,height_m\nA,s1,Bègles,-0.58,44.80,3\nB,s1,Bègles,44.80,-0.58,3\n")
        let message = try #require(f.error())
        #expect(message.contains("line 2, sensor A") && message.contains("outside the analysis grid"), "\(message)")
    }

    @Test func buildingWithoutHeight() throws {
        let f = try FixtureCity()
        try f.writeBuildings(heights: [12, nil])
        let message = try #require(f.error())
        #expect(message.contains("Rasters/buildings.gpkg (feature 2)") && message.contains("without a height"), "\(message)")
    }

    @Test func emptyManifest() throws {
        let f = try FixtureCity()
        try f.write("city.yaml", "# nothing here\n")
        let message = try #require(f.error())
        #expect(message.contains("city.yaml") && message.contains("empty"))
    }

    @Test func unknownRole() throws {
        let f = try FixtureCity()
        try f.write("city.yaml", FixtureCity.manifestText.replacingOccurrences(of: "  tree_canopy:", with: "  tree_cover:"))
        let message = try #require(f.error())
        #expect(message.contains("unknown raster role 'tree_cover'") && message.contains("tree_canopy"), "\(message)")
    }
}
