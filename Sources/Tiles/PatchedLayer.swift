import Foundation
import Grid

/// A run's COG with a window of other values drawn over it: a scenario's map after its edits (the run's map with the
/// changed window in place), or its change (zero wherever the run's map has a value, the window's change in place).
/// What it holds is the window's pyramid; the rest is read from the COG as the run's own layers are. So a variant
/// costs the server its window, not the city.
///
/// The window (`PatchedLayer.window(around:)`) is the changed cells widened to multiples of 2^L cells for the COG's
/// L overviews, plus 2^L cells of margin: at every level up to L its cells are whole cells of the COG's level, and a
/// pixel whose four cells are not all in the window is beyond the change, where the COG's values are the window's.
/// Past L (the levels the COG's reader halves in memory) the window is drawn into the COG's level L, whole and
/// small, and halved from there as the reader does.
public final class PatchedLayer: TileSource, @unchecked Sendable {
    public let grid: GridSpec
    let base: COGLayer
    let zeroOutside: Bool
    /// The window's levels up to the COG's last overview, each against the COG's level of the same number.
    let levels: [LevelWindow]
    /// The levels past it, whole.
    let coarse: [LevelWindow]

    /// `values` over `window` (grid cells). With `zeroOutside`, the COG's values count as 0 wherever they have one.
    public init(base: COGLayer, window: Window, values: Plane, zeroOutside: Bool) throws {
        precondition(values.width == window.width && values.height == window.height)
        grid = base.grid
        self.base = base
        self.zeroOutside = zeroOutside
        let last = base.overviewLevels
        var planes = [values]
        while planes.count <= last { planes.append(LevelWindow.halved(planes[planes.count - 1])) }
        levels = planes.enumerated().map { k, p in
            let level = base.level(k)
            return LevelWindow(values: p.values, x0: window.x >> k, y0: window.y >> k, width: p.width, height: p.height,
                               levelWidth: level.width, levelHeight: level.height, scaleX: level.scaleX, scaleY: level.scaleY)
        }
        var top = try base.coarsestFileLevel()
        if zeroOutside { top = top.mapped { $0.isNaN ? .nan : 0 } }
        top.paste(planes[last], x: window.x >> last, y: window.y >> last)
        var deeper: [LevelWindow] = []
        for k in (last + 1)..<max(last + 1, base.levelCount) {
            top = LevelWindow.halved(top)
            let level = base.level(k)
            deeper.append(LevelWindow(values: top.values, x0: 0, y0: 0, width: top.width, height: top.height,
                                      levelWidth: level.width, levelHeight: level.height, scaleX: level.scaleX, scaleY: level.scaleY))
        }
        coarse = deeper
    }

    /// The window a change over `changed` needs against `base`: widened to multiples of 2^L cells, 2^L cells of margin.
    public static func window(around changed: Window, base: COGLayer) -> Window {
        let step = 1 << base.overviewLevels, grid = base.grid
        return changed.expanded(by: step, within: grid.width, grid.height).aligned(to: step, within: grid.width, grid.height)
    }

    public func values(_ pixels: TilePixels) throws -> [Float] {
        let k = pyramidLevel(footprint: pixels.footprint, levels: base.levelCount)
        if k >= levels.count { return coarse[k - levels.count].sample(pixels, gridWidth: grid.width, gridHeight: grid.height) }
        var out = try base.values(pixels)
        if zeroOutside { for i in out.indices where !out[i].isNaN { out[i] = 0 } }
        levels[k].sample(pixels, gridWidth: grid.width, gridHeight: grid.height, into: &out, insideOnly: true)
        return out
    }
}
