import City
import Grid
import Model

/// The global coarse pass: vegetation and building fractions aggregated to the park grid (10 m), parks found and
/// their influence exp(−d/L) computed there once, then sampled bilinearly by every block. The same pass keeps
/// the coarse means of the air-temperature model's neighbourhood inputs, from which `CoarseNeighbourhoods` computes
/// the wide neighbourhood means once per run.
/// A scenario updates the coarse cells under its edits only and finds the parks again (cheap at 10 m).
public struct ParkField: Sendable {
    public let influence: Plane
    public let factor: Int
    public let parks: Int
    /// Mean vegetation (tree + shrub + grass, capped at 1) and building fraction of each coarse cell.
    public let vegetation: Plane
    public let building: Plane
    /// Coarse means of the neighbourhood inputs (NeighbourhoodMeans order).
    public let inputs: [Plane]
    let settings: ParkCooling
    let cellSize: Double

    public init(city: City, settings: ParkCooling = ParkCooling()) throws {
        try self.init(grid: city.grid, settings: settings) { try city.layers($0) }
    }

    /// From any source of surface layers over windows of `grid` (read in strips of rows).
    public init(grid: GridSpec, settings: ParkCooling = ParkCooling(), layers: (Window) throws -> SurfaceLayers) throws {
        let factor = max(1, Int((settings.coarseCellMetres / grid.cellSize).rounded()))
        let cw = (grid.width + factor - 1) / factor, ch = (grid.height + factor - 1) / factor
        var vegetation = Plane(width: cw, height: ch), building = Plane(width: cw, height: ch)
        var inputs = [Plane](repeating: Plane(width: cw, height: ch), count: NeighbourhoodMeans.inputCount)
        let whole = Window(x: 0, y: 0, width: grid.width, height: grid.height)
        try Self.aggregate(region: whole, grid: grid, factor: factor, into: &vegetation, &building, &inputs, layers: layers)
        self.init(vegetation: vegetation, building: building, inputs: inputs, factor: factor, cellSize: grid.cellSize, settings: settings)
    }

    init(vegetation: Plane, building: Plane, inputs: [Plane], factor: Int, cellSize: Double, settings: ParkCooling) {
        self.vegetation = vegetation
        self.building = building
        self.inputs = inputs
        self.factor = factor
        self.settings = settings
        self.cellSize = cellSize
        let (plane, n) = settings.influence(vegetation: vegetation, building: building, cellMetres: cellSize * Double(factor))
        influence = plane
        parks = n
    }

    /// The field after the layers changed inside `region` (fine cells): the coarse cells it touches are
    /// aggregated again from `layers`, then the parks are found again over the whole coarse grid.
    public func updated(region: Window, grid: GridSpec, layers: (Window) throws -> SurfaceLayers) throws -> ParkField {
        var vegetation = self.vegetation, building = self.building, inputs = self.inputs
        try Self.aggregate(region: region, grid: grid, factor: factor, into: &vegetation, &building, &inputs, layers: layers)
        return ParkField(vegetation: vegetation, building: building, inputs: inputs, factor: factor, cellSize: cellSize, settings: settings)
    }

    /// Means over whole coarse cells of the fine cells in the coarse cells `region` touches.
    static func aggregate(region: Window, grid: GridSpec, factor: Int, into vegetation: inout Plane, _ building: inout Plane, _ inputs: inout [Plane],
                          layers: (Window) throws -> SurfaceLayers) throws {
        let cw = vegetation.width
        let x0 = region.x / factor * factor, y0 = region.y / factor * factor
        let x1 = min(grid.width, (region.x + region.width + factor - 1) / factor * factor)
        let y1 = min(grid.height, (region.y + region.height + factor - 1) / factor * factor)
        guard x1 > x0, y1 > y0 else { return }
        var counts = [Float](repeating: 0, count: vegetation.count)
        for j in 0..<counts.count {
            let (c, r) = (j % cw, j / cw)
            if c * factor >= x0, c * factor < x1, r * factor >= y0, r * factor < y1 {
                vegetation.values[j] = 0; building.values[j] = 0
                for k in inputs.indices { inputs[k].values[j] = 0 }
            }
        }
        let stripRows = factor * max(1, 512 / factor)
        for y in stride(from: y0, to: y1, by: stripRows) {
            let window = Window(x: x0, y: y, width: x1 - x0, height: min(stripRows, y1 - y))
            let l = try layers(window)
            for r in 0..<window.height { for c in 0..<window.width {
                let i = r * window.width + c
                let j = ((y + r) / factor) * cw + (x0 + c) / factor
                vegetation.values[j] += min(1, l.treeCanopy.values[i] + l.shrub.values[i] + l.grass.values[i])
                building.values[j] += l.buildingFraction.values[i]
                for k in inputs.indices { inputs[k].values[j] += NeighbourhoodMeans.input(k, l, i) }
                counts[j] += 1
            } }
        }
        for j in 0..<counts.count where counts[j] > 0 {
            vegetation.values[j] /= counts[j]; building.values[j] /= counts[j]
            for k in inputs.indices { inputs[k].values[j] /= counts[j] }
        }
    }

    /// The influence on a window of the analysis grid.
    public func sample(_ window: Window) -> Plane {
        Plane(width: window.width, height: window.height) { c, r in
            influence.bilinear(x: (Double(window.x + c) + 0.5) / Double(factor), y: (Double(window.y + r) + 0.5) / Double(factor))
        }
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
        let x0 = max(0, (minC - 1) * factor), y0 = max(0, (minR - 1) * factor)
        let x1 = min(grid.width, (maxC + 2) * factor), y1 = min(grid.height, (maxR + 2) * factor)
        return Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}
