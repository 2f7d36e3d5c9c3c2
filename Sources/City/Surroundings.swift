import Foundation
import Grid

/// What a run reads around its grid: the grid grown by up to `marginMetres` on each side where every raster input
/// covers it (in the grid's CRS, snapped inwards to whole units of `unitCells` cells). What reaches across the
/// grid's edge — a park just outside, the wide neighbourhood means, a sensor near the edge — is then the same in a
/// district run as in its city's run: a cell's value does not depend on where the extent was drawn.
///
/// Every margin is a whole number of units (the park grid's coarse cells), so the coarse cells stay on the grid's
/// lattice; the east and south margins are kept only where the grid's side is itself whole units (else its last,
/// partial coarse cell would mix cells from both sides). Rasters in another CRS than the grid's give no margin
/// (their footprint in the grid's CRS is not a rectangle), nor does a city whose rasters stop at the grid.
public struct Surroundings: Sendable, Equatable {
    /// The grown grid.
    public let grid: GridSpec
    /// Where the analysis grid's cell (0, 0) lies in `grid`.
    public let offsetX: Int, offsetY: Int
    /// Whether `grid` is larger than the analysis grid.
    public let hasMargin: Bool

    public static let marginMetres = 2_000.0

    /// No margin: the grid itself.
    public init(of grid: GridSpec) { self.init(grid: grid, offsetX: 0, offsetY: 0, hasMargin: false) }

    private init(grid: GridSpec, offsetX: Int, offsetY: Int, hasMargin: Bool) {
        self.grid = grid; self.offsetX = offsetX; self.offsetY = offsetY; self.hasMargin = hasMargin
    }

    /// A window of the analysis grid, on `grid`'s cells.
    public func window(_ w: Window) -> Window { Window(x: w.x + offsetX, y: w.y + offsetY, width: w.width, height: w.height) }

    /// The surroundings of `grid` that inputs covering `covered` (minX, minY, maxX, maxY in the grid's CRS) allow.
    public init(of grid: GridSpec, covered: (minX: Double, minY: Double, maxX: Double, maxY: Double)?, unitCells: Int,
                marginMetres: Double = Surroundings.marginMetres) {
        guard let covered else { self.init(of: grid); return }
        let unit = Double(unitCells) * grid.cellSize
        func units(_ available: Double) -> Int { unitCells * Int((min(marginMetres, max(0, available)) / unit + 1e-9).rounded(.down)) }
        let west = units(grid.minX - covered.minX), north = units(covered.maxY - grid.maxY)
        let east = grid.width % unitCells == 0 ? units(covered.maxX - grid.maxX) : 0
        let south = grid.height % unitCells == 0 ? units(grid.minY - covered.minY) : 0
        let grown = GridSpec(crs: grid.crs, originX: grid.originX - Double(west) * grid.cellSize, originY: grid.originY + Double(north) * grid.cellSize,
                             cellSize: grid.cellSize, width: grid.width + west + east, height: grid.height + north + south)
        self.init(grid: grown, offsetX: west, offsetY: north, hasMargin: grown != grid)
    }
}
