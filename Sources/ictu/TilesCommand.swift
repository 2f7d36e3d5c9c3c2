import ArgumentParser
import Foundation
import GeoIO
import Run
import Tiles

struct TilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiles",
        abstract: "Export a run's layers as Web Mercator PNG tiles: XYZ folders, MBTiles and TileJSON, under RUN/tiles/.",
        discussion: """
        Layers: day, night, relative, classes, hydric_stress, uncertainty, and each term of the explanation as \
        day-<term> / night-<term> (e.g. day-tree_canopy); `--list` prints them. Colours are fixed (a given °C is \
        the same colour on every tile and zoom), colour-blind safe, and follow the UTCI class boundaries; no data \
        is transparent. The zoom range follows the grid's resolution unless --zoom is given.
        """)

    @Option(name: .customLong("run"), help: "Run folder written by `ictu compute`.") var runFolder: String
    @Option(name: .customLong("layer"), help: "Layer to export (repeat for several; `all` for every layer). Default: day and night.") var layers: [String] = []
    @Option(help: "xyz, mbtiles or both.") var format = "both"
    @Option(help: "Zoom range MIN-MAX (e.g. 12-17). Default: from the grid's resolution.") var zoom: String?
    @Flag(help: "List the run's layers and exit.") var list = false
    @Flag(help: "Replace tiles already exported for these layers.") var force = false
    @Option(name: .customLong("raster-cache-mb"), help: "Memory for decoded blocks of the run's rasters (GDAL's cache), MiB.") var rasterCacheMB = 256
    @Flag(help: "No progress on the terminal.") var quiet = false

    func run() throws {
        guard rasterCacheMB >= 16 else { fail("--raster-cache-mb must be ≥ 16") }
        RasterBlockCache.maxBytes = rasterCacheMB << 20
        do {
            let map = try TileCatalogue(try RunFolder(runFolder))
            if list {
                for layer in map.layers { print("\(layer.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(layer.title)") }
                return
            }
            var options = TileExportOptions()
            if layers == ["all"] { options.layers = map.layers.map(\.name) } else if !layers.isEmpty { options.layers = layers }
            switch format {
            case "xyz": options.formats = [.xyz]
            case "mbtiles": options.formats = [.mbtiles]
            case "both": options.formats = [.xyz, .mbtiles]
            default: fail("--format takes xyz, mbtiles or both (got \(format))")
            }
            if let zoom {
                let parts = zoom.split(separator: "-").map { Int($0) }
                guard parts.count == 2, let lo = parts[0], let hi = parts[1], lo <= hi else { fail("--zoom takes MIN-MAX, e.g. 12-17 (got \(zoom))") }
                options.zooms = lo...hi
            }
            options.overwrite = force
            let progress = TerminalProgress(quiet: quiet)
            let started = Date()
            let summary = try TileExport.run(run: runFolder, options: options) { progress.report($0, $1) }
            if !quiet {
                // Says what was written: the formats asked for, not all of them.
                let written = [TileExportOptions.Format.xyz, .mbtiles].filter(options.formats.contains)
                    .map { $0 == .xyz ? "XYZ folders with tilejson.json" : ".mbtiles" }.joined(separator: " and ")
                print(String(format: "wrote %d tiles of %@ (zoom %d–%d) in %.1f s to %@: %@",
                             summary.tiles, summary.layers.joined(separator: ", "), summary.zooms.lowerBound, summary.zooms.upperBound,
                             Date().timeIntervalSince(started), summary.folder, written))
            }
        } catch {
            fail("\(error)")
        }
    }
}
