import City
import Foundation
import Grid
import Model
import Support

/// The global coarse pass: vegetation and building fractions aggregated to the park grid (10 m), parks found and
/// their influence exp(−d/L) computed there once, then sampled bilinearly by every block. The same pass keeps
/// the coarse means of the air-temperature model's neighbourhood inputs, from which `CoarseNeighbourhoods` computes
/// the wide neighbourhood means once per run.
/// A scenario updates the coarse cells under its edits only and finds the parks again around them (`updated`).
public struct ParkField: Sendable {
    public let influence: Plane
    public let factor: Int
    public let parks: Int
    /// Mean vegetation (tree + shrub + grass, capped at 1) and building fraction of each coarse cell.
    public let vegetation: Plane
    public let building: Plane
    /// Coarse means of the neighbourhood inputs (NeighbourhoodMeans order) over `inputsWindow`: the whole park grid,
    /// or, in a field `updated` for a scenario, the coarse cells its edits touched, drawn over `baseInputs`.
    let inputs: [Plane]
    let inputsWindow: Window
    let baseInputs: [Plane]
    let settings: ParkCooling
    let cellSize: Double
    /// The green areas the parks were found from (nil in a field reduced to its influence).
    let areas: GreenAreas?
    /// The grid the coarse cells cover: the run's grid and its surroundings (City.surroundings).
    public let surroundings: Surroundings

    /// Over the city's grid and its surroundings, read on every core.
    public init(city: City, settings: ParkCooling = ParkCooling()) throws {
        try self.init(surroundings: city.surroundings, settings: settings, readers: SurfaceReaders(surroundingsOf: city))
    }

    /// From any source of surface layers over windows of `grid` (read in tiles).
    public init(grid: GridSpec, settings: ParkCooling = ParkCooling(), layers: @escaping (Window) throws -> SurfaceLayers) throws {
        try self.init(grid: grid, settings: settings, readers: SurfaceReaders([layers]))
    }

    /// From readers that may work at once: tiles are read and aggregated on every core.
    public init(grid: GridSpec, settings: ParkCooling = ParkCooling(), readers: SurfaceReaders) throws {
        try self.init(surroundings: Surroundings(of: grid), settings: settings, readers: readers)
    }

    /// Over `surroundings.grid`, from `readers` of that grid.
    public init(surroundings: Surroundings, settings: ParkCooling = ParkCooling(), readers: SurfaceReaders) throws {
        let grid = surroundings.grid
        let factor = max(1, Int((settings.coarseCellMetres / grid.cellSize).rounded()))
        precondition(surroundings.offsetX % factor == 0 && surroundings.offsetY % factor == 0, "the surroundings are whole coarse cells")
        let cw = (grid.width + factor - 1) / factor, ch = (grid.height + factor - 1) / factor
        var vegetation = Plane(width: cw, height: ch), building = Plane(width: cw, height: ch)
        var inputs = [Plane](repeating: Plane(width: cw, height: ch), count: NeighbourhoodMeans.inputCount)
        let whole = Window(x: 0, y: 0, width: grid.width, height: grid.height)
        try Self.aggregate(region: whole, grid: grid, factor: factor, into: &vegetation, &building, &inputs, inputsWindow: Window(x: 0, y: 0, width: cw, height: ch),
                           readers: readers)
        self.init(vegetation: vegetation, building: building, inputs: inputs, inputsWindow: Window(x: 0, y: 0, width: cw, height: ch), baseInputs: [],
                  factor: factor, cellSize: grid.cellSize, settings: settings, surroundings: surroundings)
    }

    /// A field whose parks are found over the whole coarse grid (`found` nil), or were found by an update.
    init(vegetation: Plane, building: Plane, inputs: [Plane], inputsWindow: Window, baseInputs: [Plane], factor: Int, cellSize: Double,
         settings: ParkCooling, surroundings: Surroundings, found: (influence: Plane, parks: Int, areas: GreenAreas)? = nil) {
        self.surroundings = surroundings
        self.vegetation = vegetation
        self.building = building
        self.inputs = inputs
        self.inputsWindow = inputsWindow
        self.baseInputs = baseInputs
        self.factor = factor
        self.settings = settings
        self.cellSize = cellSize
        let found = found ?? settings.parks(vegetation: vegetation, building: building, cellMetres: cellSize * Double(factor))
        influence = found.influence
        parks = found.parks
        areas = found.areas
    }

    /// The influence alone, which is all the blocks sample: the coarse layers it was found from are let go, so a
    /// run does not hold them while its blocks are computed (11 planes of the 10 m grid: 275 MB at 25 km). Such a
    /// field cannot be `updated`.
    public func influenceOnly() -> ParkField {
        ParkField(influence: influence, factor: factor, parks: parks, settings: settings, cellSize: cellSize, surroundings: surroundings)
    }

    private init(influence: Plane, factor: Int, parks: Int, settings: ParkCooling, cellSize: Double, surroundings: Surroundings) {
        self.surroundings = surroundings
        self.influence = influence; self.factor = factor; self.parks = parks; self.settings = settings; self.cellSize = cellSize
        vegetation = Plane(width: 0, height: 0); building = Plane(width: 0, height: 0); inputs = []; baseInputs = []; areas = nil
        inputsWindow = Window(x: 0, y: 0, width: 0, height: 0)
    }

    /// The coarse means of the neighbourhood inputs over `window` (coarse cells of the park grid).
    public func inputs(over window: Window) -> [Plane] {
        guard !baseInputs.isEmpty else {
            guard window != inputsWindow else { return inputs } // the whole grid: the planes themselves, not copies
            return inputs.map { $0.cropped(to: Window(x: window.x - inputsWindow.x, y: window.y - inputsWindow.y, width: window.width, height: window.height)) }
        }
        return zip(baseInputs, inputs).map { base, edited in
            var plane = base.cropped(to: window)
            guard let overlap = window.intersection(inputsWindow) else { return plane }
            plane.paste(edited.cropped(to: Window(x: overlap.x - inputsWindow.x, y: overlap.y - inputsWindow.y, width: overlap.width, height: overlap.height)),
                        x: overlap.x - window.x, y: overlap.y - window.y)
            return plane
        }
    }

    /// The park grid's size, coarse cells.
    public var coarseSize: (width: Int, height: Int) { (vegetation.width, vegetation.height) }

    /// The field after the layers changed inside `region` (fine cells of the run's grid; `layers` reads that grid):
    /// the coarse cells it touches are aggregated again from `layers`, then the parks are found again around them
    /// (`ParkCooling.influence(updating:…)`: the same as over the whole coarse grid, to a negligible influence).
    /// The surroundings' margins are whole coarse cells, so those cells lie inside the run's grid.
    /// The new field holds its own inputs over the coarse cells touched only (and the base's), not a copy of the city's.
    public func updated(region: Window, grid: GridSpec, layers: @escaping (Window) throws -> SurfaceLayers) throws -> ParkField {
        precondition(areas != nil, "a field reduced to its influence cannot be updated")
        var vegetation = self.vegetation, building = self.building
        let (dx, dy) = (surroundings.offsetX, surroundings.offsetY)
        let onRunGrid: (Window) throws -> SurfaceLayers = { w in try layers(Window(x: w.x - dx, y: w.y - dy, width: w.width, height: w.height)) }
        let fine = surroundings.window(region), g = surroundings.grid
        let x0 = fine.x / factor, y0 = fine.y / factor
        let x1 = (min(g.width, fine.x + fine.width) + factor - 1) / factor, y1 = (min(g.height, fine.y + fine.height) + factor - 1) / factor
        let touched = Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        let window = baseInputs.isEmpty ? touched : touched.union(inputsWindow)
        var inputs = self.inputs(over: window)
        try Self.aggregate(region: fine, grid: g, factor: factor, into: &vegetation, &building, &inputs, inputsWindow: window, readers: SurfaceReaders([onRunGrid]))
        let found = settings.influence(updating: influence, parks: parks, areas: areas!, vegetation: vegetation, building: building, touched: touched,
                                       cellMetres: cellSize * Double(factor))
        return ParkField(vegetation: vegetation, building: building, inputs: inputs, inputsWindow: window, baseInputs: baseInputs.isEmpty ? self.inputs : baseInputs,
                         factor: factor, cellSize: cellSize, settings: settings, surroundings: surroundings, found: (found.influence, found.parks, found.areas))
    }

    /// Means over whole coarse cells of the fine cells in the coarse cells `region` touches. Tiles of whole coarse
    /// cells are read and summed on every core (as many at once as there are readers), then added in.
    static func aggregate(region: Window, grid: GridSpec, factor: Int, into vegetation: inout Plane, _ building: inout Plane, _ inputs: inout [Plane],
                          inputsWindow: Window, readers: SurfaceReaders) throws {
        let x0 = region.x / factor * factor, y0 = region.y / factor * factor
        let x1 = min(grid.width, (region.x + region.width + factor - 1) / factor * factor)
        let y1 = min(grid.height, (region.y + region.height + factor - 1) / factor * factor)
        guard x1 > x0, y1 > y0 else { return }
        let planes = 2 + inputs.count // vegetation, building, then the neighbourhood inputs
        // Tiles of whole coarse cells, ≈ 512 × 2048 fine cells: a tile's layers stay tens of MB at any city width.
        let tileRows = factor * max(1, 512 / factor), tileColumns = factor * max(1, 2048 / factor)
        let tiles = stride(from: y0, to: y1, by: tileRows).flatMap { y in
            stride(from: x0, to: x1, by: tileColumns).map { x in Window(x: x, y: y, width: min(tileColumns, x1 - x), height: min(tileRows, y1 - y)) }
        }
        let sums = CoarseSums(vegetation: vegetation, building: building, inputs: inputs, inputsWindow: inputsWindow)
        let failure = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: tiles.count) { t in
            guard !failure.hasError else { return }
            let window = tiles[t]
            let l: SurfaceLayers
            do { l = try readers.read(window) } catch { failure.set(error); return }
            // This tile's coarse cells, all planes: sums and counts of fine cells.
            let firstRow = window.y / factor, rows = (window.height + factor - 1) / factor
            let firstColumn = window.x / factor, columns = (window.width + factor - 1) / factor
            var part = [Float](repeating: 0, count: (planes + 1) * rows * columns)
            let stride = rows * columns
            for r in 0..<window.height { for c in 0..<window.width {
                let i = r * window.width + c
                let j = (r / factor) * columns + c / factor
                part[j] += min(1, l.treeCanopy.values[i] + l.shrub.values[i] + l.grass.values[i])
                part[stride + j] += l.buildingFraction.values[i]
                for k in 0..<(planes - 2) { part[(2 + k) * stride + j] += NeighbourhoodMeans.input(k, l, i) }
                part[planes * stride + j] += 1
            } }
            sums.add(firstRow: firstRow, firstColumn: firstColumn, rows: rows, columns: columns, part)
        }
        if let error = failure.error { throw error }
        (vegetation, building, inputs) = (sums.vegetation, sums.building, sums.inputs)
    }

    /// The influence on a window of the analysis grid.
    public func sample(_ window: Window) -> Plane {
        influence.sampledAtFineCells(surroundings.window(window), factor: factor)
    }

    /// How much the influence moved since `before` (same park grid), on a window of the analysis grid.
    public func change(since before: ParkField, over window: Window) -> Plane {
        let fine = surroundings.window(window), whole = (width: influence.width, height: influence.height)
        let read = Plane.coarseCells(fine, factor: factor, of: whole)
        return influence.cropped(to: read).combined(with: before.influence.cropped(to: read), -).sampledAtFineCells(fine, factor: factor, of: whole, at: (read.x, read.y))
    }

    /// The influence on a window of the surroundings' grid.
    public func sample(surroundingsWindow window: Window) -> Plane {
        influence.sampledAtFineCells(window, factor: factor)
    }

    /// Fine cells whose sampled influence can differ between two fields by more than `tolerance` (unit influence):
    /// the bounding window of the coarse cells that changed, grown by one coarse cell (bilinear sampling reads
    /// the neighbours). Nil when nothing changed that much.
    public func changedRegion(comparedWith other: ParkField, tolerance: Float, grid: GridSpec) -> Window? {
        let cw = influence.width
        var minC = Int.max, minR = Int.max, maxC = -1, maxR = -1
        for j in 0..<influence.count where abs(influence.values[j] - other.influence.values[j]) > tolerance {
            let c = j % cw, r = j / cw
            minC = min(minC, c); maxC = max(maxC, c); minR = min(minR, r); maxR = max(maxR, r)
        }
        guard maxC >= 0 else { return nil }
        let x0 = max(0, (minC - 1) * factor - surroundings.offsetX), y0 = max(0, (minR - 1) * factor - surroundings.offsetY)
        let x1 = min(grid.width, (maxC + 2) * factor - surroundings.offsetX), y1 = min(grid.height, (maxR + 2) * factor - surroundings.offsetY)
        guard x1 > x0, y1 > y0 else { return nil }
        return Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}

/// The coarse planes being filled: each tile's sums, handed in by the aggregating threads, become means of its
/// coarse cells (one tile at a time).
private final class CoarseSums: @unchecked Sendable {
    private let lock = NSLock()
    var vegetation: Plane, building: Plane, inputs: [Plane]
    /// The coarse cells the inputs' planes cover.
    let inputsWindow: Window
    init(vegetation: Plane, building: Plane, inputs: [Plane], inputsWindow: Window) {
        self.vegetation = vegetation; self.building = building; self.inputs = inputs; self.inputsWindow = inputsWindow
    }

    /// `part`: planes of `rows` × `columns` coarse cells from (`firstColumn`, `firstRow`): vegetation, building, the
    /// inputs, then the counts.
    func add(firstRow: Int, firstColumn: Int, rows: Int, columns: Int, _ part: [Float]) {
        lock.withLock {
            let cw = vegetation.width, stride = rows * columns, counts = (2 + inputs.count) * stride
            for j in 0..<stride {
                let count = part[counts + j]
                guard count > 0 else { continue }
                let row = firstRow + j / columns, column = firstColumn + j % columns
                let target = row * cw + column
                vegetation.values[target] = part[j] / count
                building.values[target] = part[stride + j] / count
                let inner = (row - inputsWindow.y) * inputsWindow.width + column - inputsWindow.x
                for k in inputs.indices { inputs[k].values[inner] = part[(2 + k) * stride + j] / count }
            }
        }
    }
}
