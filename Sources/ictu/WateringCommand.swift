import ArgumentParser
import Foundation
import Support
import Watering

struct WateringCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watering",
        abstract: "Ranks the inventory's trees for watering: stress × cooling service × exposure × recoverability, and a round within a water budget.",
        discussion: """
        Writes RUN/watering/: watering.csv and watering.geojson (WGS 84), ranked, with every factor and the reason in \
        words, and watering.json (the summary). The cooling service is the engine's counterfactual: the day ICTU the \
        public space would gain without the tree, in °C·m² (README, "Watering"). Dead or dying trees (stress ≥ 0.9) \
        are never sent water.
        """)

    @OptionGroup var runOption: RunOption
    var runFolder: String { runOption.folder }
    @Option(help: "Litres available for this round (without it: the ranking only).") var budget: Double?
    @Option(help: "An earlier run of the same city (another date): its hydric stress gives each tree's trend.") var earlier: String?
    @Option(help: "City manifest, when it is not where the run recorded it.") var city: String?
    @Option(name: .customLong("use-field"), help: "Attribute of the building footprints naming their use.") var useField = "usage"
    @OptionGroup var replace: ForceOption
    @OptionGroup var rasterCache: RasterCacheOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let budget, !(budget >= 0 && budget.isFinite) { throw ValidationError("--budget takes litres ≥ 0 (got \(budget))") }
    }

    func run() throws {
        rasterCache.apply(default: 256)
        var options = WateringOptions()
        options.budgetLitres = budget; options.earlierRun = earlier; options.manifest = city; options.useField = useField; options.overwrite = replace.force
        let progress = output.progress
        let (summary, trees) = try Watering.run(run: runFolder, options: options) { progress.report($0, $1) }
        writeDescriptions(runFolder, manifest: city)
        if output.json {
            struct Answer: Encodable { var summary: WateringSummary; var first: [TreePriority] }
            try printJSON(Answer(summary: summary, first: Array(trees.prefix(20))))
            return
        }
        guard !output.quiet else { return }
        print(tr("{} trees ranked ({} seen in the canopy layer, {} dead or dying{}) in {} s; the first:", summary.trees, summary.treesWithCanopy, summary.notRecoverable,
                 summary.outsideGrid > 0 ? tr(", {} outside the grid left out", summary.outsideGrid) : "", shown(summary.seconds, 1)))
        for t in trees.prefix(10) {
            print("  #\(t.rank) \(t.id) (\(t.species)): P \(shown(t.priority, 1)) — \(t.reason)")
        }
        if let b = summary.budgetLitres {
            print(tr("round within {} L: {} trees, {} L, keeping {} °C·m² of cooling", shown(b, 0), summary.selected, shown(summary.usedLitres, 0), shown(summary.coolingKept, 0)))
        }
        print(tr("wrote {}/watering/ (watering.csv, watering.geojson, watering.json)", runFolder))
    }
}
