import ArgumentParser
import Engine
import Foundation
import Support
import GeoIO
import Run

struct ComputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute",
        abstract: "Calibrate on the sensors and write the ICTU maps (COGs), components, uncertainty and the run's record.")

    @Option(help: "City manifest (YAML). Default: city.yaml in the current folder (the bundled sample).") var city = "city.yaml"
    @Option(help: "Run folder to write.") var out: String
    @Flag(help: "Use docs/model.md's default coefficients instead of calibrating.") var defaults = false
    @Option(help: "Block size in cells (memory per worker grows with it).") var block = 1024
    @Option(help: ArgumentHelp("Compute piece INDEX/COUNT of the run only (index from 0: a job array's JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID); assemble the pieces with `ictu mosaic`.",
                               valueName: "INDEX/COUNT"), transform: { try Partition(parsing: $0) }) var partition: Partition?
    @Flag(help: ArgumentHelp("Write the maps only (ICTU day and night, classes, relative to the median, uncertainty, hydric stress), not the analysis stacks \(RunFolder.analysisStacks.map(\.fileName).joined(separator: " and ")).",
                             discussion: "The stacks (36 bands) are most of a run's disk and COG writing; explain, diagnose, watering and simulate need them and refuse a run without.")) var mapsOnly = false
    @OptionGroup var replace: ForceOption
    @OptionGroup var rasterCache: RasterCacheOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard block >= 64 else { throw ValidationError("--block must be at least 64 cells (got \(block))") }
    }

    func run() throws {
        rasterCache.apply(default: 128)
        var options = ComputeOptions()
        options.defaultsOnly = defaults; options.blockSize = block; options.overwrite = replace.force; options.mapsOnly = mapsOnly
        options.partition = partition
        let progress = output.progress
        let started = Date()
        let record = try ComputeRun.run(manifest: city, out: out, options: options) { progress.report($0, $1) }
        let seconds = Date().timeIntervalSince(started)
        for warning in record.warnings ?? [] { warn(warning) }
        if let note = record.calibrationNote {
            warn("\(record.calibrated ? "partly calibrated" : "NOT CALIBRATED"): the maps use the documented default coefficients\(record.calibrated ? " for a window" : "") (docs/model.md) because \(note)")
        }
        if output.json {
            try printJSON(RunSummary(run: out, cells: record.grid.cellCount, seconds: seconds, calibrated: record.calibrated, medianDayICTU: record.medianDayICTU))
        } else if !output.talks {
            return
        } else if let p = record.partition {
            print(String(format: "wrote partition %d/%d (rows %d–%d of %d) in %@ in %.1f s; when all %d are written: ictu mosaic --out RUN PARTITION_FOLDERS…",
                         p.index, p.count, p.firstRow, p.endRow - 1, record.grid.height, out, seconds, p.count))
        } else {
            print(tr("wrote {}: ICTU day/night COGs, classes, relative map, components, uncertainty, {} ({} cells in {} s)", out, RunFolder.Entry.record.fileName, record.grid.cellCount, shown(seconds, 1)))
            if let d = record.day { print(tr("calibration (day): leave-one-site-out RMSE {} °C, MAE {}, bias {} over {} sites", shown(d.leaveOneSiteOut.rmse, 2), shown(d.leaveOneSiteOut.mae, 2), shown(d.leaveOneSiteOut.bias, 2, signed: true), d.sites)) }
            if let n = record.night { print(tr("calibration (night): leave-one-site-out RMSE {} °C over {} sites", shown(n.leaveOneSiteOut.rmse, 2), n.sites)) }
        }
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "At a point: day and night ICTU, each term's contribution in °C and the intermediate fields.")

    @OptionGroup var runFolder: RunOption
    @Option(help: "LON,LAT in WGS 84 degrees; write --at=-0.56,44.83 when the longitude is negative.") var at: Coordinate
    @Flag(help: "Print the explanation as JSON.") var json = false

    func run() throws {
        let explanation = try Explanation.at(run: runFolder.folder, longitude: at.longitude, latitude: at.latitude)
        if json { try printJSON(explanation) } else { print(explanation.text, terminator: "") }
    }
}
