import ArgumentParser
import Engine
import Foundation

struct MosaicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaic",
        abstract: "Assemble the partitions of a run (`ictu compute --partition i/n`) into the run folder one machine would have written.",
        discussion: "Every piece must be there, computed by the same ictu from the same inputs. The rasters are GDAL VRTs over the pieces, written as COGs; the median-relative map, the record and the report are made from the whole.")

    @Option(help: "Run folder to write.") var out: String
    @Argument(help: "The partitions' folders, in any order.") var partitions: [String]
    @OptionGroup var replace: ForceOption
    @OptionGroup var output: OutputOptions

    func run() throws {
        let progress = output.progress
        let started = Date()
        let record = try Mosaic.assemble(partitions: partitions, out: out, overwrite: replace.force) { progress.report($0, $1) }
        let seconds = Date().timeIntervalSince(started)
        if output.json {
            try printJSON(RunSummary(run: out, cells: record.grid.cellCount, seconds: seconds, calibrated: record.calibrated, medianDayICTU: record.medianDayICTU))
        } else if output.talks {
            print(String(format: "wrote %@: %d partitions assembled (%d cells, median day ICTU %.2f °C) in %.1f s", out, partitions.count, record.grid.cellCount,
                         record.medianDayICTU, seconds))
        }
    }
}
