import Foundation
import Grid
import Model
import Run
import Support

/// The calibrated model, ready to map: coefficients, the hours of each window, the kriged residuals and the
/// halo every block needs (the longest kernel, shadow or sky-view reach).
public struct MapSettings: Sendable {
    public var grid: GridSpec
    public var coefficients: ModelCoefficients
    public var dayHours: [HourConditions]
    public var nightHours: [HourConditions]
    public var residualSurfaces: [String: ResidualSurface]
    /// Tallest obstacle the shadows must reach past, m (the halo grows with it).
    public var tallestObstacleMetres: Double = 60

    public init(grid: GridSpec, coefficients: ModelCoefficients, dayHours: [HourConditions], nightHours: [HourConditions],
                residualSurfaces: [String: ResidualSurface]) {
        self.grid = grid; self.coefficients = coefficients; self.dayHours = dayHours; self.nightHours = nightHours
        self.residualSurfaces = residualSurfaces
    }

    /// The run's settings, read back from its record (what `simulate` and `watering` recompute with).
    public init(record: RunRecord) throws {
        let usable = { (hours: [Int]) in hours.map { record.compositeDay[$0] }.filter { $0.airTemperature.isFinite && $0.vapourPressure.isFinite && $0.wind.isFinite } }
        guard record.compositeDay.count == 24 else { throw OutputError("the run's record: its composite day does not have 24 hours") }
        self.init(grid: record.grid, coefficients: record.coefficients, dayHours: usable(HotDays.dayHours), nightHours: usable(HotDays.nightHours),
                  residualSurfaces: record.residualSurfaces)
    }

    /// Halo in cells each block reads around its cells: the farthest a block itself looks (the narrow
    /// neighbourhoods it filters, sky view, shadows of the tallest obstacle at the lowest sun). The
    /// wide neighbourhoods come from the run's coarse grid (CoarseNeighbourhoods).
    public var halo: Int {
        let reach = max(CoarseNeighbourhoods.blockReachMetres(coefficients.day), CoarseNeighbourhoods.blockReachMetres(coefficients.night),
                        shadowReachMetres, coefficients.radiative.skyViewReachMetres)
        return Int((reach / grid.cellSize).rounded(.up))
    }

    /// How far, in cells, a change of the surface moves results: every neighbourhood (plus the two coarse cells
    /// bilinear sampling reads), shadows, sky view. What a scenario must recompute around its edits.
    public var influence: Int {
        let coarse = 2 * ParkCooling().coarseCellMetres
        let reach = max(coefficients.day.reachMetres + coarse, coefficients.night.reachMetres + coarse,
                        shadowReachMetres, coefficients.radiative.skyViewReachMetres)
        return Int((reach / grid.cellSize).rounded(.up))
    }

    /// The engine's two passes: the day window's hours, then the night's.
    public var passes: [BlockEngine.Pass] { [.init(.day, dayHours), .init(.night, nightHours)] }

    /// How far, in cells, a change of the surface moves results other than through the air: shadows (and the sunlit
    /// ground a pedestrian sees around them), sky view, the neighbourhoods the blocks filter themselves. Beyond it and
    /// within `influence`, only the wide neighbourhoods and the park term change: the air's temperature and vapour,
    /// the same every hour of a regime (what a scenario shifts instead of recomputing).
    public var surfaceReach: Int {
        let reach = max(CoarseNeighbourhoods.blockReachMetres(coefficients.day), CoarseNeighbourhoods.blockReachMetres(coefficients.night),
                        shadowReachMetres + coefficients.radiative.groundViewRadiusMetres, coefficients.radiative.skyViewReachMetres)
        return Int((reach / grid.cellSize).rounded(.up)) + 1
    }

    var shadowReachMetres: Double {
        let lowestSun = dayHours.map(\.sunElevationDegrees).min() ?? 30
        return tallestObstacleMetres / tan(max(lowestSun, 10) * .pi / 180)
    }
}

/// One computed block: its cells in the grid, the layers it was computed from (with the halo) and, per pass, the field of its cells.
public struct BlockResult {
    public var core: Window
    /// The core's position inside `layers`.
    public var local: Window
    public var layers: SurfaceLayers
    public var fields: [WindowField]
}

/// Maps a region of the grid block by block: each block read with its halo, computed on both cores, delivered
/// to `deliver`. `deliver` is called one call at a time (GDAL handles are not shared across threads); so is
/// `layers`, unless `concurrentReads` says it may be called from several threads at once (`SurfaceReaders`).
public enum BlockEngine {
    public struct Pass: Sendable {
        public var regime: Regime
        public var hours: [HourConditions]
        public init(_ regime: Regime, _ hours: [HourConditions]) { self.regime = regime; self.hours = hours }
    }

    /// `coarse`: each pass's wide neighbourhoods, when the caller computed them (and let the park field's coarse
    /// layers go); else computed here from `park`.
    public static func compute(region: Window, blockSize: Int, settings: MapSettings, passes: [Pass], park: ParkField, coarse: [CoarseNeighbourhoods]? = nil,
                               concurrentReads: Bool = false, layers: (Window) throws -> SurfaceLayers, deliver: (BlockResult) throws -> Void,
                               progress: (Double) -> Void = { _ in }) throws {
        let grid = settings.grid
        let halo = settings.halo
        let blocks = Window.tiles(width: region.width, height: region.height, size: blockSize).map {
            Window(x: region.x + $0.x, y: region.y + $0.y, width: $0.width, height: $0.height)
        }
        let neighbourhoods = coarse ?? passes.map { CoarseNeighbourhoods(parks: park, pass: $0, settings: settings) }
        precondition(neighbourhoods.count == passes.count, "one set of wide neighbourhoods per pass")
        let lock = NSLock()
        let failure = ErrorBox()
        let done = Counter()
        try withoutActuallyEscaping(layers) { layers in
            try withoutActuallyEscaping(deliver) { deliver in
                try withoutActuallyEscaping(progress) { progress in
                    let io = SerialisedCalls(layers: layers, deliver: deliver, progress: progress)
                    DispatchQueue.concurrentPerform(iterations: blocks.count) { b in
                        guard !failure.hasError else { return }
                        let core = blocks[b]
                        let window = core.expanded(by: halo, within: grid.width, grid.height)
                        let surface: SurfaceLayers
                        do { surface = concurrentReads ? try io.layers(window) : try lock.withLock { try io.layers(window) } } catch { failure.set(error); return }
                        let local = Window(x: core.x - window.x, y: core.y - window.y, width: core.width, height: core.height)
                        let influence = park.sample(window)
                        // Fewer blocks than cores (a scenario's window is often one block): its sky view in bands of rows, and
                        // its passes, side by side.
                        let alone = blocks.count < ProcessInfo.processInfo.activeProcessorCount
                        let skyView = ComfortField.skyView(layers: surface, cellSize: grid.cellSize, core: local, coefficients: settings.coefficients.radiative,
                                                           bands: alone ? ProcessInfo.processInfo.activeProcessorCount : 1)
                        @Sendable func field(_ p: Int) -> WindowField {
                            let pass = passes[p]
                            return ComfortField.window(layers: surface, parkInfluence: influence, cellSize: grid.cellSize, hours: pass.hours, regime: pass.regime,
                                                       coefficients: settings.coefficients, core: local, origin: grid.latticeIndex(col: window.x, row: window.y),
                                                       airResidual: residual(settings.residualSurfaces[pass.regime.rawValue], window: window, local: local, grid: grid),
                                                       neighbourhoods: neighbourhoods[p].sample(window), skyView: skyView)
                        }
                        let fields = alone ? concurrentMap(passes.count, field) : passes.indices.map(field)
                        do {
                            try lock.withLock {
                                try io.deliver(BlockResult(core: core, local: local, layers: surface, fields: fields))
                                io.progress(Double(done.increment()) / Double(blocks.count))
                            }
                        } catch { failure.set(error) }
                    }
                    if let error = failure.error { throw error }
                }
            }
        }
    }

    /// The kriged residual on the core cells only (the only ones it is read on).
    static func residual(_ surface: ResidualSurface?, window: Window, local: Window, grid: GridSpec) -> Plane? {
        guard let surface else { return nil }
        var plane = Plane(width: window.width, height: window.height)
        for r in local.y..<(local.y + local.height) { for c in local.x..<(local.x + local.width) {
            let (x, y) = grid.centre(col: window.x + c, row: window.y + r)
            plane.values[r * window.width + c] = Float(surface.value(x: x, y: y))
        } }
        return plane
    }
}

/// The caller's closures, shared by the block workers; every call is under the engine's lock (reads too, unless concurrent).
private final class SerialisedCalls: @unchecked Sendable {
    let layers: (Window) throws -> SurfaceLayers
    let deliver: (BlockResult) throws -> Void
    let progress: (Double) -> Void
    init(layers: @escaping (Window) throws -> SurfaceLayers, deliver: @escaping (BlockResult) throws -> Void, progress: @escaping (Double) -> Void) {
        self.layers = layers; self.deliver = deliver; self.progress = progress
    }
}
