import ArgumentParser
import Engine
import Foundation
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
                               valueName: "INDEX/COUNT")) var partition: String?
    @Flag(help: ArgumentHelp("Write the maps only (ICTU day and night, classes, relative to the median, uncertainty, hydric stress), not the analysis stacks \(RunFolder.analysisStacks.map(\.fileName).joined(separator: " and ")).",
                             discussion: "The stacks (36 bands) are most of a run's disk and COG writing; explain, diagnose, watering and simulate need them and refuse a run without.")) var mapsOnly = false
    @Flag(help: "Replace the outputs if the folder already has them.") var force = false
    @Option(name: .customLong("raster-cache-mb"), help: "Memory for GDAL's cache of raster blocks (read and being written), MiB.") var rasterCacheMB = 128
    @Flag(help: "No progress on the terminal.") var quiet = false
    @Flag(help: "Print a JSON summary.") var json = false

    func run() throws {
        guard rasterCacheMB >= 16 else { fail("--raster-cache-mb must be ≥ 16") }
        // GDAL's default (5 % of the machine's RAM) would grow with the machine, not with the work: bounded here.
        RasterBlockCache.maxBytes = rasterCacheMB << 20
        var options = ComputeOptions()
        options.defaultsOnly = defaults; options.blockSize = block; options.overwrite = force; options.mapsOnly = mapsOnly
        let progress = TerminalProgress(quiet: quiet || json)
        do {
            if let partition { options.partition = try Partition(parsing: partition) }
            let started = Date()
            let record = try ComputeRun.run(manifest: city, out: out, options: options) { progress.report($0, $1) }
            let seconds = Date().timeIntervalSince(started)
            if let p = record.partition {
                if !quiet {
                    print(String(format: "wrote partition %d/%d (rows %d–%d of %d) in %@ in %.1f s; when all %d are written: ictu mosaic --out RUN PARTITION_FOLDERS…",
                                 p.index, p.count, p.firstRow, p.endRow - 1, record.grid.height, out, seconds, p.count))
                }
            } else if json {
                let summary: [String: String] = ["run": out, "cells": String(record.grid.cellCount), "seconds": String(format: "%.1f", seconds),
                                                 "calibrated": String(record.calibrated), "median_day_ictu": String(format: "%.2f", record.medianDayICTU)]
                print(String(data: try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys]), encoding: .utf8)!)
            } else if !quiet {
                print(String(format: "wrote %@: ICTU day/night COGs, classes, relative map, components, uncertainty, %@ (%d cells in %.1f s)", out, RunFolder.Entry.record.fileName, record.grid.cellCount, seconds))
                if let d = record.day { print(String(format: "calibration (day): leave-one-site-out RMSE %.2f °C, MAE %.2f, bias %+.2f over %d sites", d.leaveOneSiteOut.rmse, d.leaveOneSiteOut.mae, d.leaveOneSiteOut.bias, d.sites)) }
                if let n = record.night { print(String(format: "calibration (night): leave-one-site-out RMSE %.2f °C over %d sites", n.leaveOneSiteOut.rmse, n.sites)) }
            }
        } catch {
            fail("\(error)")
        }
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "At a point: day and night ICTU, each term's contribution in °C and the intermediate fields.")

    @Option(name: .customLong("run"), help: "Run folder written by `ictu compute`.") var runFolder: String
    @Option(help: "LON,LAT in WGS 84 degrees; write --at=-0.56,44.83 when the longitude is negative.") var at: String
    @Flag(help: "Machine-readable JSON.") var json = false

    func run() throws {
        let parts = at.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lon = parts[0], let lat = parts[1] else { fail("--at takes LON,LAT in degrees, e.g. --at -0.5600,44.8100") }
        do {
            let explanation = try Explanation.at(run: runFolder, longitude: lon, latitude: lat)
            if json {
                try printJSON(explanation)
            } else {
                print(explanation.text, terminator: "")
            }
        } catch {
            fail("\(error)")
        }
    }
}
