import Foundation
import GeoIO
import Grid

/// Bounds on a single feature's geometry: a footprint or a scenario's polygon with more vertices than this is a
/// digitising accident (or an attack), and rasterising it would cost seconds per block.
public enum GeometryLimits {
    public static let maxVertices = 100_000
    public static let fix = "simplify it (e.g. ogr2ogr -simplify 0.2 out.gpkg in.gpkg: 20 cm tolerance)"

    /// The feature's vertex count when it is over the limit, else nil. A 2-D vertex takes 16 bytes of WKB, so
    /// only a geometry big enough to be over the limit is parsed to count them.
    public static func excessiveVertexCount(_ wkb: [UInt8]) -> Int? {
        guard wkb.count > 16 * maxVertices else { return nil }
        guard let count = try? Geometry(wkb: wkb).vertexCount else { return wkb.count / 16 }
        return count > maxVertices ? count : nil
    }

    public static func problem(_ count: Int) -> String { "\(count) vertices (more than \(maxVertices))" }
}

/// Building footprints with heights, checked feature by feature.
public final class BuildingFootprints {
    public let displayName: String
    public let heightAttribute: String
    public let count: Int
    public let heightRange: (min: Double, max: Double)
    let dataset: VectorDataset
    let layerIndex: Int
    let crsWKT: String
    /// The footprints are in the grid's CRS: a window's rectangle can filter them directly.
    let inGridCRS: Bool

    /// `checked`: every feature's height and geometry checked (and counted); false for an opening of inputs known to
    /// be checked already (a second reader), which only needs the layer.
    init(settings: Manifest.VectorInput, manifestFolder: URL, grid: GridSpec, checked: Bool = true) throws {
        displayName = settings.path
        let path = Manifest.resolve(settings.path, relativeTo: manifestFolder)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CityInputError(file: displayName, location: "vectors.buildings", problem: "no such file", fix: "check the path (relative to the manifest)")
        }
        let opened: VectorDataset
        do { opened = try VectorDataset.open(path) } catch {
            throw CityInputError(file: settings.path, problem: "not a vector file GDAL can read (\((error as? GeoError)?.libraryMessage ?? "\(error)"))", fix: "use GeoPackage, GeoJSON or Shapefile")
        }
        dataset = opened
        var index = 0
        if let name = settings.layer {
            guard let i = (0..<opened.layerCount).first(where: { (try? opened.layer($0).name) == name }) else {
                throw CityInputError(file: displayName, problem: "no layer named '\(name)'")
            }
            index = i
        }
        layerIndex = index
        let layer = try dataset.layer(index)
        heightAttribute = settings.heightAttribute ?? "hauteur"
        guard layer.fieldNames.contains(heightAttribute) else {
            throw CityInputError(file: displayName, problem: "no height attribute '\(heightAttribute)' (fields: \(layer.fieldNames.joined(separator: ", ")))",
                                 fix: "set vectors.buildings.height_attribute in the manifest")
        }
        guard let srs = layer.spatialReference, !srs.isUndefined else {
            throw CityInputError(file: displayName, problem: "has no coordinate reference system", fix: "assign one (ogr2ogr -a_srs EPSG:2154)")
        }
        crsWKT = srs.wkt
        inGridCRS = (try? SpatialReference(definition: grid.crs)).map { srs.isSame(as: $0) } ?? false
        guard checked else {
            count = layer.featureCount
            heightRange = (0, 0)
            return
        }
        var n = 0, lo = Double.infinity, hi = -Double.infinity
        let attribute = heightAttribute
        let name = displayName
        try layer.forEachFeature { feature in
            n += 1
            guard let value = feature.fields[attribute] ?? nil, let height = value.doubleValue else {
                throw CityInputError(file: name, location: "feature \(feature.id)", problem: "building without a height ('\(attribute)' is empty)",
                                     fix: "give every footprint a height in metres, or remove it")
            }
            guard height.isFinite, height > 0, height < 1000 else {
                throw CityInputError(file: name, location: "feature \(feature.id)", problem: "height \(height) m is not plausible", fix: "heights are metres above ground, 0–1000")
            }
            if let wkb = feature.geometryWKB, let count = GeometryLimits.excessiveVertexCount(wkb) {
                throw CityInputError(file: name, location: "feature \(feature.id)", problem: GeometryLimits.problem(count), fix: GeometryLimits.fix)
            }
            lo = min(lo, height); hi = max(hi, height)
        }
        count = n
        heightRange = n > 0 ? (lo, hi) : (0, 0)
    }

    /// Building height (m, 0 where no building) on a window of the grid: a cell is built when its centre is in a footprint.
    public func rasterize(_ window: Window, grid: GridSpec) throws -> Plane {
        let sub = grid.window(window)
        let raster = try RasterDataset.create(on: grid, window: window, profile: .memory)
        let layer = try dataset.layer(layerIndex)
        if inGridCRS { // else GDAL reprojects the features, and the window's rectangle is not in their CRS
            layer.setSpatialFilter((sub.originX, sub.originY - Double(window.height) * sub.cellSize, sub.originX + Double(window.width) * sub.cellSize, sub.originY))
        }
        defer { layer.setSpatialFilter(nil) }
        try raster.rasterize(layer, attribute: heightAttribute)
        return Plane(width: window.width, height: window.height, values: try raster.band(1).read(x: 0, y: 0, width: window.width, height: window.height))
    }
}

/// The municipal tree inventory (points).
public struct TreeInventory: Sendable {
    public var count: Int
    public var displayName: String
    let path: String

    /// One tree of the inventory, its position in the analysis grid's CRS.
    public struct Tree: Sendable {
        public var id: String, species: String
        public var heightMetres: Double, crownDiameterMetres: Double
        public var planted: Int?
        public var x: Double, y: Double
        public init(id: String, species: String, heightMetres: Double, crownDiameterMetres: Double, planted: Int?, x: Double, y: Double) {
            self.id = id; self.species = species; self.heightMetres = heightMetres; self.crownDiameterMetres = crownDiameterMetres
            self.planted = planted; self.x = x; self.y = y
        }
    }

    init(settings: Manifest.VectorInput, manifestFolder: URL) throws {
        displayName = settings.path
        path = Manifest.resolve(settings.path, relativeTo: manifestFolder)
        let dataset: VectorDataset
        do { dataset = try VectorDataset.open(path) } catch {
            throw CityInputError(file: displayName, location: "vectors.trees", problem: FileManager.default.fileExists(atPath: path) ? "not a vector file GDAL can read" : "no such file")
        }
        let layer = try dataset.layer(0)
        let required = ["id", "species", "height_m", "crown_diameter_m", "planted"]
        let missing = required.filter { !layer.fieldNames.contains($0) }
        guard missing.isEmpty else {
            throw CityInputError(file: displayName, problem: "missing attribute(s) \(missing.joined(separator: ", "))", fix: "tree inventories need \(required.joined(separator: ", "))")
        }
        count = layer.featureCount
    }

    /// Every tree, checked (a point, a plausible height and crown), in `grid`'s CRS.
    public func trees(grid: GridSpec) throws -> [Tree] {
        let layer = try VectorDataset.open(path).layer(0)
        guard let source = layer.spatialReference, !source.isUndefined else {
            throw CityInputError(file: displayName, problem: "has no coordinate reference system", fix: "assign one (ogr2ogr -a_srs EPSG:2154)")
        }
        let transform = try CoordinateTransform(from: source.wkt, to: grid.crs)
        var out: [Tree] = []
        let name = displayName
        try layer.forEachFeature { f in
            func number(_ field: String, _ range: ClosedRange<Double>) throws -> Double {
                guard let v = (f.fields[field] ?? nil)?.doubleValue, v.isFinite, range.contains(v) else {
                    throw CityInputError(file: name, location: "feature \(f.id), field \(field)", problem: "missing or outside \(range.lowerBound)–\(range.upperBound)",
                                         fix: "give every tree its \(field)")
                }
                return v
            }
            guard let p = f.point else { throw CityInputError(file: name, location: "feature \(f.id)", problem: "not a point", fix: "trees are points") }
            let xy = try transform.transform(x: p.x, y: p.y)
            var planted: Int? = nil
            if let year = (f.fields["planted"] ?? nil)?.doubleValue {
                guard year.isFinite, (1000...3000).contains(year) else {
                    throw CityInputError(file: name, location: "feature \(f.id), field planted", problem: "\(year) is not a year", fix: "the year of planting (e.g. 1998), or empty")
                }
                planted = Int(year)
            }
            out.append(Tree(id: (f.fields["id"] ?? nil)?.stringValue ?? String(f.id), species: (f.fields["species"] ?? nil)?.stringValue ?? "",
                            heightMetres: try number("height_m", 0.5...120), crownDiameterMetres: try number("crown_diameter_m", 0.2...60),
                            planted: planted, x: xy.x, y: xy.y))
        }
        return out
    }
}
