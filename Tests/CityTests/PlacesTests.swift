import Foundation
import GeoIO
import TestFixtures
import Testing
@testable import City

/// The city's names: read from any OGR file and CRS, the nearest name to a point, the district holding it, and
/// search by part of a name.
@Suite struct PlacesTests {
    /// GeoJSON in WGS 84 (the streets of a city given by a portal): two features of one street, a square (polygon)
    /// and a district; the grid is Lambert-93.
    func writeStreets() throws -> String {
        let folder = TestFiles.root + "ictu-places-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/streets.geojson"
        let text = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"nom":"Rue Élisée Reclus"},"geometry":{"type":"LineString","coordinates":[[-0.5700,44.8300],[-0.5650,44.8300]]}},
        {"type":"Feature","properties":{"nom":"Rue Élisée Reclus"},"geometry":{"type":"LineString","coordinates":[[-0.5650,44.8300],[-0.5600,44.8300]]}},
        {"type":"Feature","properties":{"nom":"Place Pey-Berland"},"geometry":{"type":"Polygon","coordinates":[[[-0.5700,44.8310],[-0.5690,44.8310],[-0.5690,44.8317],[-0.5700,44.8317],[-0.5700,44.8310]]]}},
        {"type":"Feature","properties":{"nom":null},"geometry":{"type":"Point","coordinates":[-0.5680,44.8320]}}
        ]}
        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func lambert(_ lon: Double, _ lat: Double) throws -> (x: Double, y: Double) {
        try CoordinateTransform(from: "EPSG:4326", to: "EPSG:2154").transform(x: lon, y: lat)
    }

    @Test func theNearestNameIsTheStreetOrTheSquareAPointIsOn() throws {
        let index = try PlaceIndex.read(file: try writeStreets(), displayName: "streets.geojson", role: "streets", layer: nil, nameAttribute: nil, gridCRS: "EPSG:2154")
        // One place per name (the unnamed point left out); the street's two pieces share one extent.
        #expect(index.places.map(\.name) == ["Rue Élisée Reclus", "Place Pey-Berland"])
        let street = index.places[0].bounds
        #expect(abs(street[0] + 0.57) < 1e-9 && abs(street[2] + 0.56) < 1e-9, "\(street)")
        // 20 m north of the street (a degree of latitude is 111 km): named after it, at 20 m.
        let near = try lambert(-0.5620, 44.8300 + 20 / 111_000)
        let found = try #require(index.nearest(x: near.x, y: near.y))
        #expect(found.place == 0 && abs(found.distance - 20) < 0.5, "\(found)")
        // Inside the square: distance 0, even 30 m from its edges' nearest vertex.
        let inSquare = try lambert(-0.5695, 44.83135)
        #expect(index.nearest(x: inSquare.x, y: inSquare.y).map { $0.place == 1 && $0.distance == 0 } == true)
        #expect(index.containing(x: inSquare.x, y: inSquare.y) == 1)
        // 500 m from everything: no name (reach 60 m).
        let far = try lambert(-0.5650, 44.8350)
        #expect(index.nearest(x: far.x, y: far.y) == nil)
        // Most of an island's cells on the street name it after the street.
        #expect(index.name(mostOf: [near, near, inSquare]) == "Rue Élisée Reclus")
    }

    @Test func searchIgnoresCaseAccentsAndHyphensAndPutsWordStartsFirst() throws {
        let index = try PlaceIndex.read(file: try writeStreets(), displayName: "streets.geojson", role: "streets", layer: nil, nameAttribute: "nom", gridCRS: "EPSG:2154")
        #expect(index.search("elisee").map(\.name) == ["Rue Élisée Reclus"])
        #expect(index.search("pey berland").map(\.name) == ["Place Pey-Berland"])
        #expect(index.search("E").map(\.name) == ["Rue Élisée Reclus", "Place Pey-Berland"], "a word starting with an e first, though the other name is shorter")
        #expect(index.search("gambetta").isEmpty && index.search("  ").isEmpty)
    }

    @Test func aMissingNameAttributeIsNamedWithTheFieldsThereAre() throws {
        #expect {
            _ = try PlaceIndex.read(file: try writeStreets(), displayName: "streets.geojson", role: "streets", layer: nil, nameAttribute: "nmo", gridCRS: "EPSG:2154")
        } throws: { "\($0)".contains("no attribute 'nmo'") && "\($0)".contains("nom") }
    }

    @Test func wkbOfEveryShapeAndByteOrderIsRead() throws {
        let context = GeometryContext()
        let multi = try #require(WKB.shape(try Geometry(wkt: "MULTILINESTRING((0 0, 1 1), (2 2, 3 3, 4 4))", context: context).wkb))
        #expect(multi.lines.map(\.count) == [2, 3] && multi.lines[1][2] == (x: 4, y: 4))
        let polygon = try #require(WKB.shape(try Geometry(wkt: "POLYGON((0 0, 10 0, 10 10, 0 0), (1 1, 2 1, 2 2, 1 1))", context: context).wkb))
        #expect(polygon.polygons.count == 1 && polygon.polygons[0].count == 2 && polygon.lines.isEmpty)
        let z = try #require(WKB.shape(try Geometry(wkt: "LINESTRING Z (1 2 3, 4 5 6)", context: context).wkb))
        #expect(z.lines[0].map(\.x) == [1, 4] && z.lines[0].map(\.y) == [2, 5], "Z skipped")
        // Big-endian: the point (1, 2) written by hand.
        var bigEndian: [UInt8] = [0, 0, 0, 0, 1]
        for value in [1.0, 2.0] { withUnsafeBytes(of: value.bitPattern.bigEndian) { bigEndian += $0 } }
        #expect(WKB.shape(bigEndian)?.lines.first?.first.map { $0.x == 1 && $0.y == 2 } == true)
        // Truncated or lying about its counts: nil, not a crash.
        #expect(WKB.shape(Array(WKB.lineString([(0, 0), (1, 1)]).dropLast(3))) == nil)
        #expect(WKB.shape([1, 2, 0, 0, 0, 255, 255, 255, 255]) == nil)
    }
}
