import Foundation
import Support
import Yams

/// The roles a raster can play in a city, and what each holds.
public enum RasterRole: String, CaseIterable, Codable, Sendable {
    case treeCanopy = "tree_canopy", shrub, grass
    case hydricStressCanopy = "hydric_stress_canopy", hydricStressShrub = "hydric_stress_shrub", hydricStressGrass = "hydric_stress_grass"
    case ndmi, ndmiBaseline = "ndmi_baseline"
    case impervious, albedo, water
    case buildingHeight = "building_height", canopyHeight = "canopy_height"
    case population

    /// Roles whose values must lie in 0–1 (after `scale`).
    public var isFraction: Bool {
        switch self {
        case .treeCanopy, .shrub, .grass, .hydricStressCanopy, .hydricStressShrub, .hydricStressGrass, .impervious, .albedo, .water: true
        default: false
        }
    }

    /// The values a raster of this role may hold (after `scale`): a pixel outside is an input error, named.
    public var validRange: ClosedRange<Double> {
        switch self {
        case .buildingHeight: 0...1000
        case .canopyHeight: 0...150
        case .ndmi, .ndmiBaseline: -1...1
        case .population: 0...100_000
        default: 0...1
        }
    }

    public var unit: String {
        switch self {
        case .buildingHeight, .canopyHeight: "m"
        case .ndmi, .ndmiBaseline: "index −1…1"
        case .population: "people per cell"
        default: "fraction 0–1"
        }
    }
}

/// A city manifest (YAML). A path is absolute, starts with `~` (the user's home), or is relative to the manifest's folder.
public struct Manifest: Codable, Sendable {
    /// Where a path written in a manifest in `folder` points: absolute and `~` paths as they are, others from the folder.
    public static func resolve(_ path: String, relativeTo folder: URL) -> String {
        let expanded = path.hasPrefix("~") ? NSString(string: path).expandingTildeInPath : path
        let url = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : folder.appendingPathComponent(expanded)
        return url.standardizedFileURL.path
    }

    public struct GridSettings: Codable, Sendable {
        public var crs: String?
        public var cellSizeMetres: Double?
        /// [minX, minY, maxX, maxY] in the grid CRS; default: the tree canopy raster's extent.
        public var extent: [Double]?
        enum CodingKeys: String, CodingKey { case crs, cellSizeMetres = "cell_size_m", extent }
    }

    public struct RasterInput: Codable, Sendable {
        public var path: String
        /// Multiplies the stored values (e.g. 0.01 for percent), after the file's own scale/offset.
        public var scale: Double?
        public var offset: Double?
        /// Overrides the file's nodata value.
        public var nodata: Double?
        /// Overrides the automatic choice (average when the source is finer, bilinear when coarser).
        public var resampling: String?
    }

    public struct VectorInput: Codable, Sendable {
        public var path: String
        public var layer: String?
        /// Building height attribute (BD TOPO: `hauteur`).
        public var heightAttribute: String?
        /// The attribute naming each feature (streets, districts).
        public var nameAttribute: String?
        enum CodingKeys: String, CodingKey { case path, layer, heightAttribute = "height_attribute", nameAttribute = "name_attribute" }
    }

    public struct SensorInputs: Codable, Sendable {
        public var stations: String
        public var measurements: [String]
        public var reference: String
    }

    public var name: String?
    public var timezone: String?
    public var grid: GridSettings?
    public var rasters: [String: RasterInput]
    public var vectors: [String: VectorInput]?
    public var sensors: SensorInputs?
    /// An offline basemap for the viewer (MBTiles or PMTiles of raster tiles), relative to the manifest.
    public var basemap: String?

    /// Reads and checks a manifest: YAML syntax, known keys and roles, at least one raster.
    public static func load(_ path: String) throws -> Manifest {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CityInputError(file: path, problem: "no such manifest", fix: "give the path of a city YAML file (run `ictu sample --out DIR` for an example)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxBytes else {
            throw CityInputError(file: path, problem: "is \(size) bytes: a manifest is a short YAML file (at most 1 MiB)", fix: "give the path of the city's YAML manifest, not of a data file")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CityInputError(file: path, problem: "cannot be read") }
        guard var text = String(data: data, encoding: .utf8) else {
            // Name the first line that is not UTF-8.
            let line = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).firstIndex { String(data: Data($0), encoding: .utf8) == nil }
            throw CityInputError(file: path, location: line.map { "line \($0 + 1)" }, problem: "not UTF-8 text", fix: "save the manifest as UTF-8")
        }
        // Windows line endings are line endings (a Swift String keeps "\r\n" as one character, which "\n" does not split).
        text = text.replacingOccurrences(of: "\r\n", with: "\n")
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || text.split(separator: "\n").allSatisfy({ $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") || $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw CityInputError(file: path, problem: "the manifest is empty", fix: "it needs at least `rasters:` with a `tree_canopy` entry; see README › Data formats")
        }
        // Syntax errors and duplicate keys (Yams refuses them) are reported with their line; unknown raster roles before decoding, with
        // the list of valid ones.
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw CityInputError(file: path, problem: "not valid YAML: \(concise(error))", fix: "check the indentation, brackets and keys there")
        }
        if let node = root { try checkKeys(node, file: path) }
        if let node = root, let rasters = node.mapping?["rasters"]?.mapping {
            for (key, _) in rasters {
                guard let role = key.string else { continue }
                if RasterRole(rawValue: role) == nil {
                    let line = key.mark.map { "line \($0.line)" }
                    throw CityInputError(file: path, location: line, problem: "unknown raster role '\(role)'",
                                         fix: Spelling.hint(for: role, among: RasterRole.allCases.map(\.rawValue)))
                }
            }
        }
        do {
            let manifest = try YAMLDecoder().decode(Manifest.self, from: text)
            if manifest.rasters.isEmpty {
                throw CityInputError(file: path, problem: "no rasters listed", fix: "add at least `tree_canopy: {path: ...}` under `rasters:`")
            }
            for key in (manifest.vectors ?? [:]).keys where !vectorRoles.contains(key) {
                throw CityInputError(file: path, problem: "unknown vector role '\(key)'", fix: Spelling.hint(for: key, among: vectorRoles))
            }
            return manifest
        } catch let error as CityInputError {
            throw error
        } catch let error as DecodingError {
            throw CityInputError(file: path, problem: describe(error), fix: "see README › Data formats for the manifest keys")
        } catch {
            throw CityInputError(file: path, problem: "not valid YAML: \(error)")
        }
    }

    /// The keys a manifest may have, by section: any other is a mistake (a typo would otherwise be ignored and its
    /// default used without a word).
    static let topKeys = ["name", "timezone", "grid", "rasters", "vectors", "sensors", "basemap"]
    static let gridKeys = ["crs", "cell_size_m", "extent"]
    static let rasterKeys = ["path", "scale", "offset", "nodata", "resampling"]
    static let vectorKeys = ["path", "layer", "height_attribute", "name_attribute"]
    /// Buildings and trees feed the model; exposure, streets (names for search and for the islands) and districts
    /// (the diagnosis's table) only the products.
    public static let vectorRoles = ["buildings", "trees", "exposure", "streets", "districts"]
    static let sensorKeys = ["stations", "measurements", "reference"]

    /// Refuses an unknown key, naming its line and the nearest valid key.
    static func checkKeys(_ root: Node, file: String) throws {
        func check(_ node: Node?, _ valid: [String], _ section: String) throws {
            for (key, _) in node?.mapping ?? [:] {
                guard let name = key.string, !valid.contains(name) else { continue }
                throw CityInputError(file: file, location: key.mark.map { "line \($0.line)" }, problem: "unknown key '\(name)'\(section.isEmpty ? "" : " in `\(section)`")",
                                     fix: Spelling.hint(for: name, among: valid))
            }
        }
        try check(root, topKeys, "")
        let top = root.mapping
        try check(top?["grid"], gridKeys, "grid")
        try check(top?["sensors"], sensorKeys, "sensors")
        for (role, entry) in top?["rasters"]?.mapping ?? [:] { try check(entry, rasterKeys, "rasters.\(role.string ?? "")") }
        for (role, entry) in top?["vectors"]?.mapping ?? [:] { try check(entry, vectorKeys, "vectors.\(role.string ?? "")") }
    }

    /// A manifest is a few dozen lines; anything over this is not one (and is not read into memory).
    static let maxBytes = 1 << 20

    /// Yams's own message, less the copy of the whole mapping it quotes as context: its first line (the problem)
    /// and where ("in line 8, column 3").
    static func concise(_ error: Error) -> String {
        let lines = "\(error)".split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let place = lines.last { $0.hasPrefix("in line") }
        return ([lines.first ?? ""] + (place.map { [$0] } ?? [])).joined(separator: " ")
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [CodingKey]) -> String { codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type at '\(path(context.codingPath))': \(context.debugDescription)"
        case .dataCorrupted(let context): return "invalid value at '\(path(context.codingPath))': \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
