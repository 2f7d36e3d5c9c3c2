import ArgumentParser
import City
import Diagnosis
import Foundation
import Run

struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Heat islands (day, night) with their causes, cool islands and the 300 m access to them, statistics per district.",
        discussion: """
        Writes RUN/diagnosis/: heat_islands.gpkg (layers day, night; ranked, with area, mean and max ICTU, causes, \
        distance to the nearest cool island) and heat_islands_day.geojson and heat_islands_night.geojson (WGS 84), cool_islands.gpkg and .geojson, \
        cool_island_distance.tif, districts.csv (with --zones) and diagnosis.json. Islands are 4-connected: two \
        areas touching only at a corner are two islands.
        """)

    @OptionGroup var runOption: RunOption
    var runFolder: String { runOption.folder }
    @Option(help: "Heat island threshold, °C (e.g. 32 for strong heat stress). Default: the --percentile of the open ground.") var threshold: Double?
    @Option(help: "Percentile of the open ground's ICTU above which a cell is in a heat island, 0–100.") var percentile = 90.0
    @Option(name: .customLong("min-area"), help: "Smallest cool island kept, m².") var minArea = 500.0
    @Option(name: .customLong("min-heat-area"), help: "Smallest heat island kept, m² (a small square).") var minHeatArea = 5_000.0
    @Option(name: .customLong("island-scale"), help: "Radius, m, over which the open ground is judged hot: heat islands span building gaps and narrow streets at the scale planners act on (0: cell by cell).") var islandScale = 20.0
    @Option(name: .customLong("access"), help: "Distance to a cool island that counts as covered, m.") var accessMetres = 300.0
    @Option(help: "Districts: a polygon file (any OGR format and CRS).") var zones: String?
    @Option(name: .customLong("zone-field"), help: "Attribute naming each district.") var zoneField: String?
    @Option(help: "City manifest whose building footprints get their exposure (default: the run's own manifest when it is found).") var city: String?
    @Option(name: .customLong("use-field"), help: "Attribute of the footprints naming each building's use (sensitive uses are flagged).") var useField = "usage"
    @Option(help: "A felt-temperature survey CSV (time,lon,lat,vote; vote cool … very_hot or 1–5) to fit against the ICTU.") var survey: String?
    @OptionGroup var replace: ForceOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (0...100).contains(percentile) else { throw ValidationError("--percentile takes 0–100 (got \(percentile))") }
        guard islandScale >= 0, islandScale <= 500 else { throw ValidationError("--island-scale takes 0–500 m (got \(islandScale))") }
    }

    func run() throws {
        var options = DiagnosisOptions()
        options.heatThreshold = threshold; options.heatPercentile = percentile / 100; options.minIslandSquareMetres = minArea
        options.minHeatIslandSquareMetres = minHeatArea; options.islandScaleMetres = islandScale
        options.accessMetres = accessMetres; options.zones = zones; options.zoneField = zoneField; options.overwrite = replace.force
        options.survey = survey
        options.useField = useField
        // The city gives the buildings' exposure and the population; without it they are left out, and said.
        let folder = try RunFolder(runFolder)
        do {
            let manifestPath = try folder.manifestPath(given: city)
            let manifest = try Manifest.load(manifestPath)
            options.population = try PopulationLayer.read(manifest: manifestPath, grid: folder.record.grid)
            let manifestFolder = URL(fileURLWithPath: manifestPath).deletingLastPathComponent()
            if let buildings = manifest.vectors?["buildings"] {
                options.buildings = Manifest.resolve(buildings.path, relativeTo: manifestFolder)
                options.buildingsLayer = buildings.layer
            }
            // The city's own districts give the per-district table out of the box, and its streets name the islands.
            if zones == nil, let districts = manifest.vectors?["districts"] {
                options.zones = Manifest.resolve(districts.path, relativeTo: manifestFolder)
                options.zoneField = districts.nameAttribute ?? zoneField
            }
            options.streets = try PlaceIndex.read(manifest: manifestPath, role: "streets", gridCRS: folder.record.grid.crs)
            options.districtNames = try PlaceIndex.read(manifest: manifestPath, role: "districts", gridCRS: folder.record.grid.crs)
        } catch where city == nil {
            warn("the buildings' exposure and the population are left out: \(error)")
        }
        let progress = output.progress
        let summary = try Diagnosis.run(run: runFolder, options: options) { progress.report($0, $1) }
        if output.json { try printJSON(summary); return }
        guard !output.quiet else { return }
        for window in ["day", "night"] {
            let islands = summary.heatIslands.filter { $0.window == window }
            print(String(format: "%@: %d heat islands at ICTU ≥ %.1f °C; the hottest:", window, islands.count, summary.heatThresholds[window] ?? .nan))
            for i in islands.prefix(5) {
                print(String(format: "  #%d  %@%.1f ha at --at=%.5f,%.5f  mean %.1f °C, max %.1f °C — %@; nearest cool island %@", i.id, i.whereText.map { $0 + ": " } ?? "",
                             i.areaSquareMetres / 10_000, i.longitude, i.latitude, i.meanICTU, i.maxICTU, i.causeText, i.nearestCoolIslandMetres.map { String(format: "%.0f m", $0) } ?? "none"))
            }
        }
        print(String(format: "cool islands: %d (%.1f ha); %.0f %% of the open ground is within %.0f m of one; %.0f %% of it is in strong heat stress or worse by day",
                     summary.coolIslands, summary.coolIslandAreaSquareMetres / 10_000, 100 * summary.shareWithinAccess, summary.accessMetres, 100 * summary.shareOpenGroundStrongOrWorseDay))
        if let share = summary.populationShareWithinAccess { print(String(format: "population within %.0f m of a cool island: %.0f %%", summary.accessMetres, 100 * share)) }
        if let n = summary.buildings, let top = summary.mostExposedBuildings {
            print("buildings: \(n) with open ground around them, \(summary.sensitiveBuildings ?? 0) with a sensitive use; the most exposed:")
            for b in top.prefix(5) {
                print(String(format: "  #%d  %@ (%@)  day %.1f °C (max %.1f), night %.1f °C, %.0f %% of the surroundings ≥ 38 °C", b.rank, b.street ?? "feature \(b.feature)",
                             b.use.isEmpty ? "use unknown" : b.use, b.dayMean, b.dayMax, b.nightMean, 100 * b.veryStrongShare))
            }
        }
        if let s = summary.survey {
            print(String(format: "survey: %d answers used (%d off the grid or on buildings); Spearman ρ %.2f, AUC (hot or very hot) %.2f; fitted legend:",
                         s.used, s.skipped, s.spearman, s.aucHot))
            for line in s.legend { print("  " + line) }
        }
        print("wrote \(runFolder)/diagnosis/: \(summary.outputs.joined(separator: ", "))")
    }
}
