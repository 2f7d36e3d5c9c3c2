import City
import Foundation
import GeoIO
import Grid
import Model
import Run
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
        let outputs = RunFolder.entries(partition: options.partition != nil, mapsOnly: options.mapsOnly)
        let staged = try StagedOutput(destination: out, entries: outputs.write.map(\.fileName), withdrawing: outputs.withdraw.map(\.fileName), overwrite: options.overwrite)
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
        let writers = try StagedRasters(staged: staged, grid: grid, region: region, layout: RunFolder.blockRasters(mapsOnly: options.mapsOnly))
        let passes: [BlockEngine.Pass] = [.init(.day, dayHours), .init(.night, nightHours)]
        let coarse = passes.map { CoarseNeighbourhoods(parks: parks, pass: $0, settings: settings) }
        parks = parks.influenceOnly()
        try BlockEngine.compute(region: region, blockSize: options.blockSize, settings: settings, passes: passes, park: parks, coarse: coarse,
                                concurrentReads: true, layers: { try readers.read($0) },
                                deliver: { block in
                                    try BlockRasters.write(block, into: writers)
                                    writers.invalidCellHours += block.fields[0].invalidCellHours + block.fields[1].invalidCellHours
                                },
                                progress: { progress("computing blocks", $0) })
        lap("blocks (read layers, physics, write GeoTIFF)")
        try BlockRasters.describe(writers)

        // Derived maps: classes, relative to the median, uncertainty.
        progress("derived maps", 0)
        let histogram = try writers.histogram(.dayMap)
        let median = options.partition == nil ? histogram.median : .nan
        try DerivedMaps.writeClassAndUncertainty(writers, looRMSE: day?.leaveOneSiteOut.rmse ?? 1.0, sites: city.stations.map { (x: $0.x, y: $0.y) })
        if options.partition == nil { try DerivedMaps.writeDeltaMedian(writers, median: median) }
        lap("derived maps")
        progress("writing COGs", 0)
        try writers.finishAsCOGs()
        lap("COG writing")

        var inputs: [String: String] = [:]
        let folder = URL(fileURLWithPath: manifest).standardizedFileURL.deletingLastPathComponent()
        var files: [String] = [URL(fileURLWithPath: manifest).lastPathComponent]
        files += city.manifest.rasters.values.map { $0.path }
        files += (city.manifest.vectors ?? [:]).values.map { $0.path }
        if let s = city.manifest.sensors { files += [s.stations, s.reference]; files += s.measurements }
        for f in Set(files) { inputs[f] = try FileDigest.sha256(ofFile: Manifest.resolve(f, relativeTo: folder)) }
        var record = RunRecord(
            engineVersion: engineVersion, manifest: manifest, inputs: inputs, grid: grid,
            windows: ["day": "mean of hourly UTCI at \(dayHours.map { "\($0.localHour)" }.joined(separator: ", ")) h local (\(city.clock.zone.identifier))",
                      "night": "mean of hourly UTCI at \(nightHours.map { "\($0.localHour)" }.joined(separator: ", ")) h local",
                      "weather": "composite hot day: per local hour, the median over the hot days (reference maximum ≥ \(Int(hot.threshold)) °C) of the reference station; sun of the median hot date \(isoDate(hot.medianDate))"],
            timezone: city.clock.zone.identifier, hotDays: hot.days.map(isoDate), compositeDay: hot.composite, coefficients: coefficients, calibrated: day != nil,
            day: day, night: night, residualSpatialCorrelation: correlation, residualSurfaces: residualSurfaces, qc: city.qc, medianDayICTU: median,
            invalidCellHours: writers.invalidCellHours,
            bands: RunFolder.bandNames(mapsOnly: options.mapsOnly), sites: [], stageSeconds: stages)
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
        if let partition = options.partition {
            record.partition = PartitionRecord(index: partition.index, count: partition.count, firstRow: region.y, endRow: region.y + region.height,
                                               dayHistogram: histogram)
            try record.write(to: try staged.path(RunFolder.Entry.partitionRecord.fileName))
            try staged.commit()
            progress("done", 1)
            return record
        }
        progress("report", 0)
        let report = try RunReport.html(record: record, cityName: record.cityName ?? "city") { try staged.path($0.fileName) }
        try Data(report.utf8).write(to: URL(fileURLWithPath: try staged.path(RunFolder.Entry.report.fileName)))
        try record.write(to: try staged.path(RunFolder.Entry.record.fileName))
        try staged.commit()
        progress("done", 1)
        return record
    }

    static func isoDate(_ day: Int) -> String {
        let (y, m, d) = Timestamp.civil(fromDays: day)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}
