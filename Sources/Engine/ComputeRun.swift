import City
import Foundation
import GeoIO
import Grid
import Model
import Run
import Styles
import Support

public struct ComputeOptions: Sendable {
    public var blockSize = 1024
    public var overwrite = false
    /// Skip calibration and use the documented defaults (docs/model.md).
    public var defaultsOnly = false
    /// Compute one piece of the run only (`--partition i/n`), to be assembled by `ictu mosaic`.
    public var partition: Partition? = nil
    /// Write the maps only, not the analysis stacks (components.tif, intermediate.tif): a metropolis's run is then a
    /// ninth of the disk and of the COG writing. What reads the stacks (explain, diagnose, watering, simulate) refuses such a run.
    public var mapsOnly = false
    public init() {}
}

public enum ComputeRun {
    public static let engineVersion = "0.2.0"

    public static func run(manifest: String, out: String, options: ComputeOptions = ComputeOptions(), progress: @escaping ProgressHandler = { _, _ in }) throws -> RunRecord {
        var clock = StageClock()
        // Before any work: a piece the grid cannot have, and a run the machine cannot hold, are said.
        let plannedGrid = try City.grid(manifestPath: manifest)
        if let partition = options.partition { _ = try partition.rows(gridHeight: plannedGrid.height, blockSize: options.blockSize) }
        let estimate = RunEstimate(grid: options.partition.map { p in
            let rows = (try? p.rows(gridHeight: plannedGrid.height, blockSize: options.blockSize)) ?? 0..<plannedGrid.height
            return plannedGrid.window(Window(x: 0, y: rows.lowerBound, width: plannedGrid.width, height: rows.count))
        } ?? plannedGrid, mapsOnly: options.mapsOnly, blockSize: options.blockSize)
        try estimate.check(out: out)
        progress("estimated: " + estimate.text, 0)
        progress("reading the city", 0)
        let city = try City(manifestPath: manifest)
        clock.lap("read inputs and QC")
        try InputProtection.check(output: out, inputs: city.inputFiles)
        let region = try region(of: city.grid, options: options)
        let outputs = RunFolder.entries(partition: options.partition != nil, mapsOnly: options.mapsOnly)
        let staged = try StagedOutput(destination: out, entries: outputs.write.map(\.fileName), withdrawing: outputs.withdraw.map(\.fileName), overwrite: options.overwrite)
        let hot = try hotDays(of: city, manifest: manifest)

        progress("parks", 0)
        let readers = try SurfaceReaders(city: city)
        let surroundingReaders = city.surroundings.hasMargin ? try SurfaceReaders(surroundingsOf: city) : readers
        var parks = try ParkField(surroundings: city.surroundings, readers: surroundingReaders)
        clock.lap("parks")

        let fit = try calibrate(city: city, parks: parks, surroundings: surroundingReaders, hot: hot, options: options, progress: progress)
        clock.lap("calibration")

        let settings = try mapSettings(grid: city.grid, hot: hot, fit: fit)
        let passes = settings.passes
        let coarse = passes.map { CoarseNeighbourhoods(parks: parks, pass: $0, settings: settings) }
        parks = parks.influenceOnly() // the blocks need only the park influence: the park pass's coarse layers go first
        let writers = try computeBlocks(region: region, settings: settings, passes: passes, parks: parks, coarse: coarse, readers: readers,
                                        staged: staged, options: options, progress: progress)
        clock.lap("blocks (read layers, physics, write GeoTIFF)")

        progress("derived maps", 0)
        let histogram = try writers.histogram(.dayMap)
        let median = options.partition == nil ? histogram.median : .nan
        try DerivedMaps.writeClassAndUncertainty(writers, looRMSE: fit.day?.leaveOneSiteOut.rmse ?? 1.0, sites: city.stations.map { (x: $0.x, y: $0.y) })
        if options.partition == nil { try DerivedMaps.writeDeltaMedian(writers, median: median) }
        clock.lap("derived maps")
        progress("writing COGs", 0)
        try writers.finishAsCOGs()
        clock.lap("COG writing")

        var record = try makeRecord(city: city, manifest: manifest, out: out, hot: hot, settings: settings, fit: fit, median: median,
                                    invalidCellHours: writers.invalidCellHours, stages: clock.stages, options: options)
        if let partition = options.partition {
            record.partition = PartitionRecord(index: partition.index, count: partition.count, firstRow: region.y, endRow: region.y + region.height,
                                               dayHistogram: histogram)
            try record.write(to: try staged.path(RunFolder.Entry.partitionRecord.fileName))
        } else {
            try RunReport.stage(record, into: staged, progress: progress)
        }
        // Each map's QGIS and OGC styles beside it, and the QGIS project of the run.
        try MapStyle.write(for: outputs.write, into: staged.path)
        if options.partition == nil { try RunDescription.stage(into: staged.path, runPath: out, record: record, manifest: URL(fileURLWithPath: manifest).standardizedFileURL.path) }
        try staged.commit()
        progress("done", 1)
        return record
    }

    /// The cells this run computes: the whole grid, or one partition's rows.
    static func region(of grid: GridSpec, options: ComputeOptions) throws -> Window {
        guard let partition = options.partition else { return Window(x: 0, y: 0, width: grid.width, height: grid.height) }
        let rows = try partition.rows(gridHeight: grid.height, blockSize: options.blockSize)
        return Window(x: 0, y: rows.lowerBound, width: grid.width, height: rows.count)
    }

    /// The reference station's hot days and composite hot day, with the sun at the lattice node nearest the grid's
    /// centre (`HotDays.sunNode`).
    static func hotDays(of city: City, manifest: String) throws -> HotDays {
        let grid = city.grid
        let centre = try CoordinateTransform(from: grid.crs, to: "EPSG:4326").transform(x: (grid.minX + grid.maxX) / 2, y: (grid.minY + grid.maxY) / 2)
        guard let reference = city.reference else { throw OutputError("\(manifest): `sensors.reference` is needed for the weather of the hot days") }
        let sun = HotDays.sunNode(longitude: centre.x, latitude: centre.y)
        let hot = HotDays(reference: reference, clock: city.clock, latitude: sun.latitude, longitude: sun.longitude)
        guard !hot.days.isEmpty else { throw OutputError("the reference station has no day reaching \(hot.threshold) °C: no hot day to map") }
        return hot
    }

    /// What the calibration gives the run: coefficients, each window's fit, and the residuals' treatment.
    struct Fit {
        var coefficients = ModelCoefficients()
        var day: RegimeCalibration? = nil, night: RegimeCalibration? = nil
        var correlation = tr("no calibration")
        var residualSurfaces: [String: ResidualSurface] = [:]
        var note: String? = nil
    }

    /// Calibration on the sensors (docs/model.md, "Sensors and calibration"), or the documented defaults.
    static func calibrate(city: City, parks: ParkField, surroundings: SurfaceReaders, hot: HotDays, options: ComputeOptions, progress: ProgressHandler) throws -> Fit {
        var fit = Fit()
        if options.defaultsOnly { fit.note = "--defaults was given"; return fit }
        guard city.network != nil else { fit.note = "the manifest names no sensors (`sensors:`), so there is nothing to calibrate on"; return fit }
        progress("calibrating", 0)
        let sites = try SitePredictorBuilder.sites(city: city, parks: parks, surroundings: { try surroundings.readInStrips($0) }, hotDays: hot.days, prior: fit.coefficients)
        fit.day = Calibration.fit(sites, regime: .day, prior: fit.coefficients.day)
        fit.night = Calibration.fit(sites, regime: .night, prior: fit.coefficients.night)
        var missing: [String] = []
        for (regime, calibration) in [(Regime.day, fit.day), (.night, fit.night)] where calibration == nil {
            let usable = sites.filter { $0.signature[regime] != nil }.count
            missing.append("\(regime.rawValue): \(usable) site\(usable == 1 ? " has" : "s have") a signature (sensors kept by QC, with data in the window on the hot days), and a fit needs \(Calibration.minimumSites)")
        }
        if !missing.isEmpty {
            let qc = city.qc.map { "; QC kept \($0.sensors.values.filter { !$0.rejected }.count) of \($0.sensors.count) sensors" } ?? ""
            fit.note = missing.joined(separator: "; ") + qc
        }
        if let day = fit.day { fit.coefficients.day = day.coefficients }
        if let night = fit.night { fit.coefficients.night = night.coefficients }
        let dayCheck = ResidualCorrelation.assess(sites: sites, residuals: fit.day?.residuals ?? [:])
        let nightCheck = ResidualCorrelation.assess(sites: sites, residuals: fit.night?.residuals ?? [:])
        fit.correlation = tr("day: {}; night: {}", dayCheck.description, nightCheck.description)
        fit.residualSurfaces = ["day": dayCheck.surface, "night": nightCheck.surface].compactMapValues { $0 }
        return fit
    }

    /// The calibrated model over the windows' hours. Hours the reference cannot give are left out of the window, and
    /// said (the record's windows).
    static func mapSettings(grid: GridSpec, hot: HotDays, fit: Fit) throws -> MapSettings {
        let dayHours = hot.conditions(at: HotDays.dayHours), nightHours = hot.conditions(at: HotDays.nightHours)
        guard !dayHours.isEmpty, !nightHours.isEmpty else {
            throw OutputError("the reference station does not cover the day (14–17 h) and night (22–06 h) windows of its hot days")
        }
        return MapSettings(grid: grid, coefficients: fit.coefficients, dayHours: dayHours, nightHours: nightHours, residualSurfaces: fit.residualSurfaces)
    }

    /// Blocks with halos, read (one opening of the inputs per core) and computed on both cores, written one at a
    /// time into the staged rasters.
    static func computeBlocks(region: Window, settings: MapSettings, passes: [BlockEngine.Pass], parks: ParkField, coarse: [CoarseNeighbourhoods],
                              readers: SurfaceReaders, staged: StagedOutput, options: ComputeOptions, progress: @escaping ProgressHandler) throws -> StagedRasters {
        let writers = try StagedRasters(staged: staged, grid: settings.grid, region: region, layout: RunFolder.blockRasters(mapsOnly: options.mapsOnly))
        try BlockEngine.compute(region: region, blockSize: options.blockSize, settings: settings, passes: passes, park: parks, coarse: coarse,
                                concurrentReads: true, layers: { try readers.read($0) },
                                deliver: { block in
                                    try BlockRasters.write(block, into: writers)
                                    writers.invalidCellHours += block.fields[0].invalidCellHours + block.fields[1].invalidCellHours
                                },
                                progress: { progress("computing blocks", $0) })
        try BlockRasters.describe(writers)
        return writers
    }

    /// The run's record: everything needed to explain and reproduce it.
    static func makeRecord(city: City, manifest: String, out: String, hot: HotDays, settings: MapSettings, fit: Fit, median: Double,
                           invalidCellHours: Int, stages: [String: Double], options: ComputeOptions) throws -> RunRecord {
        var inputs: [String: String] = [:]
        let folder = URL(fileURLWithPath: manifest).standardizedFileURL.deletingLastPathComponent()
        var files: [String] = [URL(fileURLWithPath: manifest).lastPathComponent]
        files += city.manifest.rasters.values.map { $0.path }
        files += (city.manifest.vectors ?? [:]).values.map { $0.path }
        if let s = city.manifest.sensors { files += [s.stations, s.reference]; files += s.measurements }
        for f in Set(files) { inputs[f] = try FileDigest.sha256(ofFile: Manifest.resolve(f, relativeTo: folder)) }
        let dayHours = settings.dayHours, nightHours = settings.nightHours
        var record = RunRecord(
            engineVersion: engineVersion, manifest: manifest, inputs: inputs, grid: city.grid,
            windows: ["day": "mean of hourly UTCI at \(dayHours.map { "\($0.localHour)" }.joined(separator: ", ")) h local (\(city.clock.zone.identifier))",
                      "night": "mean of hourly UTCI at \(nightHours.map { "\($0.localHour)" }.joined(separator: ", ")) h local",
                      "weather": "composite hot day: per local hour, the median over the hot days (reference maximum ≥ \(Int(hot.threshold)) °C) of the reference station; sun of the median hot date \(isoDate(hot.medianDate))"],
            timezone: city.clock.zone.identifier, hotDays: hot.days.map(isoDate), compositeDay: hot.composite, coefficients: fit.coefficients, calibrated: fit.day != nil,
            day: fit.day, night: fit.night, residualSpatialCorrelation: fit.correlation, residualSurfaces: fit.residualSurfaces, qc: city.qc, medianDayICTU: median,
            invalidCellHours: invalidCellHours, bands: RunFolder.bandNames(mapsOnly: options.mapsOnly), sites: [], stageSeconds: stages)
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
        record.locateManifest(manifest, run: out)
        record.calibrationNote = fit.note
        record.warnings = city.warnings.isEmpty ? nil : city.warnings
        return record
    }

    static func isoDate(_ day: Int) -> String {
        let (y, m, d) = Timestamp.civil(fromDays: day)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}
