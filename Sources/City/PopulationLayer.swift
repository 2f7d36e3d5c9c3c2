import Foundation
import Grid

/// The manifest's `population` raster (people per pixel of its own grid) as people per cell of the analysis grid:
/// brought onto the grid like every raster, then scaled by the ratio of cell areas so totals are kept.
public enum PopulationLayer {
    public static func read(manifest path: String, grid: GridSpec) throws -> Plane? {
        let manifest = try Manifest.load(path)
        guard let settings = manifest.rasters[RasterRole.population.rawValue] else { return nil }
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        let input = try RasterInput(role: .population, settings: settings, manifestFolder: folder, grid: grid)
        let perPixel = try input.read(Window(x: 0, y: 0, width: grid.width, height: grid.height))
        let ratio = Float((grid.cellSize * grid.cellSize) / (input.resolution * input.resolution))
        return perPixel.mapped { $0.isNaN ? 0 : max(0, $0) * ratio }
    }
}
