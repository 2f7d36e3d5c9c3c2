import City
import Foundation
import GeoIO
import Grid
import Model
import Support

/// A run folder: what `ictu compute` (or `mosaic`, or `simulate`) writes and every later command opens. This type
/// is the only place that knows the folder's layout — its entries' names, the bands of its stacks, which entries a
/// run, a partition or a scenario holds — and the city it was computed from. See docs/formats.md, "The run folder".
public struct RunFolder: Sendable {
    /// The folder, as given.
    public let path: String
    /// Its record (`calibration.json`), loaded once.
    public let record: RunRecord

    /// Opens the run at `path`: finishes a commit into it that a crash interrupted, then loads its record.
    public init(_ path: String) throws {
        self.path = path
        try StagedOutput.finishInterruptedCommits(in: URL(fileURLWithPath: path))
        let recordPath = path + "/" + Entry.record.fileName
        guard FileManager.default.fileExists(atPath: recordPath) else {
            if FileManager.default.fileExists(atPath: path + "/" + Entry.partitionRecord.fileName) {
                throw OutputError("\(path) is one partition of a run: assemble the partitions first (`ictu mosaic --out RUN \(path) …`)")
            }
            throw OutputError("\(path) is not a run folder (no \(Entry.record.fileName)): run `ictu compute --out \(path)` first")
        }
        record = try RunRecord.decode(recordPath)
        if let base = record.patchedOver { try Self.checkBase(base, of: path) }
    }

    /// Refuses a patched scenario whose base run is gone or was replaced: its maps would draw the scenario's window
    /// over rasters it was not computed against.
    static func checkBase(_ base: PatchedBase, of path: String) throws {
        let folder = URL(fileURLWithPath: path).standardizedFileURL.appendingPathComponent(base.run).standardizedFileURL.path
        let again = "simulate the scenario again (`ictu simulate SCENARIO --run RUN --out \(path)`), with --standalone for a folder that stands alone"
        guard let digest = try? FileDigest.sha256(ofFile: folder + "/" + Entry.record.fileName) else {
            throw OutputError("\(path) is a scenario drawn over the maps of the run at \(folder), which is not there: put that run back where it was (a scenario and its run move together), or \(again)")
        }
        guard digest == base.recordSHA256 else {
            throw OutputError("\(path) is a scenario drawn over the maps of the run at \(folder), which has been computed again since: \(again)")
        }
        _ = try RunFolder(folder)
    }

    /// A partition's folder (`ictu compute --partition`): its record is `partition.json`.
    public static func partition(_ path: String) throws -> RunFolder {
        try StagedOutput.finishInterruptedCommits(in: URL(fileURLWithPath: path))
        let recordPath = path + "/" + Entry.partitionRecord.fileName
        guard FileManager.default.fileExists(atPath: recordPath) else {
            throw OutputError("\(path) is not a partition's folder (no \(Entry.partitionRecord.fileName)): write it with `ictu compute --partition I/N --out \(path)`")
        }
        let record = try RunRecord.decode(recordPath)
        guard record.partition != nil else { throw OutputError("\(recordPath): no partition in it") }
        return RunFolder(path: path, record: record)
    }

    private init(path: String, record: RunRecord) { self.path = path; self.record = record }

    // MARK: - Layout

    /// Every entry a run folder may hold, by its name on disk.
    public enum Entry: String, CaseIterable, Sendable {
        case dayMap = "ictu_day.tif", nightMap = "ictu_night.tif", classes = "ictu_class.tif", relativeToMedian = "ictu_delta_median.tif"
        case components = "components.tif", intermediate = "intermediate.tif", uncertainty = "uncertainty.tif", hydricStress = "hydric_stress.tif"
        case record = "calibration.json", report = "report.html"
        /// A partition's record, in place of `record`.
        case partitionRecord = "partition.json"
        /// A scenario's: the change, the scenario file, its summary and summary page.
        case delta = "delta.tif", scenario = "scenario.geojson", summary = "summary.json", summaryPage = "summary.html"
        /// Folders the later commands write into a run.
        case diagnosis, watering, tiles

        public var fileName: String { rawValue }
        /// The name without its extension (a raster's layer name in logs and work files).
        public var stem: String { rawValue.split(separator: ".").first.map(String.init) ?? rawValue }
        /// Whether it is a raster (a COG; in a patched scenario, a VRT).
        public var isRaster: Bool { rawValue.hasSuffix(".tif") }
        /// Its name in a patched scenario's folder: each raster a VRT over the base run's.
        public var patchedFileName: String { isRaster ? stem + ".vrt" : rawValue }
    }

    /// A patched scenario's folder of the changed window's COGs and the VRTs of its overviews.
    public static let patchFolder = "patch"

    /// The entry's file name in this folder.
    public func fileName(_ entry: Entry) -> String { Self.fileName(entry, record: record) }
    /// The entry's file name in the folder of the run whose record is `record`.
    public static func fileName(_ entry: Entry, record: RunRecord) -> String { record.patchedOver == nil ? entry.fileName : entry.patchedFileName }

    /// The maps drawn with a style (Styles/MapStyle), each with its QGIS and OGC style files beside it.
    public static let styledEntries: [Entry] = [.dayMap, .nightMap, .classes, .relativeToMedian, .uncertainty, .hydricStress, .delta]

    /// The files beside those of `entries` that have some: each styled map's QGIS and OGC styles (`ictu_day.qml`,
    /// `ictu_day.sld`…) and the class map's attribute table (`ictu_class.tif.aux.xml`).
    public static func sidecars(_ entries: [Entry]) -> [String] {
        entries.filter(styledEntries.contains).flatMap { [$0.stem + ".qml", $0.stem + ".sld"] } + (entries.contains(.classes) ? [Entry.classes.fileName + ".aux.xml"] : [])
    }

    /// The QGIS project that opens the run (Styles/QGISProject), rewritten by each command that adds to it.
    public static let projectFileName = "run.qgs"
    /// The run as a STAC Item (Styles/STACItem), rewritten with the project.
    public static let stacItemFileName = "stac-item.json"
    /// The sensor sites as GeoJSON points in WGS 84, with their calibration residuals (a layer of the project).
    public static let sensorsFileName = "sensors.geojson"
    /// The files that describe a run to other tools, written with its maps and rewritten by each later command.
    public static let descriptionFiles = [projectFileName, stacItemFileName, sensorsFileName]

    /// What a computed run holds.
    public static let runEntries: [Entry] = [.dayMap, .nightMap, .classes, .relativeToMedian, .components, .intermediate, .uncertainty, .hydricStress, .record, .report]
    /// The two analysis stacks (36 bands): every term and intermediate quantity, read by explain, diagnose, watering
    /// and simulate. `compute --maps-only` leaves them out.
    public static let analysisStacks: [Entry] = [.components, .intermediate]
    /// The rasters local to a cell, which each partition writes its piece of; the median-relative map, the report
    /// and the record need the whole run and are written by `ictu mosaic`.
    public static let partitionRasters: [Entry] = [.dayMap, .nightMap, .classes, .components, .intermediate, .uncertainty, .hydricStress]
    /// What a scenario's run folder holds: a run, plus the change, the scenario and its summary.
    public static let scenarioEntries: [Entry] = runEntries.filter { $0 != .report } + [.delta, .scenario, .summary, .summaryPage]
    /// The entries a scenario's folder holds on disk, patched (VRTs and the patch folder) or standalone (COGs), and
    /// those of the other kind, which it withdraws from a folder it replaces.
    public static func scenarioFiles(patched: Bool) -> (write: [String], withdraw: [String]) {
        let standalone = scenarioEntries.map(\.fileName) + [Entry.classes.fileName + ".aux.xml"]
        let virtual = scenarioEntries.map(\.patchedFileName) + [patchFolder]
        return patched ? (virtual, standalone.filter { !virtual.contains($0) }) : (standalone, virtual.filter { !standalone.contains($0) })
    }

    /// What later commands derive from a run (withdrawn when the run is replaced).
    public static let derivedProducts: [Entry] = [.diagnosis, .watering, .tiles]

    /// A run's entries (a partition's when `partition`), and those it withdraws from the folder it replaces, in the
    /// same commit: what was derived from the old run (diagnosis, watering, tiles), and a run with the maps only must
    /// not leave an earlier run's stacks beside its maps.
    public static func entries(partition: Bool, mapsOnly: Bool) -> (write: [Entry], withdraw: [Entry]) {
        let all = partition ? partitionRasters + [.partitionRecord] : runEntries
        let derived = partition ? [] : derivedProducts
        return mapsOnly ? (all.filter { !analysisStacks.contains($0) }, analysisStacks + derived) : (all, derived)
    }

    /// The vector layers later commands write into a run (GeoJSON in WGS 84) that the viewer shows, by name.
    public enum VectorLayer: String, CaseIterable, Sendable {
        case heatIslandsDay = "heat_islands_day", heatIslandsNight = "heat_islands_night", coolIslands = "cool_islands", watering
        /// Its file, from the run folder.
        public var file: String {
            switch self {
            case .watering: Entry.watering.fileName + "/watering.geojson"
            default: Entry.diagnosis.fileName + "/\(rawValue).geojson"
            }
        }
    }

    public func path(_ layer: VectorLayer) -> String { path + "/" + layer.file }

    /// The rasters a partition writes (and a mosaic assembles).
    public static func partitionRasters(mapsOnly: Bool) -> [Entry] { partitionRasters.filter { !mapsOnly || !analysisStacks.contains($0) } }

    public func path(_ entry: Entry) -> String { path + "/" + fileName(entry) }
    public func contains(_ entry: Entry) -> Bool { FileManager.default.fileExists(atPath: path(entry)) }

    // MARK: - Bands

    /// One band of one raster of the folder (GDAL's band numbers, from 1).
    public struct Band: Hashable, Sendable {
        public let entry: Entry
        public let number: Int
        public init(_ entry: Entry, _ number: Int = 1) { self.entry = entry; self.number = number }
    }

    /// The quantities of `intermediate.tif`, per window.
    public enum Quantity: String, CaseIterable, Sendable {
        case airTemperature = "air_temperature_c", airAnomaly = "air_anomaly_c", vapourPressure = "vapour_pressure_hpa"
        case meanRadiantTemperature = "mean_radiant_temperature_c", sunlitFraction = "sunlit_fraction"
    }

    /// The band order of the stacks: day then night, each term (or quantity) in its declared order.
    public static let componentBands: [(regime: Regime, term: ComfortTerm)] = Regime.allCases.flatMap { r in ComfortTerm.allCases.map { (r, $0) } }
    public static let intermediateBands: [(regime: Regime, quantity: Quantity)] = Regime.allCases.flatMap { r in Quantity.allCases.map { (r, $0) } }

    public static func components(_ regime: Regime, _ term: ComfortTerm) -> Band {
        Band(.components, componentBands.firstIndex { $0.regime == regime && $0.term == term }! + 1)
    }
    public static func intermediate(_ regime: Regime, _ quantity: Quantity) -> Band {
        Band(.intermediate, intermediateBands.firstIndex { $0.regime == regime && $0.quantity == quantity }! + 1)
    }
    /// The ICTU map of a window.
    public static func map(_ regime: Regime) -> Band { Band(regime == .day ? .dayMap : .nightMap) }
    /// A scenario's change of a window's ICTU.
    public static func delta(_ regime: Regime) -> Band { Band(.delta, regime == .day ? 1 : 2) }

    /// Rasters the engine writes block by block, with their band counts (the analysis stacks left out when `mapsOnly`).
    public static func blockRasters(mapsOnly: Bool = false) -> [(entry: Entry, bands: Int)] {
        let all: [(Entry, Int)] = [(.dayMap, 1), (.nightMap, 1), (.components, componentBands.count), (.intermediate, intermediateBands.count), (.hydricStress, 1)]
        return all.filter { !mapsOnly || !analysisStacks.contains($0.0) }
    }

    /// Each band's description, written into the raster (what GDAL and QGIS show).
    public static func bandDescriptions(_ entry: Entry) -> [String] {
        switch entry {
        case .components: componentBands.map { "\($0.regime.rawValue): \($0.term.label) (°C)" }
        case .intermediate: intermediateBands.map { "\($0.regime.rawValue): \($0.quantity.rawValue)" }
        case .hydricStress: ["canopy hydric stress, 0 none … 1 severe (the input's, or from NDMI against its baseline); no data where there is no canopy"]
        case .dayMap: ["ICTU day (UTCI °C, mean 14–17 h local, composite hot day)"]
        case .nightMap: ["ICTU night (UTCI °C, mean 22–06 h local, composite hot day)"]
        case .classes: ["UTCI class of the day ICTU: 0 extreme cold … 5 no thermal stress, 6 moderate, 7 strong, 8 very strong, 9 extreme heat"]
        case .uncertainty: ["1-σ uncertainty of the day ICTU, °C (leave-one-site-out RMSE, growing with distance to the nearest site)"]
        case .delta: ["day ICTU after − before the scenario, °C", "night ICTU after − before the scenario, °C"]
        default: []
        }
    }

    /// The unit of every band of an entry (nil: a class code or a stack of mixed quantities).
    public static func bandUnit(_ entry: Entry) -> String? {
        switch entry {
        case .dayMap, .nightMap, .relativeToMedian, .uncertainty, .delta, .components: "°C"
        case .hydricStress: "0–1"
        default: nil
        }
    }

    /// The bands' short names, in the record (`bands`), for the stacks a run holds.
    public static func bandNames(mapsOnly: Bool) -> [String: [String]] {
        mapsOnly ? [:] : [Entry.components.fileName: componentBands.map { "\($0.regime.rawValue):\($0.term.rawValue)" },
                          Entry.intermediate.fileName: intermediateBands.map { "\($0.regime.rawValue):\($0.quantity.rawValue)" }]
    }

    // MARK: - Reading

    public func open(_ entry: Entry, options: [String] = []) throws -> RasterDataset { try RasterDataset.open(path(entry), options: options) }

    /// A band over the whole grid, no data as NaN.
    public func read(_ band: Band) throws -> Plane {
        try read(band, window: Window(x: 0, y: 0, width: record.grid.width, height: record.grid.height))
    }

    /// A band over a window of the grid, no data as NaN.
    public func read(_ band: Band, window: Window) throws -> Plane {
        try Self.read(try open(band.entry), band: band.number, window: window)
    }

    /// A band of an open raster over a window, no data as NaN.
    public static func read(_ dataset: RasterDataset, band number: Int, window: Window) throws -> Plane {
        let band = try dataset.band(number)
        return noDataAsNaN(try band.read(window), band)
    }

    /// The plane with `band`'s no-data value (when it has one other than NaN) turned into NaN.
    static func noDataAsNaN(_ plane: Plane, _ band: RasterBand) -> Plane {
        guard let noData = band.noData.map(Float.init), !noData.isNaN else { return plane }
        var plane = plane
        for i in plane.values.indices where plane.values[i] == noData { plane.values[i] = .nan }
        return plane
    }

    /// Every band of an open raster (or the `bands` numbered from 1) over a window, in one read, no data as NaN.
    public static func readBands(_ dataset: RasterDataset, window: Window, bands numbers: [Int]? = nil) throws -> [Plane] {
        let bands = try dataset.readBands(x: window.x, y: window.y, width: window.width, height: window.height, bands: numbers)
        return try bands.enumerated().map { b, values in
            noDataAsNaN(Plane(width: window.width, height: window.height, values: values), try dataset.band(numbers?[b] ?? b + 1))
        }
    }

    /// Whether the run has its analysis stacks (`compute` without `--maps-only`).
    public var hasAnalysisStacks: Bool { record.mapsOnly != true }

    /// Refuses a run without the analysis stacks for `command`, which reads them.
    public func requireAnalysisStacks(for command: String) throws {
        guard !hasAnalysisStacks else { return }
        throw OutputError("\(path) was computed with --maps-only: it has no \(Self.analysisStacks.map(\.fileName).joined(separator: " nor ")), which \(command) reads; compute the run again without --maps-only")
    }
}

extension RunFolder {
    // MARK: - The city it was computed from

    /// The manifest of the run's city: `given` (`--city`), else the first place the run's record points to whose
    /// inputs are those the run was computed from (SHA-256): the manifest's absolute path, its path relative to the
    /// run folder, the path as it was given to `compute` (from the current folder). A run moved with its city, or
    /// opened from any folder, finds it without a flag.
    public func manifestPath(given: String? = nil) throws -> String {
        if let given {
            let path = Manifest.resolve(given, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            guard FileManager.default.fileExists(atPath: path) else { throw OutputError("\(given): no such manifest") }
            try checkInputs(manifest: path)
            return path
        }
        var candidates: [String] = []
        if let absolute = record.manifestAbsolute { candidates.append(absolute) }
        if let fromRun = record.manifestFromRun { candidates.append(URL(fileURLWithPath: path).standardizedFileURL.appendingPathComponent(fromRun).standardizedFileURL.path) }
        candidates.append(Manifest.resolve(record.manifest, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)))
        var seen = Set<String>(), changed: [String] = []
        for candidate in candidates where seen.insert(candidate).inserted && FileManager.default.fileExists(atPath: candidate) {
            do { try checkInputs(manifest: candidate); return candidate } catch { changed.append("\(error)") }
        }
        if let first = changed.first { throw OutputError(first) }
        throw OutputError("the city of the run \(path) is not found (looked for its manifest at \(seen.sorted().joined(separator: ", "))): pass --city MANIFEST")
    }

    /// Refuses a manifest whose inputs are not those the run was computed from.
    func checkInputs(manifest: String) throws {
        let folder = URL(fileURLWithPath: manifest).standardizedFileURL.deletingLastPathComponent()
        for (file, hash) in record.inputs.sorted(by: { $0.key < $1.key }) {
            // Inputs are recorded as the manifest names them (the manifest itself by its file name).
            let input = Manifest.resolve(file, relativeTo: folder)
            let current = try? FileDigest.sha256(ofFile: input)
            guard current == hash else {
                throw OutputError("\(input) \(current == nil ? "is missing" : "has changed") since the run \(path) was computed: compute the run again (`ictu compute`) so the results describe the city as it is, or pass --city with the run's city")
            }
        }
    }

    /// The city the run was computed from, its surface layers open (sensors are not read again), checked to be the
    /// run's city (same inputs, same grid).
    public func city(manifest given: String? = nil) throws -> City {
        let manifest = try manifestPath(given: given)
        let city = try City(manifestPath: manifest, surfaceOnly: true)
        guard city.grid == record.grid else { throw OutputError("\(manifest): its analysis grid differs from the run's (\(path(.record)))") }
        return city
    }
}
