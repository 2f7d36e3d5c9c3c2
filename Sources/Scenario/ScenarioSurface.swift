import Foundation
import GeoIO
import Grid
import Model
import Support

/// A scenario's edits as cell masks on the run's grid (a cell is edited when its centre is inside the polygon),
/// applied in file order to any window of surface layers: later features override earlier ones where they overlap.
public struct ScenarioSurface: Sendable {
    public struct Mask: Sendable {
        /// The mask's cells in the grid.
        public var window: Window
        public var inside: [Bool]
        public var cells: Int { inside.lazy.filter { $0 }.count }
    }

    public let edits: [Scenario.Edit]
    public let masks: [Mask]
    let grid: GridSpec

    /// Albedo of the ground a park's paths, a demolished lot and new water get (typical values).
    static let pathAlbedo: Float = 0.3, grassAlbedo: Float = 0.2, shrubAlbedo: Float = 0.18, sealedLotAlbedo: Float = 0.2, waterAlbedo: Float = 0.08, roofAlbedo: Float = 0.2

    public init(scenario: Scenario, grid: GridSpec, name: String = "scenario") throws {
        self.grid = grid
        edits = scenario.edits
        var masks: [Mask] = []
        for edit in scenario.edits {
            let b = edit.bounds
            let c0 = max(0, Int(floor((b.minX - grid.originX) / grid.cellSize))), c1 = min(grid.width, Int(ceil((b.maxX - grid.originX) / grid.cellSize)))
            let r0 = max(0, Int(floor((grid.originY - b.maxY) / grid.cellSize))), r1 = min(grid.height, Int(ceil((grid.originY - b.minY) / grid.cellSize)))
            let window = Window(x: c0, y: r0, width: max(0, c1 - c0), height: max(0, r1 - r0))
            var inside: [Bool] = []
            if window.cellCount > 0 {
                let raster = try RasterDataset.create(on: grid, window: window, profile: .memory)
                try raster.rasterize(geometries: [edit.wkb], values: [1])
                inside = try raster.band(1).read(x: 0, y: 0, width: window.width, height: window.height).map { $0 > 0.5 }
            }
            guard inside.contains(true) else {
                throw OutputError("\(name): feature \(edit.index) (id \(edit.id)): the polygon covers no cell centre of the \(grid.cellSize) m grid (too small, or outside it)")
            }
            masks.append(Mask(window: window, inside: inside))
        }
        self.masks = masks
    }

    /// The bounding window of every edited cell (nil for an empty scenario).
    public var editedWindow: Window? {
        guard let first = masks.first?.window else { return nil }
        var x0 = first.x, y0 = first.y, x1 = first.x + first.width, y1 = first.y + first.height
        for m in masks.dropFirst() {
            x0 = min(x0, m.window.x); y0 = min(y0, m.window.y)
            x1 = max(x1, m.window.x + m.window.width); y1 = max(y1, m.window.y + m.window.height)
        }
        return Window(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The tallest obstacle the scenario builds or plants, m.
    public var tallestObstacleMetres: Double {
        edits.map { edit in
            switch edit.kind {
            case .building: edit.values["height_m"] ?? 0
            case .park, .trees: TreeGrowth.height(mature: edit.values["tree_height_m"] ?? 0, years: edit.values["years_after_planting"] ?? 0)
            default: 0
            }
        }.max() ?? 0
    }

    /// The edited cells (the perimeter of the scenario) as a mask over `window`, row-major.
    public func perimeter(over window: Window) -> [Bool] {
        var out = [Bool](repeating: false, count: window.cellCount)
        for m in masks {
            for r in 0..<m.window.height { for c in 0..<m.window.width where m.inside[r * m.window.width + c] {
                let col = m.window.x + c - window.x, row = m.window.y + r - window.y
                if col >= 0, row >= 0, col < window.width, row < window.height { out[row * window.width + col] = true }
            } }
        }
        return out
    }

    /// The layers of `window` (grid cells) after the edits.
    public func apply(to layers: inout SurfaceLayers, window: Window) {
        for (edit, mask) in zip(edits, masks) {
            let x0 = max(window.x, mask.window.x), x1 = min(window.x + window.width, mask.window.x + mask.window.width)
            let y0 = max(window.y, mask.window.y), y1 = min(window.y + window.height, mask.window.y + mask.window.height)
            guard x1 > x0, y1 > y0 else { continue }
            for y in y0..<y1 { for x in x0..<x1 where mask.inside[(y - mask.window.y) * mask.window.width + x - mask.window.x] {
                Self.apply(edit, to: &layers, at: (y - window.y) * window.width + x - window.x)
            } }
        }
    }

    /// One edit on one cell. Ground covers (impervious, grass, shrub, water) share the ground; crowns sit over it.
    static func apply(_ edit: Scenario.Edit, to L: inout SurfaceLayers, at i: Int) {
        let v = edit.values
        let onBuilding = L.buildingFraction.values[i] >= 0.5
        func clearBuilding() { L.buildingFraction.values[i] = 0; L.buildingHeight.values[i] = 0 }
        func clearCrowns() { L.treeCanopy.values[i] = 0; L.canopyHeight.values[i] = 0; L.canopyStress.values[i] = 0 }
        func ground(impervious: Float, grass: Float, shrub: Float, water: Float) {
            L.impervious.values[i] = impervious; L.grass.values[i] = grass; L.shrub.values[i] = shrub; L.water.values[i] = water
            L.grassStress.values[i] = 0; L.shrubStress.values[i] = 0
        }
        switch edit.kind {
        case .park:
            // Planted ground: crowns at their age, shrubs establishing, turf, the rest stabilised paths; new plantings unstressed.
            let years = v["years_after_planting"]!
            let shrub = Float(TreeGrowth.shrubCover(mature: v["shrub_cover"]!, years: years)), grass = Float(v["grass_cover"]!)
            let paths = max(0, 1 - Float(v["shrub_cover"]!) - grass)
            clearBuilding()
            ground(impervious: paths, grass: grass, shrub: shrub, water: 0)
            L.albedo.values[i] = grassAlbedo * grass + shrubAlbedo * shrub + pathAlbedo * paths + grassAlbedo * max(0, 1 - paths - grass - shrub)
            L.treeCanopy.values[i] = Float(TreeGrowth.cover(mature: v["tree_cover"]!, years: years))
            L.canopyHeight.values[i] = Float(TreeGrowth.height(mature: v["tree_height_m"]!, years: years))
            L.canopyStress.values[i] = 0
        case .trees:
            guard !onBuilding else { return } // trees are not planted on roofs
            let years = v["years_after_planting"]!
            let cover = Float(TreeGrowth.cover(mature: v["tree_cover"]!, years: years))
            let old = L.treeCanopy.values[i]
            if cover > old {
                // The new crowns are young and watered: the cell's stress is the old crowns' share of it.
                L.canopyStress.values[i] = old > 0 ? L.canopyStress.values[i] * old / cover : 0
                L.treeCanopy.values[i] = cover
            }
            L.canopyHeight.values[i] = max(L.canopyHeight.values[i], Float(TreeGrowth.height(mature: v["tree_height_m"]!, years: years)))
        case .prune:
            L.treeCanopy.values[i] *= Float(1 - v["crown_reduction"]!)
        case .removeTrees:
            clearCrowns()
        case .building:
            clearCrowns()
            ground(impervious: 0, grass: 0, shrub: 0, water: 0)
            L.buildingFraction.values[i] = 1
            L.buildingHeight.values[i] = Float(v["height_m"]!)
            L.albedo.values[i] = roofAlbedo
        case .demolish:
            guard onBuilding else { return }
            let p = Float(v["permeable"]!)
            clearBuilding()
            ground(impervious: 1 - p, grass: p, shrub: 0, water: 0)
            L.albedo.values[i] = p * grassAlbedo + (1 - p) * sealedLotAlbedo
        case .surface:
            guard !onBuilding else { return }
            let p = Float(v["permeable"]!)
            let open = 1 - L.water.values[i]
            ground(impervious: (1 - p) * open, grass: p * open, shrub: 0, water: L.water.values[i])
            L.albedo.values[i] = Float(v["albedo"]!)
        case .water:
            guard !onBuilding else { return }
            clearCrowns()
            ground(impervious: 0, grass: 0, shrub: 0, water: 1)
            L.albedo.values[i] = waterAlbedo
        case .irrigate:
            let s = Float(v["stress_after"]!)
            L.canopyStress.values[i] = min(L.canopyStress.values[i], s)
            L.shrubStress.values[i] = min(L.shrubStress.values[i], s)
            L.grassStress.values[i] = min(L.grassStress.values[i], s)
        }
    }
}
