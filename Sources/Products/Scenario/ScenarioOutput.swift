import Foundation
import GeoIO
import Grid
import Model

/// A scenario's run folder: the run's rasters with the recomputed window in place (so `tiles`, `serve` and
/// `explain` work on it as on any run), `delta.tif` (after − before, day and night), the scenario file,
/// `summary.json` and `summary.html`. Staged and renamed like every output.
public enum ScenarioOutput {
    public static let entries = ["ictu_day.tif", "ictu_night.tif", "ictu_class.tif", "ictu_delta_median.tif", "components.tif", "intermediate.tif",
                                 "uncertainty.tif", "hydric_stress.tif", "delta.tif", "calibration.json", "scenario.geojson", "summary.json", "summary.html"]

    public static func write(_ result: SimulationResult, base: SimulationBase, scenarioFile: String, out: String, overwrite: Bool,
                             progress: ProgressHandler = { _, _ in }) throws {
        let outURL = URL(fileURLWithPath: out).standardizedFileURL, runURL = URL(fileURLWithPath: base.run).standardizedFileURL
        guard outURL != runURL else { throw OutputError("--out \(out) is the run folder itself: choose another folder (the run stays the \"before\")") }
        let staged = try StagedOutput(destination: out, entries: entries, overwrite: overwrite)
        let grid = base.record.grid
        let writers = try StagedRasters(staged: staged, grid: grid, layout: RunLayers.layout)
        for (k, (name, bands)) in RunLayers.layout.enumerated() {
            progress("writing \(name)", Double(k) / Double(RunLayers.layout.count))
            let source = try RasterDataset.open(base.run + "/\(name).tif")
            for y in stride(from: 0, to: grid.height, by: 256) {
                let strip = Window(x: 0, y: y, width: grid.width, height: min(256, grid.height - y))
                var planes = try (1...bands).map { Plane(width: strip.width, height: strip.height, values: try source.band($0).read(x: 0, y: y, width: strip.width, height: strip.height)) }
                if let region = result.region, let after = result.after[name], region.y < strip.y + strip.height, region.y + region.height > strip.y {
                    for b in 0..<bands { planes[b].paste(after[b], x: region.x, y: region.y - strip.y) }
                }
                try writers.write(name, planes, at: strip)
            }
        }
        try RunLayers.describe(writers)

        // Derived maps, from the after day map; the median stays the run's so "relative" compares with the same reference.
        progress("derived maps", 0)
        let median = base.record.medianDayICTU
        try writers.derive(from: "ictu_day", into: [("ictu_class", .byte, 255), ("ictu_delta_median", .float32, nil)]) { value, _, _ in
            SIMD2(DerivedMaps.stressClass(value), value.isNaN ? .nan : value - Float(median))
        }
        try writers.describe("ictu_class", [DerivedMaps.classDescription])
        try writers.describe("ictu_delta_median", [String(format: "day ICTU minus the run's median over the open cells, %.2f °C", median)])
        try writers.create("delta", bands: 2)
        let afterDay = result.afterDay(base), afterNight = result.afterNight(base)
        for (b, (before, after)) in [(base.day, afterDay), (base.night, afterNight)].enumerated() {
            // Zero outside the recomputed window by construction; no data where either map has none (a building before or after).
            let delta = after.combined(with: before) { a, b in a.isNaN || b.isNaN ? .nan : a - b }
            try writers.write("delta", [delta], band: b, at: Window(x: 0, y: 0, width: grid.width, height: grid.height))
        }
        try writers.describe("delta", ["day ICTU after − before the scenario, °C", "night ICTU after − before the scenario, °C"])
        progress("writing COGs", 0)
        try writers.finishAsCOGs()
        try FileManager.default.copyItem(atPath: base.run + "/uncertainty.tif", toPath: try staged.path("uncertainty.tif"))
        try FileManager.default.copyItem(atPath: scenarioFile, toPath: try staged.path("scenario.geojson"))

        var record = base.record
        record.scenario = URL(fileURLWithPath: scenarioFile).lastPathComponent
        record.baseRun = runURL.path
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(record).write(to: URL(fileURLWithPath: try staged.path("calibration.json")))
        try encoder.encode(result.summary).write(to: URL(fileURLWithPath: try staged.path("summary.json")))
        progress("summary page", 0)
        let page = try ScenarioReport.html(result: result, base: base, afterDay: afterDay)
        try Data(page.utf8).write(to: URL(fileURLWithPath: try staged.path("summary.html")))
        try staged.commit()
    }
}
