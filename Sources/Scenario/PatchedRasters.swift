import Engine
import Foundation
import GeoIO
import Grid
import Run
import Styles
import Support

/// A scenario's rasters written as patches over its base run's: only the window the scenario changed (recomputed and
/// shifted) is written, as COGs in `patch/`, and each raster of the folder is a VRT that draws its patch over the
/// base run's raster, with overviews made the same way (one small VRT per level, over the base's overview and the
/// patch's). A 10 ha park on a 25 km city writes its window's megabytes, not the city's gigabytes, and GDAL, QGIS
/// and every ictu command open the folder as a run.
///
/// The window is widened to whole cells of the coarsest overview, so each patch's overviews average the same cells
/// as the base's do there. The patches' overviews are GDAL's, computed from the window: at the levels where the
/// base's size is odd, GDAL's averaging footprints drift by up to a cell of that level from the window's, so a
/// coarse overview may differ slightly from a full rewrite's (the full resolution is the same to the bit).
enum PatchedRasters {
    static func write(_ result: SimulationResult, base: SimulationBase, staged: StagedOutput, out: URL, progress: ProgressHandler) throws {
        let grid = base.record.grid
        let baseFolder = URL(fileURLWithPath: base.folder.path).standardizedFileURL
        let toBase = FilePaths.relative(from: out, to: baseFolder)
        let dayMap = try base.folder.open(.dayMap)
        let levels = try dayMap.band(1).halvingOverviews().count
        let window = result.region.map { $0.aligned(to: 1 << levels, within: grid.width, grid.height) }
        let folder = RunFolder.patchFolder + "/"

        if let window { try writePatches(result, base: base, window: window, levels: levels, staged: staged, folder: folder, progress: progress) }

        progress("virtual rasters", 0)
        let crs = dayMap.spatialReference?.wkt ?? grid.crs
        for entry in RunFolder.scenarioEntries where entry.isRaster {
            let patchPath = try staged.path(folder + entry.fileName)
            let patch = FileManager.default.fileExists(atPath: patchPath) ? try RasterDataset.open(patchPath) : nil
            // Each band's base: the run's band, or for the change, zero wherever the run's map has a value.
            let sources: [(file: String, band: Int, scale: Double?)] = entry == .delta
                ? [(base.folder.fileName(.dayMap), 1, 0), (base.folder.fileName(.nightMap), 1, 0)]
                : (1...(try base.folder.open(entry).bandCount)).map { (base.folder.fileName(entry), $0, nil) }
            let displayed = !RunFolder.analysisStacks.contains(entry) && levels > 0
            var overviews: [String] = []
            if displayed {
                for level in 1...levels {
                    let name = folder + "\(entry.stem).\(level).vrt"
                    try virtual(entry, sources: sources, baseFolder: baseFolder, toBase: "../" + toBase, patch: patch, patchFile: entry.fileName,
                                window: window, level: level, crs: crs, grid: grid, overviews: []).write(to: try staged.path(name))
                    overviews.append(name)
                }
            }
            try virtual(entry, sources: sources, baseFolder: baseFolder, toBase: toBase, patch: patch, patchFile: folder + entry.fileName,
                        window: window, level: 0, crs: crs, grid: grid, overviews: overviews).write(to: try staged.path(entry.patchedFileName))
        }
    }

    /// The changed window's rasters: the run's values over it with the scenario's in place, the maps derived from the
    /// day map, and the change; maps with `levels` overviews, like the run's.
    static func writePatches(_ result: SimulationResult, base: SimulationBase, window: Window, levels: Int, staged: StagedOutput, folder: String,
                             progress: ProgressHandler) throws {
        let grid = base.record.grid
        let layout = RunFolder.blockRasters()
        let writers = try StagedRasters(staged: staged, grid: grid, region: window, folder: folder, layout: layout)
        try writers.create(.delta, bands: 2)
        for (k, (entry, _)) in layout.enumerated() {
            progress("writing \(entry.stem)", Double(k) / Double(layout.count))
            let source = try base.folder.open(entry)
            for strip in window.strips(rows: 256) {
                let before = try RunFolder.readBands(source, window: strip)
                var planes = before
                if let region = result.region, let after = result.after[entry] {
                    for b in planes.indices { planes[b].paste(after[b], x: region.x - strip.x, y: region.y - strip.y) }
                }
                try writers.write(entry, planes, at: strip)
                if entry == .dayMap || entry == .nightMap {
                    // No data where either map has none (a building before or after).
                    let change = planes[0].change(since: before[0])
                    try writers.write(.delta, [change], band: entry == .dayMap ? 0 : 1, at: strip)
                }
            }
        }
        try BlockRasters.describe(writers)
        try ScenarioOutput.deriveMaps(writers, median: base.record.medianDayICTU)
        try writers.describe(.delta, RunFolder.bandDescriptions(.delta))
        progress("writing the patches' COGs", 0)
        try writers.finishAsCOGs(overviewCount: levels)
    }

    /// The VRT of `entry` at overview `level` (0: the full resolution): each band the base's, with the patch over it.
    static func virtual(_ entry: RunFolder.Entry, sources: [(file: String, band: Int, scale: Double?)], baseFolder: URL, toBase: String,
                        patch: RasterDataset?, patchFile: String, window: Window?, level: Int, crs: String, grid: GridSpec,
                        overviews: [String]) throws -> VirtualRaster {
        var bands: [VirtualRaster.Band] = []
        var size = (width: grid.width, height: grid.height)
        for (b, source) in sources.enumerated() {
            let baseBand = try RasterDataset.open(baseFolder.appendingPathComponent(source.file).path).band(source.band)
            let from = try level == 0 ? baseBand : baseBand.overview(level - 1)
            size = from.size
            var list = [VirtualRaster.Source(file: toBase + "/" + source.file, band: source.band, rasterWidth: size.width, rasterHeight: size.height,
                                             type: baseBand.pixelTypeName, blockWidth: from.blockSize.width, blockHeight: from.blockSize.height,
                                             overviewLevel: level == 0 ? nil : level - 1,
                                             from: Window(x: 0, y: 0, width: size.width, height: size.height),
                                             to: Window(x: 0, y: 0, width: size.width, height: size.height), scale: source.scale)]
            if let patch, let window {
                let full = try patch.band(b + 1), band = try level == 0 ? full : full.overview(level - 1)
                let p = band.size
                let x = window.x >> level, y = window.y >> level
                let w = min(p.width, size.width - x), h = min(p.height, size.height - y)
                list.append(VirtualRaster.Source(file: patchFile, band: b + 1, rasterWidth: p.width, rasterHeight: p.height, type: full.pixelTypeName,
                                                 blockWidth: band.blockSize.width, blockHeight: band.blockSize.height,
                                                 overviewLevel: level == 0 ? nil : level - 1,
                                                 from: Window(x: 0, y: 0, width: w, height: h), to: Window(x: x, y: y, width: w, height: h)))
            }
            let type = try patch?.band(b + 1).pixelTypeName ?? (entry == .delta ? "Float32" : baseBand.pixelTypeName)
            let noData = entry == .delta ? Double.nan : baseBand.noData
            let descriptions = RunFolder.bandDescriptions(entry)
            var band = VirtualRaster.Band(type: type, noData: noData, description: b < descriptions.count ? descriptions[b] : nil,
                                          unit: RunFolder.bandUnit(entry), sources: list, overviews: overviews.map { ($0, b + 1) })
            if entry == .classes { band.colourTable = MapStyle.classColourTable; band.attributeTable = MapStyle.classAttributeTable }
            bands.append(band)
        }
        let cell = grid.cellSize * Double(grid.width) / Double(size.width), cellY = grid.cellSize * Double(grid.height) / Double(size.height)
        return VirtualRaster(width: size.width, height: size.height,
                             geoTransform: GeoTransform(originX: grid.originX, cellWidth: cell, originY: grid.originY, cellHeight: -cellY),
                             crs: crs, bands: bands)
    }
}
