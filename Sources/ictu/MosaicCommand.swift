import ArgumentParser
import Foundation
import Products

struct MosaicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mosaic",
        abstract: "Assemble the partitions of a run (`ictu compute --partition i/n`) into the run folder one machine would have written.",
        discussion: "Every piece must be there, computed by the same ictu from the same inputs. The rasters are GDAL VRTs over the pieces, written as COGs; the median-relative map, the record and the report are made from the whole.")

    @Option(help: "Run folder to write.") var out: String
    @Argument(help: "The partitions' folders, in any order.") var partitions: [String]
    @Flag(help: "Replace the outputs if the folder already has them.") var force = false
    @Flag(help: "No progress on the terminal.") var quiet = false

    func run() throws {
        let progress = TerminalProgress(quiet: quiet)
        do {
            let started = Date()
            let record = try Mosaic.assemble(partitions: partitions, out: out, overwrite: force) { progress.report($0, $1) }
            if !quiet {
                print(String(format: "wrote %@: %d partitions assembled (%d cells, median day ICTU %.2f °C) in %.1f s", out, partitions.count, record.grid.cellCount,
                             record.medianDayICTU, Date().timeIntervalSince(started)))
            }
        } catch {
            fail("\(error)")
        }
    }
}
