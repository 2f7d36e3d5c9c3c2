import City
import Engine
import Foundation
import Grid
import Model
import Run
import Support

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
    /// The summary without its city-wide and 15 h figures (`pending`), completed later by `Simulation.completed`:
    /// the server answers the viewer with the difference first.
    public var firstFiguresOnly = false
    public init() {}
}

/// A run, ready to simulate scenarios on: its record and model settings, its city, its park field and its day and
/// night maps. Loading checks that the city's inputs are still those of the run (SHA-256), so "before" is the run.
public final class SimulationBase: @unchecked Sendable {
    public let folder: RunFolder
    public var record: RunRecord { folder.record }
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
        var clock = StageClock()
        folder = try RunFolder(run)
        try folder.requireAnalysisStacks(for: "`ictu simulate`")
        settings = try MapSettings(record: folder.record)
        progress("checking the city's inputs", 0)
        city = try folder.city(manifest: manifest)
        let path = city.manifestPath
        clock.lap("check inputs and read city")
        progress("parks", 0)
        parks = try ParkField(city: city)
        clock.lap("parks")
        day = try folder.read(RunFolder.map(.day))
        night = try folder.read(RunFolder.map(.night))
        population = try PopulationLayer.read(manifest: path, grid: folder.record.grid)
        clock.lap("read maps")
        stageSeconds = clock.stages
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
    /// The window whose cells may have changed (nil: nothing changed): the recomputed window and the park term's tail.
    public let region: Window?
    /// The window recomputed by the engine (the edits and their halo); the rest of `region` had its park term shifted.
    public let recomputed: Window?
    /// Over `region`: the planes of every raster the blocks write, after the edits.
    public let after: [RunFolder.Entry: [Plane]]
    public let summary: ScenarioSummary
    /// The park field after the edits (what the summary's hour maps need).
    let parksAfter: ParkField

    /// The run's raster `name` (band `band`, 0-based) with the recomputed region in place.
    func merged(_ base: Plane, entry: RunFolder.Entry, band: Int = 0) -> Plane {
        guard let region, let planes = after[entry] else { return base }
        var out = base
        out.paste(planes[band], x: region.x, y: region.y)
        return out
    }

    public func afterDay(_ base: SimulationBase) -> Plane { merged(base.day, entry: .dayMap) }
    public func afterNight(_ base: SimulationBase) -> Plane { merged(base.night, entry: .nightMap) }
}

public enum Simulation {
    /// Applies `scenario` to the run and recomputes what it reaches.
    public static func compute(_ scenario: Scenario, name: String, base: SimulationBase, options: SimulationOptions = SimulationOptions(),
                               progress: ProgressHandler = { _, _ in }) throws -> SimulationResult {
        let start = Date()
        var clock = StageClock()
        var scenario = scenario
        if let years = options.years {
            for k in scenario.edits.indices where scenario.edits[k].values["years_after_planting"] != nil { scenario.edits[k].values["years_after_planting"] = years }
        }
        let grid = base.record.grid
        let surface = try ScenarioSurface(scenario: scenario, grid: grid, name: name)
        let (settings, edited) = context(surface, base: base)

        // What the edits reach: their cells plus the halo (recomputed), and beyond it wherever the park term moves by
        // more than the tolerance (shifted: see `shiftParkTail`).
        var region: Window? = nil, exact: Window? = nil
        var parksAfter = base.parks
        if let editedWindow = surface.editedWindow {
            progress("parks", 0)
            parksAfter = try base.parks.updated(region: editedWindow, grid: grid, layers: edited)
            exact = editedWindow.expanded(by: settings.influence, within: grid.width, grid.height)
            region = exact
            let intensity = max(abs(settings.coefficients.day.parkIntensity), abs(settings.coefficients.night.parkIntensity), 1e-6)
            if let parkChange = parksAfter.changedRegion(comparedWith: base.parks, tolerance: Float(options.parkToleranceC / intensity), grid: grid) {
                region = region!.union(parkChange)
            }
        }
        clock.lap("edits and parks")
        if options.recomputeEverything { region = Window(x: 0, y: 0, width: grid.width, height: grid.height); exact = region }

        var after: [RunFolder.Entry: [Plane]] = [:]
        if let region, let exact {
            // With a park tail: the run's values over the whole region, the exact window recomputed over them, the
            // tail shifted. Without one the recompute covers the region and nothing needs reading.
            for (entry, bands) in RunFolder.blockRasters() {
                guard region != exact else { after[entry] = Array(repeating: Plane(width: region.width, height: region.height, value: .nan), count: bands); continue }
                let dataset = try base.folder.open(entry)
                after[entry] = try (1...bands).map { try RunFolder.read(dataset, band: $0, window: region) }
            }
            try BlockEngine.compute(region: exact, blockSize: options.blockSize, settings: settings,
                                    passes: [.init(.day, settings.dayHours), .init(.night, settings.nightHours)], park: parksAfter,
                                    layers: edited,
                                    deliver: { block in
                                        for (entry, planes) in BlockRasters.planes(block) {
                                            for (b, plane) in planes.enumerated() { after[entry]![b].paste(plane, x: block.core.x - region.x, y: block.core.y - region.y) }
                                        }
                                    },
                                    progress: { progress("recomputing \(exact.width) × \(exact.height) cells", $0) })
            if region != exact { shiftParkTail(&after, region: region, exact: exact, before: base.parks, after: parksAfter, settings: settings) }
        }
        clock.lap("recompute")
        let partial = SimulationResult(surface: surface, region: region, recomputed: exact, after: after, summary: ScenarioSummary.empty, parksAfter: parksAfter)
        progress("summary", 0)
        var summary = try ScenarioSummary.compute(name: name, scenario: scenario, result: partial, base: base, settings: settings,
                                                  parksAfter: parksAfter, edited: edited, blockSize: options.blockSize,
                                                  seconds: 0, firstFiguresOnly: options.firstFiguresOnly)
        clock.lap(options.firstFiguresOnly ? "summary, first figures" : "summary (cool islands, \(summary.hour) h maps)")
        summary.seconds = (Date().timeIntervalSince(start) * 100).rounded() / 100
        summary.stageSeconds = clock.stages
        return SimulationResult(surface: surface, region: region, recomputed: exact, after: after, summary: summary, parksAfter: parksAfter)
    }

    /// The whole summary of a result computed with `firstFiguresOnly` (the same numbers `compute` gives without it).
    public static func completed(_ result: SimulationResult, scenario: Scenario, name: String, base: SimulationBase,
                                 options: SimulationOptions = SimulationOptions()) throws -> ScenarioSummary {
        let start = Date()
        let (settings, edited) = context(result.surface, base: base)
        var summary = try ScenarioSummary.compute(name: name, scenario: scenario, result: result, base: base, settings: settings,
                                                  parksAfter: result.parksAfter, edited: edited, blockSize: options.blockSize, seconds: 0)
        var stages = result.summary.stageSeconds
        stages["summary (cool islands, \(summary.hour) h maps)"] = (Date().timeIntervalSince(start) * 100).rounded() / 100
        summary.stageSeconds = stages
        summary.seconds = ((result.summary.seconds + Date().timeIntervalSince(start)) * 100).rounded() / 100
        return summary
    }

    /// The model settings for the edited city (its tallest obstacle) and its surface layers with the edits applied.
    static func context(_ surface: ScenarioSurface, base: SimulationBase) -> (settings: MapSettings, edited: (Window) throws -> SurfaceLayers) {
        var settings = base.settings
        settings.tallestObstacleMetres = max(settings.tallestObstacleMetres, surface.tallestObstacleMetres)
        return (settings, { window in
            var layers = try base.layers(window)
            surface.apply(to: &layers, window: window)
            return layers
        })
    }

    /// Cells beyond the edits' halo whose only change is the park term: its air-temperature shift ΔTa = −PCI·Δ(e^(−d/L))
    /// is the same every hour, so the ICTU moves by mean_h(∂UTCI/∂Ta)·ΔTa to first order — the park term's own
    /// partial, read from the run's components (park term = mean_h(∂UTCI/∂Ta)·taPark) where the cell had a park
    /// nearby, else the city-offset term's (offset = mean_h(∂UTCI/∂Ta)·intercept). The shift is ≤ 0.3 °C beyond
    /// a 500 m halo, so the second-order error stays under a few thousandths of a degree (test: incremental vs full).
    /// Warmer air also moves Tmrt: with the absorbed flux unchanged (eq. 5), Tmrt⁴ − Ta⁴ stays, so Tmrt − Ta changes by
    /// (Ta/Tmrt)³ − 1 per kelvin of air; that moves UTCI by ∂UTCI/∂(Tmrt − Ta) at the cell's mean state.
    static func shiftParkTail(_ after: inout [RunFolder.Entry: [Plane]], region: Window, exact: Window, before: ParkField, after parks: ParkField, settings: MapSettings) {
        let influenceBefore = before.sample(region), influenceAfter = parks.sample(region)
        for (regime, k, hours) in [(Regime.day, settings.coefficients.day, settings.dayHours), (.night, settings.coefficients.night, settings.nightHours)] {
            // Planes (0-based) of this window's map, park and city-offset terms, air temperature and its anomaly.
            let ictu = RunFolder.map(regime).entry
            let park = RunFolder.components(regime, .park).number - 1, offset = RunFolder.components(regime, .cityOffset).number - 1
            let air = RunFolder.intermediate(regime, .airTemperature).number - 1, anomaly = RunFolder.intermediate(regime, .airAnomaly).number - 1
            let radiant = RunFolder.intermediate(regime, .meanRadiantTemperature).number - 1, vapour = RunFolder.intermediate(regime, .vapourPressure).number - 1
            let r = settings.coefficients.radiative
            let wind = hours.map { min(max($0.wind * r.windReduction, UTCI.windRange.lowerBound), UTCI.windRange.upperBound) }.reduce(0, +) / Double(max(1, hours.count))
            let airs = after[.intermediate]![air].values.filter(\.isFinite), vapours = after[.intermediate]![vapour].values.filter(\.isFinite)
            guard let airLow = airs.min(), let airHigh = airs.max(), let eLow = vapours.min(), let eHigh = vapours.max() else { continue }
            let table = UTCITable(wind: wind, airTemperature: Double(airLow) - 2...Double(airHigh) + 2,
                                  vapourPressureKPa: max(0, Double(eLow) / 10 - 0.1)...Double(eHigh) / 10 + 0.1)
            for o in 0..<region.cellCount {
                let c = region.x + o % region.width, r = region.y + o / region.width
                guard !exact.contains(col: c, row: r), !after[ictu]![0].values[o].isNaN else { continue }
                let shift = -k.parkIntensity * Double(influenceAfter.values[o] - influenceBefore.values[o])
                guard shift != 0 else { continue }
                let parkTerm = Double(after[.components]![park].values[o])
                let taPark = -k.parkIntensity * Double(influenceBefore.values[o])
                let partial = abs(taPark) > 0.01 ? parkTerm / taPark
                    : abs(k.intercept) > 0.01 ? Double(after[.components]![offset].values[o]) / k.intercept : 1
                let ta = Double(after[.intermediate]![air].values[o]), tmrt = Double(after[.intermediate]![radiant].values[o])
                let radiantPartial = table.partials(ta: ta, radiantDifference: tmrt - ta, vapourPressureKPa: Double(after[.intermediate]![vapour].values[o]) / 10).radiant
                let coupling = radiantPartial.isFinite ? radiantPartial * (pow((ta + 273.15) / (tmrt + 273.15), 3) - 1) : 0
                let change = Float((partial + coupling) * shift)
                after[ictu]![0].values[o] += change
                after[.components]![park].values[o] += change
                after[.intermediate]![air].values[o] += Float(shift)
                after[.intermediate]![anomaly].values[o] += Float(shift)
                after[.intermediate]![radiant].values[o] += Float(shift * pow((ta + 273.15) / (tmrt + 273.15), 3))
            }
        }
    }
}
