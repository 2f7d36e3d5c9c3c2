import ArgumentParser
import Foundation
import GeoIO
import Run
import Tiles

struct TilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tiles",
        abstract: "Export a run's layers as Web Mercator PNG tiles: XYZ folders with TileJSON, MBTiles and PMTiles, under RUN/tiles/.",
        discussion: """
        Layers: day, night, relative, classes, hydric_stress, uncertainty, and each term of the explanation as \
        day-<term> / night-<term> (e.g. day-tree_canopy); `--list` prints them. Colours are fixed (a given °C is \
        the same colour on every tile and zoom), colour-blind safe, and follow the UTCI class boundaries; no data \
        is transparent. The zoom range follows the grid's resolution unless --zoom is given.
        """)

    @OptionGroup var runFolder: RunOption
    @Option(name: .customLong("layer"), help: "Layer to export (repeat for several; `all` for every layer). Default: day and night.") var layers: [String] = []
    @Option(help: "Formats, comma-separated: xyz (folders of PNGs with tilejson.json), mbtiles (SQLite, for tile servers and QGIS), pmtiles (one file any static web server can host, read by range requests); `all` (the default).") var format: Formats = Formats(Set(TileExportOptions.Format.allCases))
    @Option(help: "Zoom range MIN-MAX (e.g. 12-17). Default: from the grid's resolution.") var zoom: ZoomRange?
    @Option(name: .customLong("base-url"), help: "The absolute URL the run's tiles/ folder is served from (https://… or file:///…): the TileJSON names its tiles by absolute URL, as QGIS's XYZ connection needs.") var baseURL: String?
    @Flag(help: "List the run's layers and exit.") var list = false
    @OptionGroup var replace: ForceOption
    @OptionGroup var rasterCache: RasterCacheOption
    @OptionGroup var output: OutputOptions

    struct Formats: ExpressibleByArgument {
        var formats: Set<TileExportOptions.Format>
        init(_ formats: Set<TileExportOptions.Format>) { self.formats = formats }
        init?(argument: String) {
            var formats = Set<TileExportOptions.Format>()
            for word in argument.lowercased().split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if word == "all" { formats.formUnion(TileExportOptions.Format.allCases) }
                else if let format = TileExportOptions.Format(rawValue: word) { formats.insert(format) }
                else { return nil }
            }
            guard !formats.isEmpty else { return nil }
            self.formats = formats
        }
        static var allValueStrings: [String] { TileExportOptions.Format.allCases.map(\.rawValue) + ["all"] }
        var defaultValueDescription: String { "all" }
    }

    struct Listed: Encodable { var name: String; var title: String }

    func run() throws {
        rasterCache.apply(default: 256)
        let map = try TileCatalogue(try RunFolder(runFolder.folder))
        if list {
            if output.json { try printJSON(map.layers.map { Listed(name: $0.name, title: $0.title) }); return }
            for layer in map.layers { print("\(layer.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(layer.title)") }
            return
        }
        var options = TileExportOptions()
        if layers == ["all"] { options.layers = map.layers.map(\.name) } else if !layers.isEmpty { options.layers = layers }
        options.formats = format.formats
        options.zooms = zoom?.range
        options.baseURL = try baseURL.map(TileExportOptions.checkedBaseURL)
        options.overwrite = replace.force
        let progress = output.progress
        let started = Date()
        let summary = try TileExport.run(run: runFolder.folder, options: options) { progress.report($0, $1) }
        writeDescriptions(runFolder.folder)
        if output.json { try printJSON(summary); return }
        if output.talks {
            // Says what was written: the formats asked for, not all of them.
            let written = TileExportOptions.Format.allCases.filter(options.formats.contains)
                .map { $0 == .xyz ? "XYZ folders with tilejson.json" : "." + $0.rawValue }.joined(separator: ", ")
            print(String(format: "wrote %d tiles of %@ (zoom %d–%d) in %.1f s to %@: %@",
                         summary.tiles, summary.layers.joined(separator: ", "), summary.zooms.lowerBound, summary.zooms.upperBound,
                         Date().timeIntervalSince(started), summary.folder, written))
        }
    }
}
