import Engine
import Foundation
import Grid
import Model
import Run
import Styles
import Support

/// A scenario's run folder: the run's rasters with the changed window in place (so `tiles`, `serve` and `explain`
/// work on it as on any run), `delta.tif` (after − before, day and night), the scenario file, `summary.json` and
/// `summary.html`. The rasters are patches over the base run's (PatchedRasters), or, `standalone`, whole COGs that
/// need no base run. Staged and renamed like every output.
public enum ScenarioOutput {
    public static func write(_ result: SimulationResult, base: SimulationBase, scenarioFile: String, out: String, overwrite: Bool, standalone: Bool = false,
                             progress: ProgressHandler = { _, _ in }) throws {
        let outURL = URL(fileURLWithPath: out).standardizedFileURL, runURL = URL(fileURLWithPath: base.folder.path).standardizedFileURL
        guard outURL != runURL else { throw OutputError("--out \(out) is the run folder itself: choose another folder (the run stays the \"before\")") }
        try InputProtection.check(output: out, inputs: [("scenario", scenarioFile), ("run", base.folder.path(.record))] + base.city.inputFiles)
        let files = RunFolder.scenarioFiles(patched: !standalone)
        let staged = try StagedOutput(destination: out, entries: files.write, withdrawing: files.withdraw + RunFolder.derivedProducts.map(\.fileName), overwrite: overwrite)
        if standalone {
            try writeWholeRasters(result, base: base, staged: staged, progress: progress)
            try FileManager.default.copyItem(atPath: base.folder.path(.uncertainty), toPath: try staged.path(RunFolder.Entry.uncertainty.fileName))
        } else {
            try PatchedRasters.write(result, base: base, staged: staged, out: outURL, progress: progress)
        }
        try FileManager.default.copyItem(atPath: scenarioFile, toPath: try staged.path(RunFolder.Entry.scenario.fileName))

        var record = base.record
        record.scenario = URL(fileURLWithPath: scenarioFile).lastPathComponent
        record.baseRun = runURL.path
        record.patchedOver = standalone ? nil : PatchedBase(run: FilePaths.relative(from: outURL, to: runURL),
                                                             recordSHA256: try FileDigest.sha256(ofFile: base.folder.path(.record)))
        record.relocate(to: out)
        try record.write(to: try staged.path(RunFolder.Entry.record.fileName))
        try JSONCoding.write(result.summary, to: try staged.path(RunFolder.Entry.summary.fileName))
        progress("summary page", 0)
        let page = try ScenarioReport.html(result: result, base: base)
        try Data(page.utf8).write(to: URL(fileURLWithPath: try staged.path(RunFolder.Entry.summaryPage.fileName)))
        // Each map's QGIS and OGC styles beside it, and the QGIS project of the scenario's run.
        try MapStyle.write(for: RunFolder.scenarioEntries, into: staged.path)
        try RunDescription.stage(into: staged.path, runPath: out, record: record, manifest: record.manifestAbsolute)
        try staged.commit()
    }

    /// The rasters over the whole grid: the run's, with the changed region in place.
    static func writeWholeRasters(_ result: SimulationResult, base: SimulationBase, staged: StagedOutput, progress: ProgressHandler) throws {
        let grid = base.record.grid
        let layout = RunFolder.blockRasters()
        let writers = try StagedRasters(staged: staged, grid: grid, layout: layout)
        for (k, (entry, bands)) in layout.enumerated() {
            progress("writing \(entry.stem)", Double(k) / Double(layout.count))
            let source = try base.folder.open(entry)
            for strip in Window(x: 0, y: 0, width: grid.width, height: grid.height).strips(rows: 256) {
                var planes = try (1...bands).map { try source.band($0).read(strip) }
                if let region = result.region, let after = result.after[entry], region.y < strip.y + strip.height, region.y + region.height > strip.y {
                    for b in 0..<bands { planes[b].paste(after[b], x: region.x, y: region.y - strip.y) }
                }
                try writers.write(entry, planes, at: strip)
            }
        }
        try BlockRasters.describe(writers)
        progress("derived maps", 0)
        try deriveMaps(writers, median: base.record.medianDayICTU)
        try writers.create(.delta, bands: 2)
        for regime in Regime.allCases {
            for strip in Window(x: 0, y: 0, width: grid.width, height: grid.height).strips(rows: 256) {
                // Zero outside the changed region by construction.
                let change = try result.after(regime, window: strip, base: base).change(since: base.map(regime, window: strip))
                try writers.write(.delta, [change], band: RunFolder.delta(regime).number - 1, at: strip)
            }
        }
        try writers.describe(.delta, RunFolder.bandDescriptions(.delta))
        progress("writing COGs", 0)
        try writers.finishAsCOGs()
    }

    /// The maps derived from the after day map; the median stays the run's, so "relative" compares with the same reference.
    static func deriveMaps(_ writers: StagedRasters, median: Double) throws {
        try writers.derive(from: .dayMap, into: [(.classes, .byte, 255), (.relativeToMedian, .float32, nil)]) { value, _, _ in
            SIMD2(DerivedMaps.stressClass(value), value.isNaN ? .nan : value - Float(median))
        }
        try writers.describe(.classes, RunFolder.bandDescriptions(.classes))
        try writers.colourClasses()
        try writers.describe(.relativeToMedian, [String(format: "day ICTU minus the run's median over the open cells, %.2f °C", median)])
    }
}
