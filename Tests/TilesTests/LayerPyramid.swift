import Foundation
import Grid
@testable import Tiles

/// A layer held whole in memory with its averaged levels (2×, 4×, … coarser): the reference the tests hold the
/// COG reader (`COGLayer`, which reads windows) to.
final class LayerPyramid: TileSource, @unchecked Sendable {
    let grid: GridSpec
    /// levels[0] is the grid itself; levels[k] has cells 2^k times larger.
    let levels: [LevelWindow]

    /// From a plane on the grid; NaN is no data.
    init(plane: Plane, grid: GridSpec) {
        var planes = [plane]
        while let last = planes.last, last.width > 1 || last.height > 1, planes.count < 16 { planes.append(LevelWindow.halved(last)) }
        self.grid = grid
        levels = planes.enumerated().map { k, p in
            LevelWindow(values: p.values, x0: 0, y0: 0, width: p.width, height: p.height, levelWidth: p.width, levelHeight: p.height,
                        scaleX: 1 / Double(1 << k), scaleY: 1 / Double(1 << k))
        }
    }

    func values(_ pixels: TilePixels) throws -> [Float] {
        levels[pyramidLevel(footprint: pixels.footprint, levels: levels.count)].sample(pixels, gridWidth: grid.width, gridHeight: grid.height)
    }
}
