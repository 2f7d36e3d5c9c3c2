import City
import Foundation
import GeoIO
import Grid
import Model

public struct ComputeOptions: Sendable {
    public var blockSize = 1024
    public var overwrite = false
    /// Skip calibration and use the documented defaults (model.md).
    public var defaultsOnly = false
    /// Compute one piece of the run only (`--partition i/n`), to be assembled by `ictu mosaic`.
    public var partition: Partition? = nil
    /// Write the maps only, not the analysis stacks (components.tif, intermediate.tif): a metropolis's run is then a
    /// ninth of the disk and of the COG writing. What reads the stacks (explain, diagnose, watering, simulate) refuses such a run.
    public var mapsOnly = false
    public init() {}
}

/// `calibration.json`: everything needed to explain and reproduce a run.
public struct RunRecord: Codable, Sendable {
    public var engineVersion: String
    public var manifest: String
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
    /// The record of the run folder `run` (its calibration.json).
    public static func load(run: String) throws -> RunRecord {
        // A commit into this folder interrupted by a crash is finished before anything is read from it.
        try StagedOutput.finishInterruptedCommits(in: URL(fileURLWithPath: run))
        let path = run + "/calibration.json"
        guard FileManager.default.fileExists(atPath: path) else {
            if FileManager.default.fileExists(atPath: run + "/partition.json") {
                throw OutputError("\(run) is one partition of a run: assemble the partitions first (`ictu mosaic --out RUN \(run) …`)")
            }
            throw OutputError("\(run) is not a run folder (no calibration.json): run `ictu compute --out \(run)` first")
        }
        return try decode(path)
    }

    /// Refuses a run without the analysis stacks for `command`, which reads them.
    public func requireAnalysisStacks(run: String, for command: String) throws {
        guard mapsOnly == true else { return }
        throw OutputError("\(run) was computed with --maps-only: it has no components.tif nor intermediate.tif, which \(command) reads; compute the run again without --maps-only")
    }

    /// A partition's record (its partition.json).
    public static func loadPartition(_ folder: String) throws -> RunRecord {
        try StagedOutput.finishInterruptedCommits(in: URL(fileURLWithPath: folder))
        let path = folder + "/partition.json"
        guard FileManager.default.fileExists(atPath: path) else {
            throw OutputError("\(folder) is not a partition's folder (no partition.json): write it with `ictu compute --partition I/N --out \(folder)`")
        }
        let record = try decode(path)
        guard record.partition != nil else { throw OutputError("\(path): no partition in it") }
        return record
    }

    static func decode(_ path: String) throws -> RunRecord {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(RunRecord.self, from: Data(contentsOf: URL(fileURLWithPath: path))) }
        catch { throw OutputError("\(path): not a calibration.json this version of ictu can read (\(error))") }
    }
}

/// A sensor site of the run.
public struct RunSite: Codable, Sendable {
    public var id: String, commune: String, setting: String
    public var x: Double, y: Double, longitude: Double, latitude: Double
    public var sensors: [String]
}

public enum ComputeRun {
    public static let engineVersion = "0.2.0"
    public static let entries = ["ictu_day.tif", "ictu_night.tif", "ictu_class.tif", "ictu_delta_median.tif", "components.tif",
                                 "intermediate.tif", "uncertainty.tif", "hydric_stress.tif", "calibration.json", "report.html"]
    /// A partition writes its piece of every raster that is local to a cell; the median-relative map, the
    /// report and calibration.json need the whole run and are written by `ictu mosaic`.
    public static let partitionRasters = ["ictu_day", "ictu_night", "ictu_class", "components", "intermediate", "uncertainty", "hydric_stress"]
    static let partitionEntries = partitionRasters.map { $0 + ".tif" } + ["partition.json"]
    static let analysisEntries = RunLayers.analysisStacks.map { $0 + ".tif" }

    /// The rasters a partition writes, without the analysis stacks when `mapsOnly`.
    static func partitionRasters(mapsOnly: Bool) -> [String] { partitionRasters.filter { !mapsOnly || !RunLayers.analysisStacks.contains($0) } }

    /// A run's entries (a partition's when `partition`), and those it withdraws from the folder it replaces: a run
    /// with the maps only must not leave an earlier run's stacks beside its maps.
    static func entries(partition: Bool, mapsOnly: Bool) -> (write: [String], withdraw: [String]) {
        let all = partition ? partitionEntries : entries
        return mapsOnly ? (all.filter { !analysisEntries.contains($0) }, analysisEntries) : (all, [])
    }

    public static func run(manifest: String, out: String, options: ComputeOptions = ComputeOptions(), progress: ProgressHandler = { _, _ in }) throws -> RunRecord {
        var stages: [String: Double] = [:]
        var clock = Date()
        func lap(_ stage: String) { stages[stage] = (Date().timeIntervalSince(clock) * 100).rounded() / 100; clock = Date() }
        if let partition = options.partition { // a piece the grid cannot have is said before the inputs are read
            _ = try partition.rows(gridHeight: try City.grid(manifestPath: manifest).height, blockSize: options.blockSize)
        }
        progress("reading the city", 0)
        let city = try City(manifestPath: manifest)
        lap("read inputs and QC")
        let grid = city.grid
        var region = Window(x: 0, y: 0, width: grid.width, height: grid.height)
        if let partition = options.partition {
            let rows = try partition.rows(gridHeight: grid.height, blockSize: options.blockSize)
            region = Window(x: 0, y: rows.lowerBound, width: grid.width, height: rows.count)
        }
        let outputs = entries(partition: options.partition != nil, mapsOnly: options.mapsOnly)
        let staged = try StagedOutput(destination: out, entries: outputs.write, withdrawing: outputs.withdraw, overwrite: options.overwrite)
        let toWGS = try CoordinateTransform(from: grid.crs, to: "EPSG:4326")
        let centre = try toWGS.transform(x: (grid.minX + grid.maxX) / 2, y: (grid.minY + grid.maxY) / 2)
        guard let reference = city.reference else { throw OutputError("\(manifest): `sensors.reference` is needed for the weather of the hot days") }
        let hot = HotDays(reference: reference, clock: city.clock, latitude: centre.y, longitude: centre.x)
        guard !hot.days.isEmpty else { throw OutputError("the reference station has no day reaching \(hot.threshold) °C: no hot day to map") }
        progress("parks", 0)
        let readers = try SurfaceReaders(city: city)
        var parks = try ParkField(grid: grid, readers: readers)
        lap("parks")

        // Calibration on the sensors (or the documented defaults).
        var coefficients = ModelCoefficients()
        var day: RegimeCalibration? = nil, night: RegimeCalibration? = nil
        var correlation = "no calibration"
        var residualSurfaces: [String: ResidualSurface] = [:]
        if !options.defaultsOnly, city.network != nil {
            progress("calibrating", 0)
            let sites = try SitePredictorBuilder.sites(city: city, parks: parks, hotDays: hot.days, prior: coefficients)
            day = Calibration.fit(sites, regime: .day, prior: coefficients.day)
            night = Calibration.fit(sites, regime: .night, prior: coefficients.night)
            if let day { coefficients.day = day.coefficients }
            if let night { coefficients.night = night.coefficients }
            let dayCheck = ResidualCorrelation.assess(sites: sites, residuals: day?.residuals ?? [:])
            let nightCheck = ResidualCorrelation.assess(sites: sites, residuals: night?.residuals ?? [:])
            correlation = "day: \(dayCheck.description); night: \(nightCheck.description)"
            residualSurfaces = ["day": dayCheck.surface, "night": nightCheck.surface].compactMapValues { $0 }
        }
        lap("calibration")

        // Blocks with halos, read (one opening of the inputs per core) and computed on both cores, written one at a time.
        // Hours the reference cannot give are left out of the window, and said (calibration.json's windows).
        let dayHours = hot.conditions(at: HotDays.dayHours), nightHours = hot.conditions(at: HotDays.nightHours)
        guard !dayHours.isEmpty, !nightHours.isEmpty else {
            throw OutputError("the reference station does not cover the day (14–17 h) and night (22–06 h) windows of its hot days")
        }
        let settings = MapSettings(grid: grid, coefficients: coefficients, dayHours: dayHours, nightHours: nightHours, residualSurfaces: residualSurfaces)
        let terms = ComfortTerm.allCases
        let writers = try StagedRasters(staged: staged, grid: grid, region: region, layout: RunLayers.layout(mapsOnly: options.mapsOnly))
        let passes: [BlockEngine.Pass] = [.init(.day, dayHours), .init(.night, nightHours)]
        let coarse = passes.map { CoarseNeighbourhoods(parks: parks, pass: $0, settings: settings) }
        parks = parks.influenceOnly()
        try BlockEngine.compute(region: region, blockSize: options.blockSize, settings: settings, passes: passes, park: parks, coarse: coarse,
                                concurrentReads: true, layers: { try readers.read($0) },
                                deliver: { block in
                                    try RunLayers.write(block, into: writers)
                                    writers.invalidCellHours += block.fields[0].invalidCellHours + block.fields[1].invalidCellHours
                                },
                                progress: { progress("computing blocks", $0) })
        lap("blocks (read layers, physics, write GeoTIFF)")
        try RunLayers.describe(writers)

        // Derived maps: classes, relative to the median, uncertainty.
        progress("derived maps", 0)
        let histogram = try writers.histogram("ictu_day")
        let median = options.partition == nil ? histogram.median : .nan
        try DerivedMaps.writeClassAndUncertainty(writers, looRMSE: day?.leaveOneSiteOut.rmse ?? 1.0, sites: city.stations.map { (x: $0.x, y: $0.y) })
        if options.partition == nil { try DerivedMaps.writeDeltaMedian(writers, median: median) }
        lap("derived maps")
        progress("writing COGs", 0)
        try writers.finishAsCOGs()
        lap("COG writing")

        var inputs: [String: String] = [:]
        let folder = URL(fileURLWithPath: manifest).deletingLastPathComponent()
        var files: [String] = [URL(fileURLWithPath: manifest).lastPathComponent]
        files += city.manifest.rasters.values.map { $0.path }
        files += (city.manifest.vectors ?? [:]).values.map { $0.path }
        if let s = city.manifest.sensors { files += [s.stations, s.reference]; files += s.measurements }
        for f in Set(files) { inputs[f] = try SHA256.hex(ofFile: folder.appendingPathComponent(f).path) }
        var record = RunRecord(
            engineVersion: engineVersion, manifest: manifest, inputs: inputs, grid: grid,
            windows: ["day": "mean of hourly UTCI at \(dayHours.map { "\($0.localHour)" }.joined(separator: ", ")) h local (\(city.clock.zone.identifier))",
                      "night": "mean of hourly UTCI at \(nightHours.map { "\($0.localHour)" }.joined(separator: ", ")) h local",
                      "weather": "composite hot day: per local hour, the median over the hot days (reference maximum ≥ \(Int(hot.threshold)) °C) of the reference station; sun of the median hot date \(isoDate(hot.medianDate))"],
            timezone: city.clock.zone.identifier, hotDays: hot.days.map(isoDate), compositeDay: hot.composite, coefficients: coefficients, calibrated: day != nil,
            day: day, night: night, residualSpatialCorrelation: correlation, residualSurfaces: residualSurfaces, qc: city.qc, medianDayICTU: median,
            invalidCellHours: writers.invalidCellHours,
            bands: options.mapsOnly ? [:] : ["components.tif": terms.map { "day:\($0.rawValue)" } + terms.map { "night:\($0.rawValue)" },
                    "intermediate.tif": RunLayers.intermediateNames.map { "day:\($0)" } + RunLayers.intermediateNames.map { "night:\($0)" }], sites: [], stageSeconds: stages)
        var sites: [String: RunSite] = [:]
        for placed in city.stations {
            let s = placed.station
            sites[s.site, default: RunSite(id: s.site, commune: s.commune, setting: s.extra["setting"] ?? "", x: placed.x, y: placed.y,
                                           longitude: s.longitude, latitude: s.latitude, sensors: [])].sensors.append(s.id)
        }
        record.sites = sites.values.sorted { $0.id < $1.id }
        record.blockSize = options.blockSize
        record.mapsOnly = options.mapsOnly
        record.cityName = city.manifest.name
        if let partition = options.partition {
            record.partition = PartitionRecord(index: partition.index, count: partition.count, firstRow: region.y, endRow: region.y + region.height,
                                               dayHistogram: histogram)
            try write(record, to: try staged.path("partition.json"))
            try staged.commit()
            progress("done", 1)
            return record
        }
        progress("report", 0)
        let report = try RunReport.html(record: record, cityName: record.cityName ?? "city") { try staged.path($0) }
        try Data(report.utf8).write(to: URL(fileURLWithPath: try staged.path("report.html")))
        try write(record, to: try staged.path("calibration.json"))
        try staged.commit()
        progress("done", 1)
        return record
    }

    static func write(_ record: RunRecord, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(record).write(to: URL(fileURLWithPath: path))
    }

    static func isoDate(_ day: Int) -> String {
        let (y, m, d) = Timestamp.civil(fromDays: day)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}
