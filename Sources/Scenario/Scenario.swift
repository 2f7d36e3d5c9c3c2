import City
import Foundation
import GeoIO
import Grid
import Support

/// A planned development as edits of the surface (docs/formats.md, "Scenarios"): a GeoJSON FeatureCollection
/// whose features each carry a `kind` and typed parameters. Read and checked here; applied by the simulation.
/// Every problem names the feature (index from 1, and its id), the field and what is allowed.
public struct Scenario: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case park, trees, prune, removeTrees = "remove_trees", building, demolish, surface, water, irrigate
    }

    /// A parameter: its range and default (nil default = required).
    public struct Parameter: Sendable {
        public var name: String, range: ClosedRange<Double>, defaultValue: Double?, meaning: String
    }

    /// The parameters of each kind, with their units, ranges and documented defaults.
    public static let parameters: [Kind: [Parameter]] = [
        .park: [Parameter(name: "tree_cover", range: 0...1, defaultValue: 0.5, meaning: "share of the area under crowns at maturity"),
                Parameter(name: "shrub_cover", range: 0...1, defaultValue: 0.15, meaning: "share under shrubs"),
                Parameter(name: "grass_cover", range: 0...1, defaultValue: 0.3, meaning: "share under grass"),
                Parameter(name: "tree_height_m", range: 3...40, defaultValue: 15, meaning: "crown height at maturity, m"),
                Parameter(name: "years_after_planting", range: 0...100, defaultValue: 0, meaning: "time since planting, years (crowns grow)")],
        .trees: [Parameter(name: "tree_cover", range: 0...1, defaultValue: 0.8, meaning: "share of the area under crowns at maturity"),
                 Parameter(name: "tree_height_m", range: 3...40, defaultValue: 10, meaning: "crown height at maturity, m"),
                 Parameter(name: "years_after_planting", range: 0...100, defaultValue: 0, meaning: "time since planting, years")],
        .prune: [Parameter(name: "crown_reduction", range: 0...1, defaultValue: 0.3, meaning: "share of crown cover removed")],
        .removeTrees: [],
        .building: [Parameter(name: "height_m", range: 2...300, defaultValue: nil, meaning: "building height, m")],
        .demolish: [Parameter(name: "permeable", range: 0...1, defaultValue: 0, meaning: "1: the ground left becomes grass; 0: sealed")],
        .surface: [Parameter(name: "albedo", range: 0.02...0.9, defaultValue: nil, meaning: "ground albedo (or give `material`)"),
                   Parameter(name: "permeable", range: 0...1, defaultValue: 0, meaning: "1: unsealed (grass), 0: sealed")],
        .water: [],
        .irrigate: [Parameter(name: "stress_after", range: 0...1, defaultValue: 0, meaning: "hydric stress of the vegetation after watering")],
    ]

    /// Surface materials and their albedo (typical values of the urban-climate literature).
    public static let materials: [String: Double] = ["asphalt": 0.08, "dark_asphalt": 0.05, "concrete": 0.3, "light_concrete": 0.45,
                                                     "limestone": 0.5, "gravel": 0.25, "grass": 0.2, "cool_paint": 0.7]

    public struct Edit: Sendable {
        public var index: Int
        public var id: String
        public var kind: Kind
        public var values: [String: Double]
        /// Polygon in the grid's CRS (WKB).
        public var wkb: [UInt8]
        public var bounds: (minX: Double, minY: Double, maxX: Double, maxY: Double)
    }

    public var edits: [Edit]

    /// The largest scenario file read (GDAL's GeoJSON reader refuses larger objects).
    public static let maxFileBytes = 100 << 20

    /// Reads and checks a scenario for a run on `grid`. `crs`: the CRS of the file's coordinates, overriding what the
    /// file says (default: the file's own, else WGS 84 as RFC 7946 has it).
    public init(path: String, grid: GridSpec, crs: String? = nil) throws {
        let name = URL(fileURLWithPath: path).lastPathComponent
        // GDAL's GeoJSON reader refuses a document over 100 MB, whatever it holds: say that limit, not "not a GeoJSON".
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
        guard size <= Self.maxFileBytes else {
            throw OutputError("\(name): \(size >> 20) MB; a scenario file is limited to \(Self.maxFileBytes >> 20) MB (GDAL's GeoJSON reader stops there): simplify its polygons (ogr2ogr -simplify 0.5) or split it into several scenarios")
        }
        let dataset: VectorDataset
        do { dataset = try VectorDataset.open(path) } catch {
            throw OutputError("\(name): not a GeoJSON (or other vector) file GDAL can read (\((error as? GeoError)?.libraryMessage ?? "\(error)"))")
        }
        let layer = try dataset.layer(0)
        // A CRS given by the caller says what the coordinates are (a GeoJSON without a `crs` member reads as WGS 84).
        let source: SpatialReference
        if let crs {
            do { source = try SpatialReference(definition: crs) } catch { throw OutputError("\(name): the CRS \"\(crs.prefix(60))\" is not one PROJ knows (\(error))") }
        } else {
            source = try layer.spatialReference ?? SpatialReference(definition: "EPSG:4326")
        }
        let target = try SpatialReference(definition: grid.crs)
        let context = GeometryContext()
        var edits: [Edit] = []
        var index = 0
        var indexOfID: [String: Int] = [:]
        try layer.forEachFeature { feature in
            index += 1
            let id = (feature.fields["id"] ?? nil)?.stringValue ?? String(feature.id)
            func problem(_ field: String?, _ text: String) -> OutputError {
                OutputError(tr("{}: feature {} (id {}){}: {}", name, index, id, field.map { tr(", field `{}`", $0) } ?? "", text))
            }
            guard let raw = (feature.fields["kind"] ?? nil)?.stringValue else {
                throw problem("kind", "missing; one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let kind = Kind(rawValue: raw) else {
                throw problem("kind", "unknown kind \"\(raw.prefix(40))\"; one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            // A mistyped parameter would otherwise be ignored and its default used without a word.
            let known = ["id", "kind", "name", "description"] + (Self.parameters[kind] ?? []).map(\.name) + (kind == .surface ? ["material"] : [])
            for (field, value) in feature.fields.sorted(by: { $0.key < $1.key }) where value != nil && !known.contains(field) {
                throw problem(field, "unknown property for a \(kind.rawValue) edit; " + Spelling.hint(for: field, among: known))
            }
            if let explicit = (feature.fields["id"] ?? nil)?.stringValue {
                if let first = indexOfID[explicit] { throw problem("id", "\"\(explicit.prefix(40))\" already used by feature \(first); ids name the edits in the summary") }
                indexOfID[explicit] = index
            }
            guard let sourceWKB = feature.geometryWKB else { throw problem(nil, tr("no geometry")) }
            if let count = GeometryLimits.excessiveVertexCount(sourceWKB) { throw problem(nil, GeometryLimits.problem(count) + "; " + GeometryLimits.fix) }
            let wkb: [UInt8]
            do { wkb = try WKB.transformed(sourceWKB, from: source, to: target) } catch {
                throw problem(nil, "its coordinates do not transform to the run's CRS (\((error as? GeoError)?.libraryMessage ?? "\(error)")): are they longitude/latitude degrees?")
            }
            let geometry: Geometry
            do { geometry = try Geometry(wkb: wkb, context: context) } catch {
                throw problem(nil, tr("invalid geometry ({}): a polygon's rings must close on their first point", (error as? GeoError)?.libraryMessage ?? "\(error)"))
            }
            guard !geometry.isEmpty else { throw problem(nil, tr("empty geometry")) }
            guard geometry.isValid else { throw problem(nil, tr("invalid geometry: {} (a polygon's edges may not cross)", geometry.validityReason)) }
            guard geometry.area > 0 else { throw problem(nil, tr("the geometry has no area: edits are polygons")) }
            let b = geometry.bounds
            guard b.maxX > grid.minX, b.minX < grid.maxX, b.maxY > grid.minY, b.minY < grid.maxY else {
                throw problem(nil, tr("outside the run's grid ({} {} – {} {} in {})", shown(grid.minX, 0), shown(grid.minY, 0), shown(grid.maxX, 0), shown(grid.maxY, 0), grid.crs))
            }
            var values: [String: Double] = [:]
            for p in Self.parameters[kind] ?? [] {
                if let field = feature.fields[p.name] ?? nil {
                    guard let v = field.doubleValue else { throw problem(p.name, "\"\(field.stringValue.prefix(30))\" is not a number (\(p.meaning))") }
                    guard p.range.contains(v) else { throw problem(p.name, tr("{} is out of range {}…{} ({})", shown(v, 2), shown(p.range.lowerBound, 2), shown(p.range.upperBound, 2), tr(p.meaning))) }
                    values[p.name] = v
                } else if let d = p.defaultValue {
                    values[p.name] = d
                } else if !(kind == .surface && p.name == "albedo") {
                    throw problem(p.name, "required (\(p.meaning), \(p.range.lowerBound)…\(p.range.upperBound))")
                }
            }
            if kind == .surface, values["albedo"] == nil {
                guard let material = (feature.fields["material"] ?? nil)?.stringValue else {
                    throw problem("albedo", "a surface needs `albedo` (0.02…0.9) or `material` (\(Self.materials.keys.sorted().joined(separator: ", ")))")
                }
                guard let albedo = Self.materials[material] else {
                    throw problem("material", "unknown material \"\(material.prefix(30))\"; one of \(Self.materials.keys.sorted().joined(separator: ", "))")
                }
                values["albedo"] = albedo
            }
            if kind == .park, let t = values["tree_cover"], let s = values["shrub_cover"], let g = values["grass_cover"], t + s + g > 1.0001 {
                throw problem("tree_cover", "tree, shrub and grass covers add up to \(t + s + g) (> 1)")
            }
            edits.append(Edit(index: index, id: id, kind: kind, values: values, wkb: wkb, bounds: b))
        }
        self.edits = edits
    }
}
