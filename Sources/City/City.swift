import Foundation
import GeoIO
import Grid
import Support
import Model

/// A city as described by its manifest: the analysis grid, the checked inputs, and the QC'd sensor network.
public final class City {
    public let manifestPath: String
    public let manifest: Manifest
    public let grid: GridSpec
    /// What the run reads around the grid (where every raster covers it): parks, wide neighbourhoods and sensors
    /// beyond the grid's edge.
    public private(set) var surroundings: Surroundings
    public let clock: LocalClock
    public private(set) var rasters: [RasterRole: RasterInput] = [:]
    public private(set) var buildings: BuildingFootprints?
    public private(set) var trees: TreeInventory?
    public private(set) var stations: [PlacedStation] = []
    public private(set) var reference: ReferenceSeries?
    public private(set) var rawNetwork: SensorNetwork?
    public private(set) var network: SensorNetwork?
    public private(set) var qc: QCReport?
    /// What the user must know about the inputs that is not an error (a file given two roles…): said on the
    /// terminal and in the run's record and report.
    public private(set) var warnings: [String] = []

    /// Every file the manifest names, resolved, with its role: what no command may write over or into.
    public var inputFiles: [(role: String, path: String)] {
        var files: [(String, String)] = [("manifest", URL(fileURLWithPath: manifestPath).standardizedFileURL.path)]
        files += manifest.rasters.sorted { $0.key < $1.key }.map { ($0.key, resolve($0.value.path)) }
        files += (manifest.vectors ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, resolve($0.value.path)) }
        if let s = manifest.sensors {
            files += [("sensors.stations", resolve(s.stations)), ("sensors.reference", resolve(s.reference))]
            files += s.measurements.map { ("sensors.measurements", resolve($0)) }
        }
        return files
    }

    /// A measurements file listed twice is an error (its rows would count twice); one file in two roles is allowed
    /// but said (a canopy layer given as grass too is usually a copy-paste slip).
    private func checkFileRoles(folder: URL) throws {
        if let measurements = manifest.sensors?.measurements {
            var seen: [String: String] = [:]
            for m in measurements {
                let path = Manifest.resolve(m, relativeTo: folder)
                if let first = seen[path] {
                    throw CityInputError(file: manifestPath, location: "sensors.measurements", problem: "\(m) is listed twice (as \(first) and \(m))",
                                         fix: "list each measurements file once")
                }
                seen[path] = m
            }
        }
        var roles: [String: [String]] = [:]
        for (role, path) in inputFiles where role != "sensors.measurements" { roles[path, default: []].append(role) }
        for (path, names) in roles.sorted(by: { $0.key < $1.key }) where names.count > 1 {
            warnings.append("\(path) is given for \(names.count) roles (\(names.joined(separator: " and "))): check the manifest if that is not meant")
        }
    }

    /// Where a path the manifest names points (see `Manifest.resolve`).
    public func resolve(_ path: String) -> String {
        Manifest.resolve(path, relativeTo: URL(fileURLWithPath: manifestPath).standardizedFileURL.deletingLastPathComponent())
    }

    /// Opens and checks everything the manifest names. Any problem is a `CityInputError` naming the file.
    /// `surfaceOnly`: just the grid and the surface layers, their values not scanned, the footprints not checked one
    /// by one, and no sensors read (for recomputing a run whose inputs were checked when it was computed and are
    /// known unchanged, or a second reader of inputs just checked).
    /// `grid`: read the surface on this grid instead of the manifest's (the surroundings of a run).
    public init(manifestPath: String, qcSettings: QCSettings = QCSettings(), surfaceOnly: Bool = false, grid override: GridSpec? = nil) throws {
        self.manifestPath = manifestPath
        manifest = try Manifest.load(manifestPath)
        let folder = URL(fileURLWithPath: manifestPath).standardizedFileURL.deletingLastPathComponent()
        do { clock = try LocalClock(identifier: manifest.timezone ?? "Europe/Paris") } catch {
            let near = Spelling.nearest(to: manifest.timezone ?? "", among: TimeZone.knownTimeZoneIdentifiers)
            throw CityInputError(file: manifestPath, location: "timezone", problem: "\(error)",
                                 fix: (near.map { "did you mean \($0)? " } ?? "") + "an IANA name, such as Europe/Paris")
        }
        grid = try override ?? Self.makeGrid(manifest, folder: folder, manifestPath: manifestPath)
        surroundings = Surroundings(of: grid)
        try checkFileRoles(folder: folder)
        for (name, settings) in manifest.rasters.sorted(by: { $0.key < $1.key }) {
            let role = RasterRole(rawValue: name)!
            let input = try RasterInput(role: role, settings: settings, manifestFolder: folder, grid: grid)
            if !surfaceOnly { try input.scan() }
            rasters[role] = input
            if input.coverage < 0.995 {
                warnings.append(String(format: "%@ (%@) covers %.0f %% of the grid: elsewhere the layer's default applies (see `ictu inspect`)",
                                       input.displayName, role.rawValue, 100 * input.coverage))
            }
        }
        if override == nil {
            let extents = rasters.values.map(\.extentInGridCRS)
            let covered = extents.contains(where: { $0 == nil }) || extents.isEmpty ? nil : extents.compactMap { $0 }.reduce((minX: -Double.infinity, minY: -Double.infinity, maxX: Double.infinity, maxY: Double.infinity)) {
                (max($0.minX, $1.minX), max($0.minY, $1.minY), min($0.maxX, $1.maxX), min($0.maxY, $1.maxY))
            }
            surroundings = Surroundings(of: grid, covered: covered, unitCells: max(1, Int((ParkCooling().coarseCellMetres / grid.cellSize).rounded())))
        }
        if manifest.rasters[RasterRole.buildingHeight.rawValue] == nil && manifest.vectors?["buildings"] == nil {
            throw CityInputError(file: manifestPath, problem: "no buildings: give `rasters.building_height` or `vectors.buildings`")
        }
        if let settings = manifest.vectors?["buildings"] { buildings = try BuildingFootprints(settings: settings, manifestFolder: folder, grid: grid, checked: !surfaceOnly) }
        if let settings = manifest.vectors?["trees"] { trees = try TreeInventory(settings: settings, manifestFolder: folder) }
        if !surfaceOnly, let sensors = manifest.sensors {
            func file(_ relative: String) -> (path: String, displayName: String) {
                (Manifest.resolve(relative, relativeTo: folder), relative)
            }
            let stationFile = file(sensors.stations)
            let (placed, outside, around) = try SensorFiles.readStations(path: stationFile.path, displayName: stationFile.displayName, grid: grid,
                                                                        reach: surroundings.hasMargin ? surroundings.grid : nil)
            stations = placed
            func list(_ ids: [String]) -> String { ids.prefix(20).joined(separator: ", ") + (ids.count > 20 ? "…" : "") }
            if !around.isEmpty {
                warnings.append("\(around.count) sensor\(around.count == 1 ? " is" : "s are") outside the grid but where the inputs cover its surroundings: calibrated from, not mapped: \(list(around))")
            }
            if !outside.isEmpty {
                let beyond = surroundings.hasMargin ? "beyond the inputs' cover within \(Int(Surroundings.marginMetres / 1000)) km of the grid" : "outside the grid (and the rasters stop at the grid)"
                warnings.append("\(outside.count) sensor\(outside.count == 1 ? " is" : "s are") \(beyond), left out of this run: \(list(outside))")
            }
            let referenceFile = file(sensors.reference)
            let reference = try SensorFiles.readReference(path: referenceFile.path, displayName: referenceFile.displayName)
            self.reference = reference
            let raw = try SensorFiles.readMeasurements(files: sensors.measurements.map(file), stations: stations.map(\.station), clock: reference, leftOut: Set(outside))
            rawNetwork = raw
            let (cleaned, report) = QualityControl.run(raw, reference: reference, settings: qcSettings)
            network = cleaned
            qc = report
        }
    }

    /// The analysis grid a manifest defines, without opening the rest (to check arguments before reading inputs).
    public static func grid(manifestPath: String) throws -> GridSpec {
        let manifest = try Manifest.load(manifestPath)
        return try makeGrid(manifest, folder: URL(fileURLWithPath: manifestPath).standardizedFileURL.deletingLastPathComponent(), manifestPath: manifestPath)
    }

    static func makeGrid(_ manifest: Manifest, folder: URL, manifestPath: String) throws -> GridSpec {
        let settings = manifest.grid
        let cell = settings?.cellSizeMetres ?? 2
        guard cell > 0, cell.isFinite else {
            throw CityInputError(file: manifestPath, location: "grid.cell_size_m", problem: "cell size must be a positive number of metres")
        }
        var crs = settings?.crs
        if let crs {
            do { _ = try SpatialReference(definition: crs) } catch {
                throw CityInputError(file: manifestPath, location: "grid.crs", problem: "unknown CRS '\(crs)'", fix: "use an EPSG code such as EPSG:2154")
            }
        }
        if let crs {
            guard (try? SpatialReference(definition: crs))?.isProjected == true else {
                throw CityInputError(file: manifestPath, location: "grid.crs", problem: "'\(crs)' is not a projected CRS: the grid's cells are square metres",
                                     fix: "use the local projected CRS (e.g. EPSG:2154 in France, or the UTM zone)")
            }
        }
        if let extent = settings?.extent {
            guard extent.count == 4, extent.allSatisfy(\.isFinite), extent[0] < extent[2], extent[1] < extent[3] else {
                throw CityInputError(file: manifestPath, location: "grid.extent", problem: "extent must be [minx, miny, maxx, maxy] with min < max")
            }
            try checkSize(width: (extent[2] - extent[0]) / cell, height: (extent[3] - extent[1]) / cell, file: manifestPath, location: "grid.extent")
            return GridSpec(crs: crs ?? "EPSG:2154", minX: extent[0], minY: extent[1], maxX: extent[2], maxY: extent[3], cellSize: cell)
        }
        // Default extent and CRS: those of the tree canopy raster (else the first raster listed).
        let name = manifest.rasters[RasterRole.treeCanopy.rawValue] != nil ? RasterRole.treeCanopy.rawValue : manifest.rasters.keys.sorted()[0]
        let path = Manifest.resolve(manifest.rasters[name]!.path, relativeTo: folder)
        guard let dataset = try? RasterDataset.open(path), let t = dataset.geoTransform, t.isNorthUp, let srs = dataset.spatialReference else {
            throw CityInputError(file: manifest.rasters[name]!.path, problem: "cannot define the grid from this raster (missing, unreadable or without georeference/CRS)",
                                 fix: "fix the raster or give grid.crs and grid.extent in the manifest")
        }
        crs = crs ?? srs.authorityCode ?? srs.wkt
        try checkSize(width: Double(dataset.width) * abs(t.cellWidth) / cell, height: Double(dataset.height) * abs(t.cellHeight) / cell,
                      file: manifest.rasters[name]!.path, location: "extent of the grid it defines")
        return GridSpec(crs: crs!, minX: t.originX, minY: t.originY + Double(dataset.height) * t.cellHeight,
                        maxX: t.originX + Double(dataset.width) * t.cellWidth, maxY: t.originY, cellSize: cell)
    }

    /// The largest grid side, in cells (1 000 km at 1 m): beyond it an extent or a cell size is surely a typo, and
    /// GDAL's rasters are limited to 2³¹ cells a side anyway.
    static let maxGridSide = 1_000_000.0

    static func checkSize(width: Double, height: Double, file: String, location: String) throws {
        guard width <= maxGridSide, height <= maxGridSide else {
            throw CityInputError(file: file, location: location, problem: String(format: "a grid of %.3g × %.3g cells is beyond the %.0f cells a side ictu maps", width, height, maxGridSide),
                                 fix: "check the extent's units (metres of the grid's CRS) and cell_size_m")
        }
    }

    /// All surface layers on a window of the grid. Absent roles default to 0 (and albedo to 0.15);
    /// canopy stress comes from `hydric_stress_canopy`, else from NDMI against its baseline (docs/model.md:
    /// s = clip((NDMI_base − NDMI)/(0.175 · canopy cover of the pixel), 0, 1)), masked to canopy.
    /// How far, in cells, a cell's layers depend on others: the canopy stress from NDMI divides by the canopy cover
    /// over a satellite pixel's footprint (0 without NDMI). A window read with this many more cells around it holds,
    /// inside, the values of any larger read.
    public var layersReachCells: Int {
        guard rasters[.hydricStressCanopy] == nil, let ndmi = rasters[.ndmi], rasters[.ndmiBaseline] != nil else { return 0 }
        return Int((ndmi.resolution / grid.cellSize / 2).rounded(.down))
    }

    public func layers(_ window: Window) throws -> SurfaceLayers {
        var out = SurfaceLayers(width: window.width, height: window.height)
        func fill(_ role: RasterRole, _ keyPath: WritableKeyPath<SurfaceLayers, Plane>, default value: Float = 0) throws {
            guard let input = rasters[role] else {
                if value != 0 { out[keyPath: keyPath] = Plane(width: window.width, height: window.height, value: value) }
                return
            }
            out[keyPath: keyPath] = try input.read(window).mapped { $0.isNaN ? value : $0 }
        }
        try fill(.treeCanopy, \.treeCanopy); try fill(.shrub, \.shrub); try fill(.grass, \.grass)
        try fill(.hydricStressShrub, \.shrubStress); try fill(.hydricStressGrass, \.grassStress)
        try fill(.impervious, \.impervious); try fill(.albedo, \.albedo, default: 0.15); try fill(.water, \.water)
        try fill(.canopyHeight, \.canopyHeight)
        if rasters[.hydricStressCanopy] != nil {
            try fill(.hydricStressCanopy, \.canopyStress)
        } else if let ndmi = rasters[.ndmi], let baseline = rasters[.ndmiBaseline] {
            let now = try ndmi.read(window), base = try baseline.read(window)
            // A satellite pixel mixes crowns and ground: its NDMI drop is 0.175 × stress × the pixel's canopy cover,
            // so the drop is divided by the canopy cover over the pixel's footprint (else stress under sparse
            // crowns would be read as a fraction of itself).
            let cover = BoxMean.mean(out.treeCanopy, halfWidthCells: layersReachCells)
            let drop = base.combined(with: now) { b, t in b.isNaN || t.isNaN ? 0 : b - t }
            out.canopyStress = drop.combined(with: cover) { d, f in f > 0.02 ? min(1, max(0, d / (0.175 * f))) : 0 }
        }
        out.canopyStress = out.canopyStress.combined(with: out.treeCanopy) { s, f in f > 0 ? s : 0 }
        if let buildings {
            out.buildingHeight = try buildings.rasterize(window, grid: grid)
        } else {
            try fill(.buildingHeight, \.buildingHeight)
        }
        out.buildingFraction = out.buildingHeight.mapped { $0 > 0 ? 1 : 0 }
        return out
    }

    /// First and last hour (UTC, hours since 1970) with reference data.
    public var period: (first: Int, last: Int)? {
        guard let reference else { return nil }
        let valid = reference.temperature.indices.filter { !reference.temperature[$0].isNaN }
        guard let a = valid.first, let b = valid.last else { return nil }
        return (reference.startHour + a, reference.startHour + b)
    }
}
