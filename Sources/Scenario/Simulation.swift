import City
import Engine
import Foundation
import GeoIO
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
    /// Cells beyond the wide neighbourhoods' reach whose only change is the park term, by less than this (°C of air
    /// temperature), keep the run's value.
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
    /// The run's population layer (people per cell), when the city has one.
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
        population = try PopulationLayer.read(manifest: path, grid: folder.record.grid)
        clock.lap("read population")
        stageSeconds = clock.stages
    }

    /// The run's day and night ICTU over the whole grid, read when first asked for (the tests compare whole maps):
    /// `ictu simulate` and the server read windows and strips only, so a metropolis is never held whole.
    public var day: Plane { get throws { try wholeMap(.day) } }
    public var night: Plane { get throws { try wholeMap(.night) } }
    private func wholeMap(_ regime: Regime) throws -> Plane {
        try mapsLock.withLock {
            if let cached = wholeMaps[regime] { return cached }
            let read = try folder.read(RunFolder.map(regime))
            wholeMaps[regime] = read
            return read
        }
    }
    private var wholeMaps: [Regime: Plane] = [:]
    private let mapsLock = NSLock()

    /// The run's ICTU of `regime` over a window, no data as NaN. Its own opening of the map, one read at a time: the
    /// summary's strips may be read while another scenario reads its region. A `passing` read (the strips of a pass
    /// over the whole map) lets its blocks go from GDAL's cache at once: on a large city the pass would otherwise push
    /// out the run's blocks the next scenario reads (a polygon moved by a few metres reads what the last one read).
    public func map(_ regime: Regime, window: Window, passing: Bool = false) throws -> Plane {
        try mapsLock.withLock {
            if let whole = wholeMaps[regime] { return whole.cropped(to: window) }
            let entry = RunFolder.map(regime).entry
            let dataset = try mapDatasets[regime] ?? folder.open(entry, options: ["NUM_THREADS=ALL_CPUS"])
            mapDatasets[regime] = dataset
            let read = try RunFolder.readBands(dataset, window: window, bands: [1])[0] // decoded by ictu when it can
            if passing { dataset.releaseCachedBlocks() }
            return read
        }
    }
    private var mapDatasets: [Regime: RasterDataset] = [:]

    /// Cool islands on the run's day map and the access to them: the same for every scenario, found once.
    var coolIslandAccess: CoolIslandAccess {
        get throws {
            if let cached = lock.withLock({ accessCache }) { return cached }
            let found = try CoolIslandAccess(grid: record.grid, population: population) { y, h in
                try self.map(.day, window: Window(x: 0, y: y, width: self.record.grid.width, height: h), passing: true).values
            }
            lock.withLock { accessCache = found }
            return found
        }
    }
    private var accessCache: CoolIslandAccess?

    /// The run's raster `entry`, opened once (its tiles' offsets are read once, `RasterDataset.readBands`). One
    /// caller at a time, as for the layers.
    func dataset(_ entry: RunFolder.Entry) throws -> RasterDataset {
        try lock.withLock {
            if let open = datasets[entry] { return open }
            let opened = try folder.open(entry, options: ["NUM_THREADS=2"])
            datasets[entry] = opened
            return opened
        }
    }
    private var datasets: [RunFolder.Entry: RasterDataset] = [:]

    /// The city's layers over a window (GDAL handles: one caller at a time).
    func layers(_ window: Window) throws -> SurfaceLayers { try lock.withLock { try city.layers(window) } }
}

/// A scenario computed in memory: the cells it recomputed and their new values, and its summary.
public struct SimulationResult: Sendable {
    public let surface: ScenarioSurface
    /// The window whose cells may have changed (nil: nothing changed): the recomputed window and the cells whose air changed.
    public let region: Window?
    /// The window recomputed by the engine (the edits and the reach of their shade and sky); the rest of `region` had
    /// its air's change shifted (`Simulation.shiftAir`).
    public let recomputed: Window?
    /// Over `region`: the planes of every raster the blocks write, after the edits.
    public let after: [RunFolder.Entry: [Plane]]
    public let summary: ScenarioSummary
    /// The park field after the edits (what the summary's hour maps need).
    let parksAfter: ParkField

    /// The run's raster `name` (band `band`, 0-based) with the recomputed region in place; `base` covers `window`.
    func merged(_ base: Plane, entry: RunFolder.Entry, band: Int = 0, window: Window? = nil) -> Plane {
        guard let region, let planes = after[entry] else { return base }
        var out = base
        out.paste(planes[band], x: region.x - (window?.x ?? 0), y: region.y - (window?.y ?? 0))
        return out
    }

    public func afterDay(_ base: SimulationBase) throws -> Plane { merged(try base.day, entry: .dayMap) }
    public func afterNight(_ base: SimulationBase) throws -> Plane { merged(try base.night, entry: .nightMap) }

    /// The ICTU of `regime` after the edits over a window (`passing`: as `SimulationBase.map`).
    public func after(_ regime: Regime, window: Window, base: SimulationBase, passing: Bool = false) throws -> Plane {
        after(regime, before: try base.map(regime, window: window, passing: passing), window: window)
    }

    /// The same from the run's map over the window, read by the caller.
    public func after(_ regime: Regime, before: Plane, window: Window) -> Plane {
        merged(before, entry: RunFolder.map(regime).entry, window: window)
    }
}

extension Plane {
    /// After − before, cell by cell (self is after); no data where either has none (a building before or after).
    public func change(since before: Plane) -> Plane { combined(with: before) { a, b in a.isNaN || b.isNaN ? .nan : a - b } }
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

        // What the edits reach. Their cells and the reach of their shade, sky and narrow neighbourhoods are recomputed;
        // beyond, to the reach of the wide neighbourhoods and wherever the park term moves by more than the tolerance,
        // only the air changes, and those cells are shifted (see `shiftAir`).
        var region: Window? = nil, recomputed: Window? = nil, meansReach: Window? = nil
        var parksAfter = base.parks
        if let editedWindow = surface.editedWindow {
            progress("parks", 0)
            parksAfter = try base.parks.updated(region: editedWindow, grid: grid, layers: edited)
            recomputed = editedWindow.expanded(by: settings.surfaceReach, within: grid.width, grid.height)
            meansReach = editedWindow.expanded(by: settings.influence, within: grid.width, grid.height)
            region = meansReach!.union(recomputed!) // the shade can reach farther than narrow neighbourhoods
            let intensity = max(abs(settings.coefficients.day.parkIntensity), abs(settings.coefficients.night.parkIntensity), 1e-6)
            if let parkChange = parksAfter.changedRegion(comparedWith: base.parks, tolerance: Float(options.parkToleranceC / intensity), grid: grid) {
                region = region!.union(parkChange)
            }
        }
        clock.lap("edits and parks")
        if options.recomputeEverything { region = Window(x: 0, y: 0, width: grid.width, height: grid.height); recomputed = region }

        var after: [RunFolder.Entry: [Plane]] = [:]
        if let region, let recomputed {
            // The run's values over the region, the window recomputed over them, the rest shifted. When the
            // recompute covers the region nothing needs reading.
            for (entry, bands) in RunFolder.blockRasters() {
                guard region != recomputed else { after[entry] = Array(repeating: Plane(width: region.width, height: region.height, value: .nan), count: bands); continue }
                after[entry] = try RunFolder.readBands(try base.dataset(entry), window: region)
            }
            clock.lap("read the run over the region")
            let passes = settings.passes
            // The wide means before and after, over what the blocks (with their halos) and the air's shift sample.
            let sampled = region.union(recomputed.expanded(by: settings.halo, within: grid.width, grid.height))
            let coarse = passes.map { CoarseNeighbourhoods.around(sampled, before: base.parks, after: parksAfter, pass: $0, settings: settings) }
            let coarseAfter = options.recomputeEverything ? passes.map { CoarseNeighbourhoods(parks: parksAfter, pass: $0, settings: settings) } : coarse.map(\.after)
            try BlockEngine.compute(region: recomputed, blockSize: options.blockSize, settings: settings, passes: passes, park: parksAfter, coarse: coarseAfter,
                                    layers: edited,
                                    deliver: { block in
                                        for (entry, planes) in BlockRasters.planes(block) {
                                            for (b, plane) in planes.enumerated() { after[entry]![b].paste(plane, x: block.core.x - region.x, y: block.core.y - region.y) }
                                        }
                                    },
                                    progress: { progress("recomputing \(recomputed.width) × \(recomputed.height) cells", $0) })
            clock.lap("recompute")
            if region != recomputed {
                shiftAir(&after, region: region, recomputed: recomputed, meansReach: meansReach!, before: (base.parks, coarse.map(\.before)), after: (parksAfter, coarse.map(\.after)), settings: settings)
            }
        }
        if region != recomputed { clock.lap("air shifted") }
        let partial = SimulationResult(surface: surface, region: region, recomputed: recomputed, after: after, summary: ScenarioSummary.empty, parksAfter: parksAfter)
        progress("summary", 0)
        var summary = try ScenarioSummary.compute(name: name, scenario: scenario, result: partial, base: base, settings: settings,
                                                  parksAfter: parksAfter, edited: edited, blockSize: options.blockSize,
                                                  seconds: 0, firstFiguresOnly: options.firstFiguresOnly)
        clock.lap(options.firstFiguresOnly ? "summary, first figures" : "summary (cool islands, \(summary.hour) h maps)")
        summary.seconds = (Date().timeIntervalSince(start) * 100).rounded() / 100
        summary.stageSeconds = clock.stages
        return SimulationResult(surface: surface, region: region, recomputed: recomputed, after: after, summary: summary, parksAfter: parksAfter)
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

    /// Cells of the region beyond the recomputed window: nothing of their own surface, shade or sky changes, only
    /// their air, through the wide neighbourhood means (sampled from the park grid) and the park term. Both are the
    /// same every hour of a regime, so each regime's ICTU moves by UTCI's change at the cell's mean state (Ta, Tmrt,
    /// e: the run's intermediate fields), corrected to the exact mean of the hours' ∂UTCI/∂Ta (the city-offset term
    /// over β0, else the park term over its air). With the absorbed flux unchanged (eq. 5), Tmrt⁴ − Ta⁴ stays: Tmrt
    /// moves by (Ta/Tmrt)³ per kelvin of air. Each term takes its own change times the partials; the residual term
    /// takes the rest (the curvature and the coupling through Tmrt, as in the engine). Left out: the hours' spread of
    /// the other partials, and the crowns around the cell, whose stress share (eq. 5) the wide canopy means also set —
    /// 0.3–0.6 % of the change, measured against a full recompute (test: incremental vs full).
    static func shiftAir(_ after: inout [RunFolder.Entry: [Plane]], region: Window, recomputed: Window, meansReach: Window,
                         before: (parks: ParkField, coarse: [CoarseNeighbourhoods]), after edited: (parks: ParkField, coarse: [CoarseNeighbourhoods]),
                         settings: MapSettings) {
        let influenceBefore = before.parks.sample(region), influenceChange = edited.parks.change(since: before.parks, over: region)
        // The wide means move only within their reach of the edits; beyond it, only the park term.
        let reach = meansReach.intersection(region)
        let regimes: [(Regime, AirTemperatureCoefficients, [HourConditions])] = [(.day, settings.coefficients.day, settings.dayHours),
                                                                                 (.night, settings.coefficients.night, settings.nightHours)]
        for (pass, (regime, k, hours)) in regimes.enumerated() {
            // The change of each wide mean (NeighbourhoodMeans order) over their reach, one flat array; those the
            // blocks filter do not change here. The terms are linear in the means: their change is the terms of the
            // change, less β0.
            let m = reach?.cellCount ?? 0
            let moved = reach.map { edited.coarse[pass].changes(since: before.coarse[pass], over: $0) } ?? []
            let means = moved.isEmpty ? [] : (0..<NeighbourhoodMeans.inputCount).flatMap { moved[$0]?.values ?? [Float](repeating: 0, count: m) }
            @Sendable func airChange(_ o: Int, col c: Int, row: Int) -> AirAnomalyTerms {
                var terms: AirAnomalyTerms
                if let reach, reach.contains(col: c, row: row) {
                    let j = (row - reach.y) * reach.width + c - reach.x
                    terms = AirAnomalyTerms(k, sealed: means[j], volumeMetres: means[m + j], canopy: means[2 * m + j], canopyStressed: means[3 * m + j],
                                            shrub: means[4 * m + j], shrubStressed: means[5 * m + j], grass: means[6 * m + j], grassStressed: means[7 * m + j],
                                            water: means[8 * m + j], parkInfluence: influenceChange.values[o])
                } else {
                    terms = AirAnomalyTerms(k, sealed: 0, volumeMetres: 0, canopy: 0, canopyStressed: 0, shrub: 0, shrubStressed: 0, grass: 0, grassStressed: 0,
                                            water: 0, parkInfluence: influenceChange.values[o])
                }
                terms.offset = 0
                return terms
            }
            // The planes this regime's shift moves, taken out of `after` while they are and put back at the end.
            let ictu = RunFolder.map(regime).entry
            var map = after.removeValue(forKey: ictu)![0]
            var components = after.removeValue(forKey: .components)!, intermediate = after.removeValue(forKey: .intermediate)!
            defer { after[ictu] = [map]; after[.components] = components; after[.intermediate] = intermediate }
            func band(_ term: ComfortTerm) -> Int { RunFolder.components(regime, term).number - 1 }
            func band(_ quantity: RunFolder.Quantity) -> Int { RunFolder.intermediate(regime, quantity).number - 1 }
            let (air, anomaly, radiant, vapour) = (band(.airTemperature), band(.airAnomaly), band(.meanRadiantTemperature), band(.vapourPressure))
            let (offset, park) = (components[band(.cityOffset)].values, components[band(.park)].values)
            let (airs, radiants, vapours) = (intermediate[air].values, intermediate[radiant].values, intermediate[vapour].values)
            let r = settings.coefficients.radiative
            let wind = hours.map { min(max($0.wind * r.windReduction, UTCI.windRange.lowerBound), UTCI.windRange.upperBound) }.reduce(0, +) / Double(max(1, hours.count))
            guard let (airLow, airHigh) = intermediate[air].range, let (eLow, eHigh) = intermediate[vapour].range else { continue }
            // Whole degrees and tenths of a kilopascal: scenarios at other places share the table.
            let table = UTCITable.shared(wind: wind, airTemperature: (Double(airLow) - 4).rounded(.down)...(Double(airHigh) + 4).rounded(.up),
                                         vapourPressureKPa: max(0, (Double(eLow) / 10 - 0.3) * 10).rounded(.down) / 10...((Double(eHigh) / 10 + 0.3) * 10).rounded(.up) / 10)
            let termBands = [ComfortTerm.sealedGround, .buildings, .treeCanopy, .shrub, .grass, .hydricStress, .water, .park].map(band)
            let residual = band(.residual)
            // Each cell's changes, worked out on every core (rows of cells apart), then added in band by band, 256 rows
            // at a time (the changes of a whole 1 m region would be 350 MB): the eight terms, the residual, the ICTU,
            // the air, the radiant and the vapour (`deltaCount` planes of the rows). A cell that does not move keeps
            // −0, which leaves any value as it is when added (+0 would turn a −0 into +0).
            let deltaCount = 13, mapValues = map.values
            var deltas = [Float]() // one buffer for the strips (a fresh one each time costs its pages' faults)
            for y0 in stride(from: 0, to: region.height, by: 256) {
                let rows = Window(x: 0, y: y0, width: region.width, height: min(256, region.height - y0))
                let count = rows.cellCount
                if deltas.count == count * deltaCount { deltas.withUnsafeMutableBufferPointer { $0.update(repeating: -0.0) } }
                else { deltas = [Float](repeating: -0.0, count: count * deltaCount) }
                let first = rows.y * region.width
                let chunks = Window.tiles(width: region.width, height: rows.height, size: max(16, rows.height / 8)).map { Window(x: $0.x, y: rows.y + $0.y, width: $0.width, height: $0.height) }
                deltas.withUnsafeMutableBufferPointer { buffer in
                    nonisolated(unsafe) let out = buffer.baseAddress! // each task writes its own rows of cells
                    DispatchQueue.concurrentPerform(iterations: chunks.count) { part in
                        let chunk = chunks[part]
                        for row in chunk.y..<(chunk.y + chunk.height) { for col in chunk.x..<(chunk.x + chunk.width) {
                            let o = row * region.width + col
                            guard !recomputed.contains(col: region.x + col, row: region.y + row), !mapValues[o].isNaN else { continue }
                            let d = airChange(o, col: region.x + col, row: region.y + row)
                            let dTa = d.temperature, dE = d.vapour
                            guard dTa != 0 || dE != 0 else { continue }
                            let ta = Double(airs[o]), tmrt = Double(radiants[o]), e = Double(vapours[o])
                            let ratio = (ta + 273.15) / (tmrt + 273.15), coupling = ratio * ratio * ratio
                            let u = table.valueAndGradient(ta: ta, radiantDifference: tmrt - ta, vapourPressureKPa: e / 10)
                            let moved = table.value(ta: ta + dTa, radiantDifference: tmrt + dTa * coupling - (ta + dTa), vapourPressureKPa: (e + dE) / 10)
                            let parkBefore = -k.parkIntensity * Double(influenceBefore.values[o])
                            let partialTa = abs(k.intercept) > 0.01 ? Double(offset[o]) / k.intercept : abs(parkBefore) > 0.01 ? Double(park[o]) / parkBefore : u.ta
                            let partialE = u.vapour / 10
                            let change = moved.isFinite && u.value.isFinite ? moved - u.value + (partialTa - u.ta) * dTa
                                : partialTa * dTa + partialE * dE + u.radiant * (coupling - 1) * dTa
                            // Each term its own change times the partials (the order of `termBands`); the residual the rest.
                            let parts = [d.sealed * partialTa, d.buildings * partialTa, d.canopy * partialTa + d.vapourCanopy * partialE,
                                         d.shrub * partialTa + d.vapourShrub * partialE, d.grass * partialTa + d.vapourGrass * partialE,
                                         d.stress * partialTa + d.vapourStress * partialE, d.water * partialTa, d.park * partialTa] as InlineArray<8, Double>
                            var explained = 0.0
                            let cell = o - first
                            for t in 0..<8 {
                                if parts[t] != 0 { out[t * count + cell] = Float(parts[t]) }
                                explained += parts[t]
                            }
                            let moves = [change - explained, change, dTa, dTa * coupling, dE] as InlineArray<5, Double>
                            for t in 0..<5 { out[(8 + t) * count + cell] = Float(moves[t]) }
                        } }
                    }
                }
                func add(_ t: Int, to values: inout [Float]) {
                    deltas.withUnsafeBufferPointer { d in
                        values.withUnsafeMutableBufferPointer { v in
                            let change = d.baseAddress! + t * count, target = v.baseAddress! + first
                            for j in 0..<count { target[j] += change[j] }
                        }
                    }
                }
                for t in 0..<8 { add(t, to: &components[termBands[t]].values) }
                add(8, to: &components[residual].values)
                add(9, to: &map.values)
                add(10, to: &intermediate[air].values)
                add(10, to: &intermediate[anomaly].values)
                add(11, to: &intermediate[radiant].values)
                add(12, to: &intermediate[vapour].values)
            }
        }
    }
}
