import Foundation
import GeoIO
import Grid
import Run
import Support

/// One band of a run's COG as a tile source, read by windows: each tile reads the few blocks under it from the
/// level that suits its zoom — the full resolution or one of the file's own overviews (averages, written by
/// `writeCOG`) — through GDAL's block cache. Memory stays that of the cache whatever the size of the grid (a
/// 25 km city at 1 m is 2.5 GB a layer). Levels coarser than the file's last overview (at most a block wide) are
/// halved from it in memory. Thread-safe: each tile borrows an opening of the file of its own.
public final class COGLayer: TileSource, @unchecked Sendable {
    public let grid: GridSpec
    let path: String
    let band: Int
    let noData: Float?
    /// The file's levels: the band (overview nil) then each overview, with their sizes.
    let fileLevels: [(overview: Int?, width: Int, height: Int)]
    /// Levels past the file's last overview, in memory.
    let memoryLevels: [LevelWindow]
    private let lock = NSLock()
    private var idle: [RasterDataset] = []

    /// A band of a run folder.
    public convenience init(_ folder: RunFolder, band: RunFolder.Band) throws {
        try self.init(path: folder.path(band.entry), band: band.number, grid: folder.record.grid)
    }

    public init(path: String, band: Int, grid: GridSpec) throws {
        let dataset = try RasterDataset.open(path)
        guard dataset.width == grid.width, dataset.height == grid.height else {
            throw OutputError("\(path) is \(dataset.width) × \(dataset.height) pixels; the run's grid is \(grid.width) × \(grid.height)")
        }
        let b = try dataset.band(band)
        self.grid = grid
        self.path = path
        self.band = band
        noData = b.noData.map(Float.init)
        let levels: [(overview: Int?, width: Int, height: Int)] = [(nil, grid.width, grid.height)] + (try b.halvingOverviews()).map { ($0.index, $0.width, $0.height) }
        fileLevels = levels
        // The coarsest file level is small (the COG stops its overviews at a block): read it whole and halve on.
        let last = levels[levels.count - 1]
        var memory: [LevelWindow] = []
        if levels.count < 16, last.width > 1 || last.height > 1 {
            var plane = try Self.whole(b, level: last, noData: noData)
            while plane.width > 1 || plane.height > 1, levels.count + memory.count < 16 {
                plane = LevelWindow.halved(plane)
                memory.append(LevelWindow(values: plane.values, x0: 0, y0: 0, width: plane.width, height: plane.height,
                                          levelWidth: plane.width, levelHeight: plane.height,
                                          scaleX: Double(plane.width) / Double(grid.width), scaleY: Double(plane.height) / Double(grid.height)))
            }
        }
        memoryLevels = memory
        idle = [dataset]
    }

    /// Its levels: the file's, then those halved in memory.
    var levelCount: Int { fileLevels.count + memoryLevels.count }

    /// Level k's size and its cells per grid cell along x and y.
    func level(_ k: Int) -> (width: Int, height: Int, scaleX: Double, scaleY: Double) {
        if k < fileLevels.count {
            let l = fileLevels[k]
            return (l.width, l.height, Double(l.width) / Double(grid.width), Double(l.height) / Double(grid.height))
        }
        let m = memoryLevels[k - fileLevels.count]
        return (m.levelWidth, m.levelHeight, m.scaleX, m.scaleY)
    }

    /// The number of the file's overviews, each half the one before.
    public var overviewLevels: Int { fileLevels.count - 1 }

    /// The file's coarsest level, whole (at most about a block: the COG stops its overviews there), no data as NaN.
    func coarsestFileLevel() throws -> Plane {
        let dataset = try lock.withLock { idle.popLast() } ?? RasterDataset.open(path)
        defer { lock.withLock { idle.append(dataset) } }
        return try Self.whole(try dataset.band(band), level: fileLevels[fileLevels.count - 1], noData: noData)
    }

    /// A file level of `band`, whole, no data as NaN.
    private static func whole(_ band: RasterBand, level: (overview: Int?, width: Int, height: Int), noData: Float?) throws -> Plane {
        let source = try level.overview.map { try band.overview($0) } ?? band
        return Plane(width: level.width, height: level.height, values: masked(try source.read(x: 0, y: 0, width: level.width, height: level.height), noData))
    }

    static func masked(_ values: [Float], _ noData: Float?) -> [Float] {
        guard let noData, !noData.isNaN else { return values }
        return values.map { $0 == noData ? .nan : $0 }
    }

    public func values(_ pixels: TilePixels) throws -> [Float] {
        let k = pyramidLevel(footprint: pixels.footprint, levels: fileLevels.count + memoryLevels.count)
        let window: LevelWindow
        if k >= fileLevels.count {
            window = memoryLevels[k - fileLevels.count]
        } else {
            guard let read = try read(level: k, pixels: pixels) else { return [Float](repeating: .nan, count: pixels.size * pixels.size) }
            window = read
        }
        return window.sample(pixels, gridWidth: grid.width, gridHeight: grid.height)
    }

    /// The window of file level `k` that sampling the pixels needs (their box, cut to the grid); nil when it misses the grid.
    private func read(level k: Int, pixels: TilePixels) throws -> LevelWindow? {
        let level = fileLevels[k]
        let scaleX = Double(level.width) / Double(grid.width), scaleY = Double(level.height) / Double(grid.height)
        let box = pixels.bounds
        guard box.maxCol >= 0, box.maxRow >= 0, box.minCol < Double(grid.width), box.minRow < Double(grid.height) else { return nil }
        let clamp = { (v: Double, size: Int) in min(max(v, 0), Double(size).nextDown) }
        let minX = clamp(box.minCol, grid.width) * scaleX - 0.5, maxX = clamp(box.maxCol, grid.width) * scaleX - 0.5
        let minY = clamp(box.minRow, grid.height) * scaleY - 0.5, maxY = clamp(box.maxRow, grid.height) * scaleY - 0.5
        let xs = LevelWindow.span(minX, size: level.width).lowerBound...LevelWindow.span(maxX, size: level.width).upperBound
        let ys = LevelWindow.span(minY, size: level.height).lowerBound...LevelWindow.span(maxY, size: level.height).upperBound
        let dataset = try lock.withLock { idle.popLast() } ?? RasterDataset.open(path)
        defer { lock.withLock { idle.append(dataset) } }
        let full = try dataset.band(band)
        let source = try level.overview.map { try full.overview($0) } ?? full
        let values = try source.read(x: xs.lowerBound, y: ys.lowerBound, width: xs.count, height: ys.count)
        return LevelWindow(values: Self.masked(values, noData), x0: xs.lowerBound, y0: ys.lowerBound, width: xs.count, height: ys.count,
                           levelWidth: level.width, levelHeight: level.height, scaleX: scaleX, scaleY: scaleY)
    }
}
