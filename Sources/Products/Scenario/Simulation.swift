import City
import Foundation
import GeoIO
import Grid
import Model

public struct SimulationOptions: Sendable {
    public var blockSize = 512
    public var overwrite = false
    /// The city's manifest, when it is not where the run says.
    public var manifest: String? = nil
    /// CRS of a scenario file that names none (default WGS 84, RFC 7946).
    public var crs: String? = nil
    /// Overrides every planting's `years_after_planting` (the time horizon).
    public var years: Double? = nil
    /// Cells whose only change is the park term, by less than this (°C of air temperature), keep the run's value.
    public var parkToleranceC = 0.02
    /// Recompute the whole grid instead of the window the edits reach (a check, and the reference of the tests).
    public var recomputeEverything = false
    public init() {}
}

/// A run, ready to simulate scenarios on: its record and model settings, its city, its park field and its day and
/// night maps. Loading checks that the city's inputs are still those of the run (SHA-256), so "before" is the run.
public final class SimulationBase: @unchecked Sendable {
    public let run: String
    public let record: RunRecord
    public let settings: MapSettings
    public let city: City
    public let parks: ParkField
    /// The run's day and night ICTU over the whole grid.
    public let day: Plane, night: Plane
    public let population: Plane?
    /// Seconds per loading stage (input check, city, parks, maps).
    public private(set) var stageSeconds: [String: Double] = [:]
    let lock = NSLock()

    public init(run: String, manifest: String? = nil, progress: ProgressHandler = { _, _ in }) throws {
        self.run = run
        var clock = Date()
        var stages: [String: Double] = [:]
        func lap(_ stage: String) { stages[stage] = (Date().timeIntervalSince(clock) * 100).rounded() / 100; clock = Date() }
        record = try RunRecord.load(run: run)
        settings = try MapSettings(record: record)
        progress("checking the city's inputs", 0)
        city = try RunCity.open(record: record, run: run, manifest: manifest)
        let path = city.manifestPath
        lap("check inputs and read city")
        progress("parks", 0)
        parks = try ParkField(city: city)
        lap("parks")
        let grid = record.grid
        func read(_ file: String) throws -> Plane {
            Plane(width: grid.width, height: grid.height, values: try RasterDataset.open(run + "/" + file).band(1).read(x: 0, y: 0, width: grid.width, height: grid.height))
        }
        day = try read("ictu_day.tif")
        night = try read("ictu_night.tif")
        population = try PopulationLayer.read(manifest: path, grid: grid)
        lap("read maps")
        stageSeconds = stages
    }

    /// Access to cool islands on the run's day map: the same for every scenario, found once.
    var coolIslandAccess: (distance: [Float], share: Double) {
        lock.withLock {
            if let cached = accessCache { return cached }
            let found = ScenarioSummary.coolIslandAccess(day, grid: record.grid)
            accessCache = found
            return found
        }
    }
    private var accessCache: (distance: [Float], share: Double)?

    /// The city's layers over a window (GDAL handles: one caller at a time).
    func layers(_ window: Window) throws -> SurfaceLayers { try lock.withLock { try city.layers(window) } }
}

/// A scenario computed in memory: the cells it recomputed and their new values, and its summary.
public struct SimulationResult: Sendable {
    public let surface: ScenarioSurface
    /// The recomputed window (nil: nothing to recompute).
    public let region: Window?
    /// Over `region`: the planes of every run raster (RunLayers names), after the edits.
    public let after: [String: [Plane]]
    public let summary: ScenarioSummary

    /// The run's raster `name` (band `band`, 0-based) with the recomputed region in place.
    func merged(_ base: Plane, name: String, band: Int = 0) -> Plane {
        guard let region, let planes = after[name] else { return base }
        var out = base
        out.paste(planes[band], x: region.x, y: region.y)
        return out
    }

    public func afterDay(_ base: SimulationBase) -> Plane { merged(base.day, name: "ictu_day") }
    public func afterNight(_ base: SimulationBase) -> Plane { merged(base.night, name: "ictu_night") }
}

public enum Simulation {
    /// Applies `scenario` to the run and recomputes what it reaches.
    public static func compute(_ scenario: Scenario, name: String, base: SimulationBase, options: SimulationOptions = SimulationOptions(),
                               progress: ProgressHandler = { _, _ in }) throws -> SimulationResult {
        let start = Date()
        var clock = start
        var stages: [String: Double] = [:]
        func lap(_ stage: String) { stages[stage] = (Date().timeIntervalSince(clock) * 100).rounded() / 100; clock = Date() }
        var scenario = scenario
        if let years = options.years {
            for k in scenario.edits.indices where scenario.edits[k].values["years_after_planting"] != nil { scenario.edits[k].values["years_after_planting"] = years }
        }
        let grid = base.record.grid
        let surface = try ScenarioSurface(scenario: scenario, grid: grid, name: name)
        var settings = base.settings
        settings.tallestObstacleMetres = max(settings.tallestObstacleMetres, surface.tallestObstacleMetres)
        let edited: (Window) throws -> SurfaceLayers = { window in
            var layers = try base.layers(window)
            surface.apply(to: &layers, window: window)
            return layers
        }

        // What the edits reach: their cells plus the halo, and wherever the park term moves by more than the tolerance.
        var region: Window? = nil
        var parksAfter = base.parks
        if let editedWindow = surface.editedWindow {
            progress("parks", 0)
            parksAfter = try base.parks.updated(region: editedWindow, grid: grid, layers: edited)
            region = editedWindow.expanded(by: settings.halo, within: grid.width, grid.height)
            let intensity = max(abs(settings.coefficients.day.parkIntensity), abs(settings.coefficients.night.parkIntensity), 1e-6)
            if let parkChange = parksAfter.changedRegion(comparedWith: base.parks, tolerance: Float(options.parkToleranceC / intensity), grid: grid) {
                region = region!.union(parkChange)
            }
        }
        lap("edits and parks")
        if options.recomputeEverything { region = Window(x: 0, y: 0, width: grid.width, height: grid.height) }

        var after: [String: [Plane]] = [:]
        if let region {
            for (name, bands) in RunLayers.layout { after[name] = Array(repeating: Plane(width: region.width, height: region.height, value: .nan), count: bands) }
            try BlockEngine.compute(region: region, blockSize: options.blockSize, settings: settings,
                                    passes: [.init(.day, settings.dayHours), .init(.night, settings.nightHours)], park: parksAfter,
                                    layers: edited,
                                    deliver: { block in
                                        for (name, planes) in RunLayers.planes(block) {
                                            for (b, plane) in planes.enumerated() { after[name]![b].paste(plane, x: block.core.x - region.x, y: block.core.y - region.y) }
                                        }
                                    },
                                    progress: { progress("recomputing \(region.width) × \(region.height) cells", $0) })
        }
        lap("recompute")
        let partial = SimulationResult(surface: surface, region: region, after: after, summary: ScenarioSummary.empty)
        progress("summary", 0)
        var summary = try ScenarioSummary.compute(name: name, scenario: scenario, result: partial, base: base, settings: settings,
                                                  parksAfter: parksAfter, edited: edited, blockSize: options.blockSize,
                                                  seconds: 0)
        lap("summary (cool islands, \(summary.hour) h maps)")
        summary.seconds = (Date().timeIntervalSince(start) * 100).rounded() / 100
        summary.stageSeconds = stages
        return SimulationResult(surface: surface, region: region, after: after, summary: summary)
    }
}
