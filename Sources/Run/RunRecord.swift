import City
import Foundation
import Grid
import Model
import Support

/// `calibration.json`: everything needed to explain and reproduce a run.
public struct RunRecord: Codable, Sendable {
    public var engineVersion: String
    /// The city's manifest as it was given to `compute`, and resolved: absolute, and relative to the run folder (so
    /// a run moved with its city still finds it). The inputs' SHA-256 say whether a manifest found is the run's city.
    public var manifest: String
    public var manifestAbsolute: String? = nil
    public var manifestFromRun: String? = nil
    public var inputs: [String: String]            // relative path → SHA-256
    public var grid: GridSpec
    public var windows: [String: String]
    /// IANA time zone of the windows (local hours).
    public var timezone: String?
    public var hotDays: [String]
    public var compositeDay: [HourConditions]
    public var coefficients: ModelCoefficients
    public var calibrated: Bool
    /// Why the run, or one of its windows, uses the documented default coefficients instead of calibrated ones
    /// (nil when both windows are calibrated). Said on the terminal, in the report and in the viewer.
    public var calibrationNote: String? = nil
    /// What was said about the inputs that is not an error (a file in two roles…).
    public var warnings: [String]? = nil
    public var day: RegimeCalibration?
    public var night: RegimeCalibration?
    public var residualSpatialCorrelation: String
    /// Kriged calibration residuals per regime ("day", "night"), present only where they were warranted.
    public var residualSurfaces: [String: ResidualSurface]
    public var qc: QCReport?
    public var medianDayICTU: Double
    public var invalidCellHours: Int
    public var bands: [String: [String]]
    /// The sensor sites (positions in the grid's CRS and in WGS 84, their sensors), for maps and viewers.
    public var sites: [RunSite]
    /// Wall-clock seconds per stage of this run (reading and QC, parks, calibration, blocks, derived maps, COG writing).
    public var stageSeconds: [String: Double]
    /// For a scenario's run folder: the scenario file and the run it was simulated on (nil for a computed run).
    public var scenario: String? = nil
    public var baseRun: String? = nil
    /// For a scenario written as patches (`simulate` without --standalone): its rasters are VRTs drawing the changed
    /// window over the base run's rasters, found there (relative to this run's folder) while the base run is the one
    /// simulated on (its record's SHA-256).
    public var patchedOver: PatchedBase? = nil
    /// The manifest's name of the city (for the report).
    public var cityName: String? = nil
    /// Block size the grid was computed in (partitions and their mosaic must share it).
    public var blockSize: Int? = nil
    /// For a partition's folder (partition.json): which piece it is. Nil for a whole run.
    public var partition: PartitionRecord? = nil
    /// Whether the run left out the analysis stacks (`ictu compute --maps-only`); nil for runs before the option.
    public var mapsOnly: Bool? = nil

    /// A computed run's record; what a partition, a scenario or a moved run adds is set after.
    public init(engineVersion: String, manifest: String, inputs: [String: String], grid: GridSpec, windows: [String: String], timezone: String?,
                hotDays: [String], compositeDay: [HourConditions], coefficients: ModelCoefficients, calibrated: Bool, day: RegimeCalibration?,
                night: RegimeCalibration?, residualSpatialCorrelation: String, residualSurfaces: [String: ResidualSurface], qc: QCReport?,
                medianDayICTU: Double, invalidCellHours: Int, bands: [String: [String]], sites: [RunSite], stageSeconds: [String: Double]) {
        self.engineVersion = engineVersion; self.manifest = manifest; self.inputs = inputs; self.grid = grid; self.windows = windows
        self.timezone = timezone; self.hotDays = hotDays; self.compositeDay = compositeDay; self.coefficients = coefficients
        self.calibrated = calibrated; self.day = day; self.night = night; self.residualSpatialCorrelation = residualSpatialCorrelation
        self.residualSurfaces = residualSurfaces; self.qc = qc; self.medianDayICTU = medianDayICTU; self.invalidCellHours = invalidCellHours
        self.bands = bands; self.sites = sites; self.stageSeconds = stageSeconds
    }
}

extension RunRecord {
    static func decode(_ path: String) throws -> RunRecord {
        do { return try JSONCoding.decoder.decode(RunRecord.self, from: Data(contentsOf: URL(fileURLWithPath: path))) }
        catch DecodingError.keyNotFound(let key, let context) where context.codingPath.contains(where: { $0.stringValue == "radiative" }) {
            // Runs before the measured-sky radiation (docs/model.md eq. 5) kept a fixed recipe's coefficients.
            throw OutputError("\(path): this run was computed by an earlier ictu whose radiation model is no longer the engine's (no '\(key.stringValue)'); "
                              + "compute it again with `ictu compute` to explain, simulate, diagnose or serve it")
        }
        catch { throw OutputError("\(path): not a run record this version of ictu can read (\(error))") }
    }

    public func write(to path: String) throws { try JSONCoding.encoder.encode(self).write(to: URL(fileURLWithPath: path)) }

    /// Records where the manifest is, for a run written to `run`: absolute, and relative to the run folder.
    public mutating func locateManifest(_ given: String, run: String) {
        manifestAbsolute = Manifest.resolve(given, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        relocate(to: run)
    }

    /// The manifest's path relative to `run`, the folder this record is written to.
    public mutating func relocate(to run: String) {
        guard let absolute = manifestAbsolute else { return }
        manifestFromRun = FilePaths.relative(from: URL(fileURLWithPath: run), to: URL(fileURLWithPath: absolute))
    }
}

/// The run a patched scenario's rasters are drawn over.
public struct PatchedBase: Codable, Sendable, Equatable {
    /// The base run's folder, relative to the scenario's.
    public var run: String
    /// SHA-256 of the base run's record when the scenario was simulated.
    public var recordSHA256: String
    public init(run: String, recordSHA256: String) { self.run = run; self.recordSHA256 = recordSHA256 }
}

/// A sensor site of the run.
public struct RunSite: Codable, Sendable {
    public var id: String, commune: String, setting: String
    public var x: Double, y: Double, longitude: Double, latitude: Double
    public var sensors: [String]
    public init(id: String, commune: String, setting: String, x: Double, y: Double, longitude: Double, latitude: Double, sensors: [String]) {
        self.id = id; self.commune = commune; self.setting = setting; self.x = x; self.y = y
        self.longitude = longitude; self.latitude = latitude; self.sensors = sensors
    }
}

