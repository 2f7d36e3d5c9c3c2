import Foundation
import Grid

/// The manifest's `population` raster (people per pixel of its own grid) as people per cell of the analysis grid:
/// brought onto the grid like every raster, then scaled by the ratio of cell areas so totals are kept.
public enum PopulationLayer {
    public static func read(manifest path: String, grid: GridSpec) throws -> Plane? {
        try rows(manifest: path, grid: grid).map { try $0.read(Window(x: 0, y: 0, width: grid.width, height: grid.height)) }
    }

    /// The layer read a window at a time (a strip of rows of a city too large to hold), or nil without one.
    public static func rows(manifest path: String, grid: GridSpec) throws -> PopulationRows? {
        let manifest = try Manifest.load(path)
        guard let settings = manifest.rasters[RasterRole.population.rawValue] else { return nil }
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        let input = try RasterInput(role: .population, settings: settings, manifestFolder: folder, grid: grid)
        return PopulationRows(input: input, ratio: Float((grid.cellSize * grid.cellSize) / (input.resolution * input.resolution)), width: grid.width)
    }
}

/// People per cell of the analysis grid, read by windows: from the manifest's raster, or from a plane on the grid.
/// One reader, for one thread at a time.
public final class PopulationRows: @unchecked Sendable {
    private let input: RasterInput?, plane: Plane?
    private let ratio: Float
    public let width: Int

    init(input: RasterInput, ratio: Float, width: Int) { self.input = input; self.ratio = ratio; self.width = width; plane = nil }

    /// People per cell already on the grid.
    public init(plane: Plane) { self.plane = plane; input = nil; ratio = 1; width = plane.width }

    /// People per cell over `window` (0 where the layer has no data).
    public func read(_ window: Window) throws -> Plane {
        if let plane { return plane.cropped(to: window) }
        return try input!.read(window).mapped { $0.isNaN ? 0 : max(0, $0) * ratio }
    }

    /// Rows y ..< y + height, the whole width, row-major.
    public func rows(_ y: Int, _ height: Int) throws -> [Float] { try read(Window(x: 0, y: y, width: width, height: height)).values }
}
