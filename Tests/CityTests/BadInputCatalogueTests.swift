import Foundation
import Grid
import TestFixtures
import Testing
@testable import City

/// The reliability issue's bad-input catalogue (README › Bad input): for every input a city is made of, the
/// malformed cases — empty, truncated, wrong type, wrong CRS, NaN/Inf, huge values, duplicate ids, non-UTF-8, a
/// 2 GB line, a geometry with a million vertices — each answered by an error that names the file, the place
/// (line, feature, pixel, key) and the problem. Each case breaks one thing in the valid fixture city.
@Suite struct BadInputCatalogueTests {
    typealias Case = (what: String, breakIt: (FixtureCity) throws -> Void, expected: [String])

    /// Runs each case on a fresh fixture and checks its message names everything expected.
    func check(_ cases: [Case]) throws {
        for c in cases {
            let fixture = try FixtureCity()
            try c.breakIt(fixture)
            guard let message = fixture.error() else { Issue.record("\(c.what): accepted"); continue }
            for part in c.expected {
                #expect(message.contains(part), "\(c.what): «\(message)» should say «\(part)»")
            }
        }
    }

    static let manifest = FixtureCity.manifestText

    @Test func manifest() throws {
        try check([
            ("truncated", { try $0.write("city.yaml", String(Self.manifest.prefix(240))) }, ["city.yaml", "line"]),
            ("wrong type", { try $0.write("city.yaml", Self.manifest.replacingOccurrences(of: "cell_size_m: 2", with: "cell_size_m: two")) },
             ["city.yaml", "grid.cell_size_m"]),
            ("NaN cell size", { try $0.write("city.yaml", Self.manifest.replacingOccurrences(of: "cell_size_m: 2", with: "cell_size_m: .nan")) },
             ["city.yaml", "cell_size_m"]),
            ("huge extent", { try $0.write("city.yaml", Self.manifest.replacingOccurrences(of: "[417000, 6421000, 417040, 6421040]", with: "[0, 0, 1e300, 1e300]")) },
             ["city.yaml", "grid", "cells"]),
            ("inverted extent", { try $0.write("city.yaml", Self.manifest.replacingOccurrences(of: "[417000, 6421000, 417040, 6421040]", with: "[417040, 6421040, 417000, 6421000]")) },
             ["city.yaml", "extent"]),
            ("unknown CRS", { try $0.write("city.yaml", Self.manifest.replacingOccurrences(of: "crs: EPSG:2154", with: "crs: EPSG:999999")) },
             ["city.yaml", "EPSG:999999"]),
            ("geographic CRS", { try $0.write("city.yaml", Self.manifest.replacingOccurrences(of: "crs: EPSG:2154", with: "crs: EPSG:4326")) },
             ["city.yaml", "projected"]),
            ("duplicate role", { try $0.write("city.yaml", Self.manifest.replacingOccurrences(of: "rasters:\n", with: "rasters:\n  tree_canopy: {path: Rasters/other.tif}\n")) },
             ["city.yaml", "duplicated key(s): 'tree_canopy'", "in line 8"]),
            ("non-UTF-8", { try $0.write("city.yaml", bytes: Array("name: caf".utf8) + [0xE9] + Array("\n".utf8) + Array(Self.manifest.utf8)) },
             ["city.yaml (line 1)", "not UTF-8"]),
            ("2 GB line", { try $0.writeHugeLine("city.yaml", prefix: "name: ") }, ["city.yaml", "MiB"]),
            ("binary", { try $0.write("city.yaml", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) }, ["city.yaml"]),
        ])
    }

    @Test func rasters() throws {
        try check([
            ("empty file", { try $0.write("Rasters/tree_canopy.tif", "") }, ["Rasters/tree_canopy.tif", "not a raster"]),
            ("truncated", { f in
                try f.writeRaster("Rasters/tree_canopy.tif", values: (0..<400).map { Float($0 % 100) })
                let path = f.folder + "/Rasters/tree_canopy.tif"
                let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle.truncate(atOffset: UInt64(size / 3))
                try handle.close()
            }, ["Rasters/tree_canopy.tif", "truncated or corrupt", "gdalinfo -checksum"]),
            ("wrong type (a CSV)", { try $0.write("Rasters/tree_canopy.tif", "a,b\n1,2\n") }, ["Rasters/tree_canopy.tif", "not a raster"]),
            ("wrong CRS (metres labelled as degrees)", { try $0.writeRaster("Rasters/tree_canopy.tif", values: [Float](repeating: 10, count: 400), epsg: 4326) },
             ["Rasters/tree_canopy.tif"]),
            ("+inf pixel", { try $0.writeRaster("Rasters/tree_canopy.tif", values: [Float](repeating: 10, count: 399) + [.infinity]) },
             ["Rasters/tree_canopy.tif", "pixel (col 19, row 19)", "inf"]),
            ("huge canopy height", { f in
                try f.writeRaster("Rasters/canopy_height.tif", values: [Float](repeating: 8, count: 42) + [1e30] + [Float](repeating: 8, count: 357))
                try f.edit("city.yaml") { $0.replacingOccurrences(of: "rasters:\n", with: "rasters:\n  canopy_height: {path: Rasters/canopy_height.tif}\n") }
            }, ["Rasters/canopy_height.tif", "pixel (col 2, row 2)", "outside 0.0…150.0", "canopy_height"]),
        ])
    }

    /// NaN pixels are no data (the usual marker of float rasters), not an error: the cell has no value.
    @Test func nanPixelsAreNoData() throws {
        let f = try FixtureCity()
        try f.writeRaster("Rasters/tree_canopy.tif", values: [.nan] + [Float](repeating: 10, count: 399))
        let city = try City(manifestPath: f.manifest)
        let all = Window(x: 0, y: 0, width: 20, height: 20)
        let read = try #require(city.rasters[.treeCanopy]).read(all)
        #expect(read[0, 0].isNaN && read[1, 0] == 0.1, "NaN read as no data, its neighbour as 10 % (scale 0.01)")
        #expect(try city.layers(all).treeCanopy[0, 0] == 0, "no canopy data: the layer's default, no canopy")
    }

    @Test func vectors() throws {
        try check([
            ("height NaN (stored as empty)", { try $0.writeBuildings(heights: [.nan, 7]) }, ["Rasters/buildings.gpkg (feature 1)", "height"]),
            ("height huge", { try $0.writeBuildings(heights: [12, 1e30]) }, ["Rasters/buildings.gpkg (feature 2)", "not plausible"]),
            ("height negative", { try $0.writeBuildings(heights: [-3, 7]) }, ["Rasters/buildings.gpkg (feature 1)", "not plausible"]),
            ("no CRS", { try $0.writeBuildings(heights: [12, 7], crs: false) }, ["Rasters/buildings.gpkg", "no coordinate reference system"]),
            ("empty file", { try $0.write("Rasters/buildings.gpkg", "") }, ["Rasters/buildings.gpkg", "not a vector file"]),
            ("wrong type (a raster)", { f in
                try FileManager.default.removeItem(atPath: f.folder + "/Rasters/buildings.gpkg")
                try FileManager.default.copyItem(atPath: f.folder + "/Rasters/tree_canopy.tif", toPath: f.folder + "/Rasters/buildings.gpkg")
            }, ["Rasters/buildings.gpkg", "not a vector file"]),
            ("a million vertices", { try $0.writeBuildings(heights: [12, 7], outline: FixtureCity.manyVertexPolygon(1_000_000)) },
             ["Rasters/buildings.gpkg (feature 1)", "1000001 vertices", "simplify"]),
        ])
    }

    @Test func sensorsCSV() throws {
        let stations = "SensorData/sensors.csv", measurements = "SensorData/measurements.csv"
        try check([
            ("empty", { try $0.write(stations, "") }, [stations, "empty"]),
            ("header only", { try $0.write(stations, "sensor_id,site_id,commune,lon,lat,height_m\n") }, [stations, "no sensor"]),
            ("truncated row", { try $0.edit(stations) { String($0.prefix($0.count - 12)) } }, [stations, "line 3", "fields where the header has 6"]),
            ("wrong type", { try $0.edit(stations) { $0.replacingOccurrences(of: ",3\nB", with: ",three\nB") } }, [stations, "line 2, column height_m", "not a number"]),
            ("NaN longitude", { try $0.edit(stations) { $0.replacingOccurrences(of: "s1,Bègles,-0", with: "s1,Bègles,nan") } }, [stations, "line 2, column lon", "not a number"]),
            ("huge height", { try $0.edit(stations) { $0.replacingOccurrences(of: ",3\nB", with: ",1e300\nB") } }, [stations, "line 2", "height_m"]),
            ("non-UTF-8", { f in
                let text = try String(contentsOfFile: f.folder + "/" + stations, encoding: .utf8)
                try f.write(stations, bytes: Array(text.utf8).map { $0 == 0xC3 ? 0xE8 : $0 }.filter { $0 != 0xA8 })
            }, [stations, "line 2", "UTF-8"]),
            ("2 GB line", { try $0.writeHugeLine(stations, prefix: "sensor_id,site_id,commune,lon,lat,height_m\nA,") }, [stations, "line 2", "longer than"]),
        ])
        try check([
            ("measurement Inf", { try $0.edit(measurements) { $0.replacingOccurrences(of: "A,2022-07-18T03:00:00Z,22", with: "A,2022-07-18T03:00:00Z,inf") } },
             [measurements, "line 8, column temperature_c", "not a number"]),
            ("truncated last line", { try $0.edit(measurements) { $0 + "B,2022-07-18T0" } }, [measurements, "line 50", "2 fields"]),
            ("gzip corrupt", { f in
                try f.write("SensorData/measurements.csv.gz", bytes: [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + [UInt8](repeating: 0x55, count: 40))
                try f.edit("city.yaml") { $0.replacingOccurrences(of: "measurements.csv]", with: "measurements.csv.gz]") }
            }, ["measurements.csv.gz", "corrupt"]),
            ("2 GB line", { try $0.writeHugeLine(measurements, prefix: "sensor_id,time,temperature_c,humidity_pct\n") }, [measurements, "longer than"]),
            ("time out of range", { try $0.edit(measurements) { $0.replacingOccurrences(of: "A,2022-07-18T03:00:00Z", with: "A,2022-13-45T03:00:00Z") } },
             [measurements, "line 8, column time"]),
        ])
    }

    @Test func referenceCSV() throws {
        let reference = "SensorData/reference.csv"
        try check([
            ("empty", { try $0.write(reference, "") }, [reference, "empty"]),
            ("missing column", { try $0.edit(reference) { $0.replacingOccurrences(of: ",global_radiation_wm2", with: "") } }, [reference, "global_radiation_wm2"]),
            ("NaN", { try $0.edit(reference) { $0.replacingOccurrences(of: "T05:00:00Z,22", with: "T05:00:00Z,NaN") } }, [reference, "line 7", "not a number"]),
            ("duplicate hour", { try $0.edit(reference) { $0 + "2022-07-18T05:00:00Z,30,50,2,500\n" } }, [reference, "line 26", "2022-07-18T05:00:00Z", "line 7"]),
            ("header only", { try $0.write(reference, "time,temperature_c,humidity_pct,wind_ms,global_radiation_wm2\n") }, [reference, "no data rows"]),
            ("times centuries apart", { try $0.edit(reference) { $0 + "2272-07-18T05:00:00Z,30,50,2,500\n" } }, [reference, "span 250 years"]),
        ])
    }

    @Test func surveyCSV() throws {
        let f = try FixtureCity()
        let path = f.folder + "/survey.csv"
        let cases: [(String, [UInt8], [String])] = [
            ("empty", [], ["survey.csv", "empty"]),
            ("bad vote", Array("time,lon,lat,vote\n2022-07-18T15:00:00+02:00,-0.58,44.82,tepid\n".utf8), ["survey.csv", "line 2, column vote", "tepid"]),
            ("vote out of scale", Array("time,lon,lat,vote\n2022-07-18T15:00:00+02:00,-0.58,44.82,9\n".utf8), ["survey.csv", "line 2, column vote"]),
            ("latitude out of range", Array("time,lon,lat,vote\n2022-07-18T15:00:00+02:00,-0.58,144.82,hot\n".utf8), ["survey.csv", "line 2", "lat"]),
            ("non-UTF-8", Array("time,lon,lat,vote\n2022-07-18T15:00:00+02:00,-0.58,44.82,tr".utf8) + [0xE8, 0x73, 0x0A], ["survey.csv", "line 2", "UTF-8"]),
        ]
        for (what, bytes, expected) in cases {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect { try SurveyFile.read(path: path) } throws: { error in
                let message = "\(error)"
                let ok = expected.allSatisfy { message.contains($0) }
                if !ok { Issue.record("\(what): «\(message)»") }
                return ok
            }
        }
    }
}
