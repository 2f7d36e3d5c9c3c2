import ArgumentParser
import Foundation
import Sample

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write a synthetic city (inputs + the truth they were made from).",
        discussion: """
        Writes DIR/city.yaml, DIR/Rasters (layers, building footprints, tree inventory, truth rasters) and DIR/SensorData \
        (80 sensors on 40 sites, reference station, truth). Deterministic for a given --seed; streamed in 1 km strips, \
        so memory depends on the width, not the area.
        """)

    @Option(help: "Output folder.") var out: String
    @Option(name: .customLong("size-km"), help: "Side of the square city, km (whole number, 4 to 100: the sensor sites sit in the fixed 4 × 4 km core).") var sizeKm = 4
    @Option(help: "Cell size of the analysis layers, m (0.5, 1, 2, 4 or 5).") var cell = 2.0
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @OptionGroup var replace: ForceOption
    @OptionGroup var output: OutputOptions

    func run() throws {
        var options = SampleOptions()
        options.sizeKm = sizeKm; options.cellMetres = cell; options.seed = seed; options.overwrite = replace.force
        let progress = output.progress
        let summary = try SampleWriter(options: options).write(to: out) { progress.report($0, $1) }
        if output.json { try printJSON(summary); return }
        if output.talks {
            print("wrote \(out)/city.yaml: \(summary.grid.width)×\(summary.grid.height) cells of \(summary.grid.cellSize) m, \(summary.buildings) buildings, \(summary.trees) public trees, \(summary.sensors) sensors on \(summary.sites) sites")
        }
    }
}
