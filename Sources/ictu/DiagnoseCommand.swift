import ArgumentParser
import City
import Diagnosis
import Foundation
import Run
import Support

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
    @OptionGroup var rasterCache: RasterCacheOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (0...100).contains(percentile) else { throw ValidationError("--percentile takes 0–100 (got \(percentile))") }
        guard islandScale >= 0, islandScale <= 500 else { throw ValidationError("--island-scale takes 0–500 m (got \(islandScale))") }
    }

    func run() throws {
        rasterCache.apply(default: 256)
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
            options.population = try PopulationLayer.rows(manifest: manifestPath, grid: folder.record.grid)
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
        writeDescriptions(runFolder, manifest: city)
        if output.json { try printJSON(summary); return }
        guard !output.quiet else { return }
        for window in ["day", "night"] {
            let islands = summary.heatIslands.filter { $0.window == window }
            let threshold = shown(summary.heatThresholds[window] ?? .nan, 1)
            print(window == "day" ? tr("day: {} heat islands at ICTU ≥ {} °C; the hottest:", islands.count, threshold) : tr("night: {} heat islands at ICTU ≥ {} °C; the hottest:", islands.count, threshold))
            for i in islands.prefix(5) {
                print("  #\(i.id)  " + (i.whereText.map { $0 + ": " } ?? "") + tr("{} ha at --at={},{}  mean {} °C, max {} °C — {}; nearest cool island {}", shown(i.areaSquareMetres / 10_000, 1),
                         String(format: "%.5f", i.longitude), String(format: "%.5f", i.latitude), shown(i.meanICTU, 1), shown(i.maxICTU, 1), i.causeText,
                         i.nearestCoolIslandMetres.map { "\(shown($0, 0)) m" } ?? tr("none")))
            }
        }
        print(tr("cool islands: {} ({} ha); {} % of the open ground is within {} m of one; {} % of it is in strong heat stress or worse by day",
                 summary.coolIslands, shown(summary.coolIslandAreaSquareMetres / 10_000, 1), shown(100 * summary.shareWithinAccess, 0), shown(summary.accessMetres, 0), shown(100 * summary.shareOpenGroundStrongOrWorseDay, 0)))
        if let share = summary.populationShareWithinAccess { print(tr("population within {} m of a cool island: {} %", shown(summary.accessMetres, 0), shown(100 * share, 0))) }
        if let n = summary.buildings, let top = summary.mostExposedBuildings {
            print(tr("buildings: {} with open ground around them, {} with a sensitive use; the most exposed:", n, summary.sensitiveBuildings ?? 0))
            for b in top.prefix(5) {
                print("  #\(b.rank)  " + tr("{} ({})  day {} °C (max {}), night {} °C, {} % of the surroundings ≥ 38 °C", b.street ?? tr("feature {}", b.feature),
                                               b.use.isEmpty ? tr("use unknown") : tr(b.use), shown(b.dayMean, 1), shown(b.dayMax, 1), shown(b.nightMean, 1), shown(100 * b.veryStrongShare, 0)))
            }
        }
        if let s = summary.survey {
            print(tr("survey: {} answers used ({} off the grid or on buildings); Spearman ρ {}, AUC (hot or very hot) {}; fitted legend:", s.used, s.skipped, shown(s.spearman, 2), shown(s.aucHot, 2)))
            for line in s.legend { print("  " + line) }
        }
        print(tr("wrote {}/diagnosis/: {}", runFolder, summary.outputs.joined(separator: ", ")))
    }
}
