import City
import Foundation
import Grid
import Model

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
    /// The manifest's name of the city (for the report).
    public var cityName: String? = nil
    /// Block size the grid was computed in (partitions and their mosaic must share it).
    public var blockSize: Int? = nil
    /// For a partition's folder (partition.json): which piece it is. Nil for a whole run.
    public var partition: PartitionRecord? = nil
    /// Whether the run left out the analysis stacks (`ictu compute --maps-only`); nil for runs before the option.
    public var mapsOnly: Bool? = nil
}

extension RunRecord {
    static func decode(_ path: String) throws -> RunRecord {
        do { return try JSONCoding.decoder.decode(RunRecord.self, from: Data(contentsOf: URL(fileURLWithPath: path))) }
        catch { throw OutputError("\(path): not a run record this version of ictu can read (\(error))") }
    }

    func write(to path: String) throws { try JSONCoding.encoder.encode(self).write(to: URL(fileURLWithPath: path)) }

    /// Records where the manifest is, for a run written to `run`: absolute, and relative to the run folder.
    mutating func locateManifest(_ given: String, run: String) {
        manifestAbsolute = Manifest.resolve(given, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        relocate(to: run)
    }

    /// The manifest's path relative to `run`, the folder this record is written to.
    mutating func relocate(to run: String) {
        guard let absolute = manifestAbsolute else { return }
        manifestFromRun = RelativePath.from(URL(fileURLWithPath: run), to: URL(fileURLWithPath: absolute))
    }
}

/// A sensor site of the run.
public struct RunSite: Codable, Sendable {
    public var id: String, commune: String, setting: String
    public var x: Double, y: Double, longitude: Double, latitude: Double
    public var sensors: [String]
}

