import Foundation
import GeoIO
import Support

/// A named place of the city (a street, a square, a park, a district) as a search finds it: all its features
/// under one name, with their extent in longitude and latitude.
public struct Place: Codable, Sendable, Equatable {
    public var name: String
    /// west, south, east, north (degrees).
    public var bounds: [Double]
}

/// The city's own names — the manifest's `streets` (or `districts`) vector role — for naming what the engine
/// finds (a heat island "Rue Montesquieu") and for the viewer's search. Geometries are kept in the grid's CRS as
/// vertex lines, bucketed on a coarse lattice so the nearest name to a point is found among a few segments.
public struct PlaceIndex: Sendable {
    public let places: [Place]
    /// Per feature: its place, its lines and polygons (grid CRS).
    let featurePlace: [Int]
    let shapes: [WKB.Shape]
    /// Segments (feature, a, b) and the lattice buckets holding them.
    let segments: [(feature: Int32, a: (x: Double, y: Double), b: (x: Double, y: Double))]
    let buckets: [Int64: [Int32]]
    let bucketMetres: Double
    /// The farthest a point may be from a place and still be named after it, m.
    public let reach: Double

    /// Attributes tried, in order, when the manifest names none.
    public static let nameAttributes = ["name", "nom", "nom_voie", "nom_1_g", "libelle", "NAME", "NOM"]

    /// Reads a `streets` or `districts` role of the manifest; nil when the manifest has no such role.
    public static func read(manifest path: String, role: String, gridCRS: String, reach: Double = 60) throws -> PlaceIndex? {
        let manifest = try Manifest.load(path)
        guard let settings = manifest.vectors?[role] else { return nil }
        let file = Manifest.resolve(settings.path, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent())
        return try read(file: file, displayName: settings.path, role: role, layer: settings.layer, nameAttribute: settings.nameAttribute,
                        gridCRS: gridCRS, reach: reach)
    }

    public static func read(file: String, displayName: String, role: String, layer layerName: String?, nameAttribute: String?, gridCRS: String,
                            reach: Double = 60) throws -> PlaceIndex {
        guard FileManager.default.fileExists(atPath: file) else {
            throw CityInputError(file: displayName, location: "vectors.\(role)", problem: "no such file", fix: "check the path (relative to the manifest)")
        }
        let dataset: VectorDataset
        do { dataset = try VectorDataset.open(file) } catch {
            throw CityInputError(file: displayName, problem: "not a vector file GDAL can read (\((error as? GeoError)?.libraryMessage ?? "\(error)"))", fix: "use GeoPackage, GeoJSON or Shapefile")
        }
        var index = 0
        if let layerName {
            guard let i = (0..<dataset.layerCount).first(where: { (try? dataset.layer($0).name) == layerName }) else {
                throw CityInputError(file: displayName, problem: "no layer named '\(layerName)'", fix: "set vectors.\(role).layer to one of its layers")
            }
            index = i
        }
        let layer = try dataset.layer(index)
        let fields = layer.fieldNames
        guard let attribute = nameAttribute ?? nameAttributes.first(where: fields.contains) else {
            throw CityInputError(file: displayName, problem: "no name attribute (fields: \(fields.joined(separator: ", ")))",
                                 fix: "set vectors.\(role).name_attribute in the manifest to the field holding the names")
        }
        guard fields.contains(attribute) else {
            throw CityInputError(file: displayName, problem: "no attribute '\(attribute)' (fields: \(fields.joined(separator: ", ")))",
                                 fix: Spelling.hint(for: attribute, among: fields))
        }
        guard let source = layer.spatialReference, !source.isUndefined else {
            throw CityInputError(file: displayName, problem: "has no coordinate reference system", fix: "assign one (ogr2ogr -a_srs EPSG:2154)")
        }
        let target = try SpatialReference(definition: gridCRS)
        let toWGS = try CoordinateTransform(from: gridCRS, to: "EPSG:4326")
        var names: [String: Int] = [:]
        var places: [Place] = []
        var featurePlace: [Int] = []
        var shapes: [WKB.Shape] = []
        try layer.forEachFeature { feature in
            guard let value = feature.fields[attribute] ?? nil, case let name = value.stringValue.trimmingCharacters(in: .whitespaces), !name.isEmpty,
                  let wkb = feature.geometryWKB else { return }
            guard GeometryLimits.excessiveVertexCount(wkb) == nil, let shape = WKB.shape(try WKB.transformed(wkb, from: source, to: target)) else {
                throw CityInputError(file: displayName, location: "feature \(feature.id)", problem: "a geometry that cannot be read or has too many vertices",
                                     fix: GeometryLimits.fix)
            }
            let points = Array(shape.lines.joined()) + Array(shape.polygons.joined().joined())
            guard !points.isEmpty else { return }
            var w = Double.infinity, s = Double.infinity, e = -Double.infinity, n = -Double.infinity
            for p in points {
                let ll = try toWGS.transform(x: p.x, y: p.y)
                w = min(w, ll.x); e = max(e, ll.x); s = min(s, ll.y); n = max(n, ll.y)
            }
            let k: Int
            if let existing = names[name] {
                k = existing
                let b = places[k].bounds
                places[k].bounds = [min(b[0], w), min(b[1], s), max(b[2], e), max(b[3], n)]
            } else {
                k = places.count
                names[name] = k
                places.append(Place(name: name, bounds: [w, s, e, n]))
            }
            featurePlace.append(k)
            shapes.append(shape)
        }
        return PlaceIndex(places: places, featurePlace: featurePlace, shapes: shapes, reach: reach)
    }

    init(places: [Place], featurePlace: [Int], shapes: [WKB.Shape], reach: Double) {
        self.places = places
        self.featurePlace = featurePlace
        self.shapes = shapes
        self.reach = reach
        bucketMetres = max(50, 2 * reach)
        var segments: [(feature: Int32, a: (x: Double, y: Double), b: (x: Double, y: Double))] = []
        for (f, shape) in shapes.enumerated() {
            for line in shape.lines + shape.polygons.flatMap({ $0 }) {
                if line.count == 1 { segments.append((Int32(f), line[0], line[0])) }
                for k in line.indices.dropFirst() { segments.append((Int32(f), line[k - 1], line[k])) }
            }
        }
        var buckets: [Int64: [Int32]] = [:]
        let size = bucketMetres
        for (s, segment) in segments.enumerated() {
            // Every bucket whose square lies within `reach` of the segment's box.
            let x0 = Int64(((min(segment.a.x, segment.b.x) - reach) / size).rounded(.down)), x1 = Int64(((max(segment.a.x, segment.b.x) + reach) / size).rounded(.down))
            let y0 = Int64(((min(segment.a.y, segment.b.y) - reach) / size).rounded(.down)), y1 = Int64(((max(segment.a.y, segment.b.y) + reach) / size).rounded(.down))
            guard (x1 - x0 + 1) * (y1 - y0 + 1) < 1_000_000 else { continue }
            for bx in x0...x1 { for by in y0...y1 { buckets[Self.key(bx, by), default: []].append(Int32(s)) } }
        }
        self.segments = segments
        self.buckets = buckets
    }

    static func key(_ bx: Int64, _ by: Int64) -> Int64 { bx &* 0x1_0000_0000 &+ by }

    /// The place nearest to (x, y) in the grid's CRS within `reach`, and its distance (0 inside a polygon).
    public func nearest(x: Double, y: Double) -> (place: Int, distance: Double)? {
        let bucket = Self.key(Int64((x / bucketMetres).rounded(.down)), Int64((y / bucketMetres).rounded(.down)))
        var best: (place: Int, distance: Double)? = nil
        var tested = Set<Int32>()
        for s in buckets[bucket] ?? [] {
            let segment = segments[Int(s)]
            var d = Self.distance(x, y, segment.a, segment.b)
            if d > 0, !tested.contains(segment.feature), shapes[Int(segment.feature)].polygons.contains(where: { Self.inside(x, y, $0) }) { d = 0 }
            tested.insert(segment.feature)
            if d <= reach, d < (best?.distance ?? .infinity) { best = (featurePlace[Int(segment.feature)], d) }
        }
        return best
    }

    /// The place whose polygon holds (x, y) in the grid's CRS (a district), if any.
    public func containing(x: Double, y: Double) -> Int? {
        for (f, shape) in shapes.enumerated() where shape.polygons.contains(where: { Self.inside(x, y, $0) }) { return featurePlace[f] }
        return nil
    }

    /// The name most of `points` are nearest to (each within `reach`), or nil when none is.
    public func name(mostOf points: [(x: Double, y: Double)]) -> String? {
        var votes: [Int: Int] = [:]
        for p in points { if let n = nearest(x: p.x, y: p.y) { votes[n.place, default: 0] += 1 } }
        return votes.max { $0.value != $1.value ? $0.value < $1.value : places[$0.key].name > places[$1.key].name }.map { places[$0.key].name }
    }

    /// Places whose name holds every word of `query` (case, accents, hyphens and apostrophes ignored), those whose
    /// words start with the query's first, then the shortest names first.
    public func search(_ query: String, limit: Int = 10) -> [Place] {
        let words = Self.fold(query).split(separator: " ").map(String.init)
        guard !words.isEmpty else { return [] }
        var found: [(place: Place, starts: Bool)] = []
        for place in places {
            let name = Self.fold(place.name)
            guard words.allSatisfy(name.contains) else { continue }
            let starts = name.split(separator: " ").contains { $0.hasPrefix(words[0]) }
            found.append((place, starts))
        }
        found.sort { ($0.starts ? 0 : 1, $0.place.name.count, $0.place.name) < ($1.starts ? 0 : 1, $1.place.name.count, $1.place.name) }
        return found.prefix(limit).map(\.place)
    }

    static func fold(_ text: String) -> String {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return String(folded.map { $0.isLetter || $0.isNumber ? $0 : " " })
    }

    static func distance(_ x: Double, _ y: Double, _ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let length2 = dx * dx + dy * dy
        let t = length2 > 0 ? max(0, min(1, ((x - a.x) * dx + (y - a.y) * dy) / length2)) : 0
        let px = a.x + t * dx - x, py = a.y + t * dy - y
        return (px * px + py * py).squareRoot()
    }

    /// Even–odd rule over every ring (holes included).
    static func inside(_ x: Double, _ y: Double, _ rings: [[(x: Double, y: Double)]]) -> Bool {
        var inside = false
        for ring in rings where ring.count > 2 {
            var j = ring.count - 1
            for i in ring.indices {
                let a = ring[i], b = ring[j]
                if (a.y > y) != (b.y > y), x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                j = i
            }
        }
        return inside
    }
}
