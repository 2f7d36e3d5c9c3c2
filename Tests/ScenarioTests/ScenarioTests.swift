import Foundation
import GeoIO
import Grid
import TestFixtures
import Testing
@testable import Scenario

/// Scenario files: parameters typed with documented defaults, geometries checked with GEOS, every problem named.
@Suite(.tags(.endToEnd)) struct ScenarioTests {
    /// A 2 km grid (EPSG:2154, 2 m) around -0.57, 44.83.
    static let grid: GridSpec = {
        let p = try! CoordinateTransform(from: "EPSG:4326", to: "EPSG:2154").transform(x: -0.57, y: 44.83)
        return GridSpec(crs: "EPSG:2154", originX: (p.x - 1000).rounded(), originY: (p.y + 1000).rounded(), cellSize: 2, width: 1000, height: 1000)
    }()

    /// A square of `d` degrees at (lon, lat).
    static func square(_ lon: Double, _ lat: Double, _ d: Double = 0.001) -> String {
        "[[[\(lon),\(lat)],[\(lon + d),\(lat)],[\(lon + d),\(lat + d)],[\(lon),\(lat + d)],[\(lon),\(lat)]]]"
    }

    func file(_ features: [String]) throws -> String {
        let path = TestFiles.root + "scenario-\(UUID().uuidString).geojson"
        try "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func feature(_ id: String, _ properties: String, geometry: String = square(-0.57, 44.83)) -> String {
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"\(id)\",\(properties)},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":\(geometry)}}"
    }

    @Test func aValidScenarioGetsItsDefaultsAndIsInTheGridsCRS() throws {
        let path = try file([feature("new-park", "\"kind\":\"park\",\"years_after_planting\":30"),
                             feature("street", "\"kind\":\"prune\",\"crown_reduction\":0.5"),
                             feature("square", "\"kind\":\"surface\",\"material\":\"light_concrete\"")])
        let scenario = try Scenario(path: path, grid: Self.grid)
        #expect(scenario.edits.map(\.kind) == [.park, .prune, .surface])
        #expect(scenario.edits[0].values == ["tree_cover": 0.5, "shrub_cover": 0.15, "grass_cover": 0.3, "tree_height_m": 15, "years_after_planting": 30])
        #expect(scenario.edits[1].values["crown_reduction"] == 0.5)
        #expect(scenario.edits[2].values["albedo"] == 0.45)
        // A 0.001° square at 44.83° N is 78.95 m (111 320 m · cos 44.83° · 0.001) by 111.13 m: ≈ 8 774 m² once in
        // Lambert-93 metres (conformal, scale factor within 0.1 % of 1 here).
        let area = try Geometry(wkb: scenario.edits[0].wkb).area
        #expect(abs(area - 8774) / 8774 < 0.01, "area \(area) m²")
    }

    @Test func everyProblemNamesTheFeatureAndTheField() throws {
        let cases: [(String, [String])] = [
            (feature("p1", "\"kind\":\"parc\""), ["feature 1 (id p1)", "kind", "unknown kind \"parc\""]),
            (feature("b1", "\"kind\":\"building\""), ["feature 1 (id b1)", "height_m", "required"]),
            (feature("b2", "\"kind\":\"building\",\"height_m\":1000"), ["height_m", "out of range"]),
            (feature("c1", "\"kind\":\"prune\",\"crown_reduction\":\"lots\""), ["crown_reduction", "not a number"]),
            (feature("s1", "\"kind\":\"surface\""), ["albedo", "material"]),
            (feature("s2", "\"kind\":\"surface\",\"material\":\"marble\""), ["material", "unknown material"]),
            (feature("k1", "\"kind\":\"park\",\"tree_cover\":0.8,\"grass_cover\":0.5"), ["add up to"]),
            (feature("bow", "\"kind\":\"water\"", geometry: "[[[-0.57,44.83],[-0.569,44.831],[-0.569,44.83],[-0.57,44.831],[-0.57,44.83]]]"), ["invalid geometry", "Self-intersection"]),
            (feature("far", "\"kind\":\"water\"", geometry: Self.square(2.35, 48.85)), ["outside the run's grid"]),
            (feature("none", "\"id\":\"x\""), ["feature 1", "kind", "missing"]),
            // A mistyped parameter is not ignored (its default would be used without a word).
            (feature("t1", "\"kind\":\"park\",\"tree_cover_pct\":60"), ["feature 1 (id t1)", "`tree_cover_pct`", "unknown property for a park edit", "did you mean `tree_cover`"]),
            (feature("t2", "\"kind\":\"trees\",\"years\":30"), ["`years`", "did you mean `years_after_planting`"]),
            (feature("ring", "\"kind\":\"water\"", geometry: "[[[-0.57,44.83],[-0.569,44.83],[-0.569,44.831],[-0.5695,44.8312]]]"), ["feature 1 (id ring)", "LinearRing", "rings must close"]),
            (feature("hole", "\"kind\":\"water\"", geometry: "[]"), ["feature 1 (id hole)"]),
        ]
        for (f, expected) in cases {
            let path = try file([f])
            #expect { try Scenario(path: path, grid: Self.grid) } throws: { error in
                let text = "\(error)"
                return expected.allSatisfy { text.contains($0) }
            }
        }
        // Projected coordinates in a file that names no CRS, said on the command line (--crs): a 100 m square.
        let x = Self.grid.originX + 1000, y = Self.grid.originY - 1000
        let projected = try file([feature("l93", "\"kind\":\"water\"", geometry: "[[[\(x),\(y)],[\(x + 100),\(y)],[\(x + 100),\(y + 100)],[\(x),\(y + 100)],[\(x),\(y)]]]")])
        let edit = try #require(try Scenario(path: projected, grid: Self.grid, crs: "EPSG:2154").edits.first)
        #expect(abs(edit.bounds.minX - x) < 1e-6 && abs(edit.bounds.maxY - (y + 100)) < 1e-6)
        // A CRS PROJ does not know.
        let plain = try file([feature("w", "\"kind\":\"water\"")])
        #expect { try Scenario(path: plain, grid: Self.grid, crs: "EPSG:999999") } throws: { "\($0)".contains("EPSG:999999") }
        // The index counts from 1 over the file: the second feature is named as such.
        let path = try file([feature("ok", "\"kind\":\"remove_trees\""), feature("bad", "\"kind\":\"irrigate\",\"stress_after\":2")])
        #expect { try Scenario(path: path, grid: Self.grid) } throws: { "\($0)".contains("feature 2 (id bad), field `stress_after`") }
    }

    /// The reliability issue's catalogue for scenario files: each malformed file is refused, naming the file, and
    /// the feature when there is one.
    @Test func malformedScenarioFilesAreRefusedByName() throws {
        let valid = "{\"type\":\"FeatureCollection\",\"features\":[\(feature("p1", "\"kind\":\"water\""))]}"
        let ring = (0...1_000_000).map { i -> String in
            let a = 2 * Double.pi * Double(i % 1_000_000) / 1_000_000
            return String(format: "[%.7f,%.7f]", -0.57 + 0.001 * cos(a), 44.83 + 0.001 * sin(a))
        }.joined(separator: ",")
        let cases: [(String, [UInt8], [String])] = [
            ("empty", [], ["not a GeoJSON"]),
            ("truncated", Array(valid.utf8.prefix(valid.utf8.count / 2)), ["not a GeoJSON"]),
            ("wrong type (a CSV)", Array("kind,lon,lat\npark,-0.57,44.83\n".utf8), ["not a GeoJSON"]),
            ("non-UTF-8 kind", Array(valid.replacingOccurrences(of: "water", with: "eau-\u{1}").utf8).map { $0 == 1 ? 0xE9 : $0 }, ["feature 1 (id p1)", "kind"]),
            ("NaN coordinate", Array(valid.replacingOccurrences(of: "[-0.57,44.83]", with: "[NaN,44.83]").utf8), ["feature 1 (id p1)", "do not transform"]),
            ("huge coordinate", Array(valid.replacingOccurrences(of: "[-0.569,44.83]", with: "[1e308,44.83]").utf8), ["feature 1 (id p1)", "do not transform"]),
            ("point, not a polygon", Array("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"kind\":\"water\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[-0.57,44.83]}}]}".utf8),
             ["feature 1", "no area"]),
            ("duplicate ids", Array("{\"type\":\"FeatureCollection\",\"features\":[\(feature("p1", "\"kind\":\"water\"")),\(feature("p1", "\"kind\":\"park\""))]}".utf8),
             ["feature 2 (id p1), field `id`", "already used by feature 1"]),
            ("a million vertices", Array("{\"type\":\"FeatureCollection\",\"features\":[\(feature("big", "\"kind\":\"water\"", geometry: "[[\(ring)]]"))]}".utf8),
             ["feature 1 (id big)", "1000001 vertices", "simplify"]),
        ]
        for (what, bytes, expected) in cases {
            let path = TestFiles.root + "scenario-\(UUID().uuidString).geojson"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Scenario(path: path, grid: Self.grid)
                Issue.record("\(what): accepted")
            } catch {
                let message = "\(error)"
                #expect(message.hasPrefix(URL(fileURLWithPath: path).lastPathComponent), "\(what): names the file: \(message.prefix(300))")
                for part in expected { #expect(message.contains(part), "\(what): «\(message.prefix(300))» should say «\(part)»") }
            }
        }
    }
}
