import ArgumentParser
import Foundation
import Support
import Run
import Scenario

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Recomputes a run with a planned development (a scenario of GeoJSON edits): the maps after, the difference and a summary.",
        discussion: """
        SCENARIO is a GeoJSON FeatureCollection (WGS 84, or the CRS the file names, or --crs) whose features each have a \
        `kind`: park, trees, prune, remove_trees, building, demolish, surface, water, irrigate, with their parameters \
        (README, "Scenarios"). Later features override earlier ones where they overlap. Only the window the edits reach \
        is recomputed (their cells and the reach of the neighbourhoods and shadows); beyond it, where a park's cooling \
        moves by more than --park-tolerance, the ICTU is shifted by that change (first order); the rest is the run's. OUT becomes a run folder (tiles, serve and explain work on \
        it) with \(RunFolder.Entry.delta.patchedFileName) (after − before, day and night), \(RunFolder.Entry.summary.fileName) and \(RunFolder.Entry.summaryPage.fileName). \
        Its rasters are VRTs that draw the changed window (COGs in \(RunFolder.patchFolder)/) over the run's: OUT needs the run where it was, and \
        says so if it moved or was computed again. --standalone writes whole COGs instead, a folder that stands alone.
        """)

    @Argument(help: "The scenario file (GeoJSON).") var scenario: String
    @OptionGroup var runOption: RunOption
    var runFolder: String { runOption.folder }
    @Option(help: "Output folder for the scenario's run.") var out: String
    @Option(help: "City manifest, when it is not where the run recorded it.") var city: String?
    @Option(help: "CRS of the scenario's coordinates, overriding what the file says (default: the file's, else EPSG:4326 as RFC 7946 has it).") var crs: String?
    @Option(help: "Years after planting for every park and tree planting (overrides the file's years_after_planting): 0, 10, 30…") var years: Double?
    @Option(name: .customLong("park-tolerance"), help: "Cells whose only change is the park cooling, by less than this (°C), keep the run's value.") var parkTolerance = 0.02
    @Flag(help: "Write whole COGs (a folder that needs nothing else) instead of the changed window drawn over the run's rasters.") var standalone = false
    @OptionGroup var replace: ForceOption
    @OptionGroup var rasterCache: RasterCacheOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let years, !(0...100).contains(years) { throw ValidationError("--years takes 0–100 (got \(years))") }
        guard parkTolerance > 0, parkTolerance < 1 else { throw ValidationError("--park-tolerance takes a value in (0, 1) °C (got \(parkTolerance))") }
    }

    func run() throws {
        rasterCache.apply(default: 256)
        var options = SimulationOptions()
        options.manifest = city; options.crs = crs; options.years = years; options.parkToleranceC = parkTolerance; options.overwrite = replace.force
        let progress = output.progress
        // The scenario is checked first: a mistake in it is said before the run is loaded.
        let parsed = try Scenario(path: scenario, grid: try RunFolder(runFolder).record.grid, crs: crs)
        let base = try SimulationBase(run: runFolder, manifest: city) { progress.report($0, $1) }
        let name = URL(fileURLWithPath: scenario).lastPathComponent
        let result = try Simulation.compute(parsed, name: name, base: base, options: options) { progress.report($0, $1) }
        let writing = Date()
        try ScenarioOutput.write(result, base: base, scenarioFile: scenario, out: out, overwrite: replace.force, standalone: standalone) { progress.report($0, $1) }
        let stages = base.stageSeconds.merging(result.summary.stageSeconds) { a, _ in a }.merging(["write outputs": (Date().timeIntervalSince(writing) * 100).rounded() / 100]) { a, _ in a }
        let s = result.summary
        if output.json { try printJSON(s); return }
        guard !output.quiet else { return }
        print(tr("{}: {} edit(s), {} cells recomputed in {} s", name, s.edits.count, s.recomputedCells, shown(s.seconds, 1)))
        print("  " + stages.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) s" }.joined(separator: ", "))
        for z in s.zones {
            print("  " + tr(z.zone).padding(toLength: 18, withPad: " ", startingAt: 0)
                  + tr("{} ha open  day {} °C  night {} °C", shown(z.openAreaSquareMetres / 10_000, 2), shown(z.dayMeanChange ?? .nan, 2, signed: true), shown(z.nightMeanChange ?? .nan, 2, signed: true)))
        }
        if let strong = s.strongOrWorseShare {
            print("  " + tr("strong heat stress or worse at {} h (study area): {} % → {} %", s.hour, shown(100 * strong.before, 1), shown(100 * strong.after, 1)))
        }
        if let strong = s.veryStrongOrWorseShare {
            print("  " + tr("very strong heat stress or worse at {} h (study area): {} % → {} %", s.hour, shown(100 * strong.before, 1), shown(100 * strong.after, 1)))
        }
        if let shaded = s.shadedSidewalkMetres { print("  " + tr("shaded sidewalk at {} h: {} m → {} m", s.hour, shown(shaded.before, 0), shown(shaded.after, 0))) }
        let written = try RunFolder(out)
        print(tr("wrote {}/ ({}, {}, and the after maps: `ictu serve --run {}` shows them)", out, written.fileName(.delta), RunFolder.Entry.summaryPage.fileName, out))
        if !standalone { print("  " + tr("its maps are drawn over those of {}: keep the two folders together, or simulate with --standalone", runFolder)) }
    }
}
