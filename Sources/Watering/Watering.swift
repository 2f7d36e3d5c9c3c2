import City
import Diagnosis
import Engine
import Foundation
import GeoIO
import Grid
import Model
import Run
import Support

public struct WateringOptions: Sendable {
    /// Litres available for the round (nil: rank only).
    public var budgetLitres: Double? = nil
    /// An earlier run on the same grid: its hydric stress gives each tree's trend.
    public var earlierRun: String? = nil
    public var manifest: String? = nil
    /// Field of the building footprints naming their use (sensitive uses raise exposure).
    public var useField = "usage"
    public var overwrite = false
    /// Water per watering, litres per m² of crown projection, and its bounds.
    public var litresPerSquareMetre = 5.0
    public var minimumLitres = 50.0, maximumLitres = 600.0
    /// Radius of the surroundings counted for exposure, m.
    public var exposureMetres = 100.0
    public init() {}
}

/// One tree's watering priority, every factor written out.
public struct TreePriority: Codable, Sendable {
    public var rank: Int
    public var id: String, species: String
    public var longitude: Double, latitude: Double, x: Double, y: Double
    public var heightMetres: Double, crownDiameterMetres: Double
    public var ageYears: Int?
    /// Mean hydric stress of the canopy over the crown (0 none … 1 dead); nil when no canopy is seen there.
    public var stress: Double?
    public var stressTrend: Double?
    /// ICTU the public space would gain without the tree, °C·m² (day window), split into air and shade.
    public var coolingService: Double, coolingAir: Double, coolingShade: Double
    public var peopleNearby: Double?
    public var sensitiveNearby: Bool
    public var exposure: Double
    public var recoverability: Double
    public var priority: Double
    public var waterNeedLitres: Double
    public var selected: Bool
    public var reason: String
}

public struct WateringSummary: Codable, Sendable {
    public var trees: Int
    /// Inventory trees outside the run's grid (not ranked).
    public var outsideGrid: Int
    public var treesWithCanopy: Int
    public var notRecoverable: Int
    public var budgetLitres: Double?
    public var usedLitres: Double
    public var selected: Int
    /// Cooling service of the selected trees (what the round keeps), °C·m².
    public var coolingKept: Double
    public var seconds: Double
    public var outputs: [String]
    public var method: String
}

/// `ictu watering` (docs/model.md, "Watering priority"): P = stress × cooling service × exposure × recoverability for every
/// tree of the inventory, then a round within a water budget by P per litre.
public enum Watering {
    public static let outputs = ["watering.csv", "watering.geojson", "watering.json"]
    static let method = "P = stress × cooling service × exposure × recoverability. Stress: mean canopy hydric stress over the crown (the run's, from the stress layer or NDMI), counted above the healthy range (0.25) and scaled to 1 at 0.9; with an earlier run, a rising stress is added. Cooling service: the day ICTU the public space (open ground connected to the street network; enclosed yards excluded) would gain without the tree, °C·m², by the engine (air: first-order response through its neighbourhood kernel; shade: exact sunlit fraction with and without the crown). Exposure: (1 + people within 100 m / 100, with a population raster) × 1.5 near a sensitive building (school, nursery, care home, hospital). Recoverability: 0 from stress 0.9 (dead or dying: not watered), else 1 − 0.3 (s/0.9)², × 1.2 under 10 years of age, × 0.8 over 80. Water need: 5 L per m² of crown, 50–600 L. Round: greedy by P per litre within the budget."

    public static func run(run: String, options: WateringOptions = WateringOptions(), progress: ProgressHandler = { _, _ in }) throws -> (summary: WateringSummary, trees: [TreePriority]) {
        let start = Date()
        let folder = try RunFolder(run)
        try folder.requireAnalysisStacks(for: "`ictu watering`")
        let record = folder.record
        let settings = try MapSettings(record: record)
        let grid = record.grid
        let staged = try StagedOutput(destination: folder.path(RunFolder.Entry.watering), entries: outputs, overwrite: options.overwrite)
        progress("reading the city", 0)
        let city = try folder.city(manifest: options.manifest)
        // The inventory's trees, or without one the canopy patches of the canopy layer.
        let trees = try city.trees?.trees(grid: grid) ?? canopyPatches(city: city, grid: grid)

        // The public space (from the day map's open ground) and the engine's response, read in strips: no plane of
        // the city is held, each band of blocks reads its fields.
        let isPublic = try publicSpace(rows: BandRows(folder, RunFolder.map(.day)).rows, grid: grid)
        progress("the engine's response", 0)
        let service = try CoolingService(settings: settings, folder: folder, isPublic: isPublic)
        let earlier = try options.earlierRun.map { path -> BandRows in
            let earlier = try RunFolder(path)
            guard earlier.record.grid == grid else { throw OutputError("--earlier \(path): its grid differs from the run's") }
            return try BandRows(earlier, RunFolder.Band(.hydricStress))
        }
        let population = try PopulationLayer.rows(manifest: city.manifestPath, grid: grid)
        let sensitive = try sensitiveSites(city: city, grid: grid, useField: options.useField)
        let year = record.hotDays.last.flatMap { Int($0.prefix(4)) } ?? 2025

        // Trees by blocks of 256 cells: one read of the layers per block, with a margin for crowns and their reach.
        var byBlock: [Int: [Int]] = [:]
        let blockCells = 256
        let blocksAcross = (grid.width + blockCells - 1) / blockCells
        for (k, t) in trees.enumerated() {
            guard let cell = grid.cell(x: t.x, y: t.y) else { continue }
            byBlock[(cell.row / blockCells) * blocksAcross + cell.col / blockCells, default: []].append(k)
        }
        let tallest = trees.map(\.heightMetres).max() ?? 10, widest = trees.map(\.crownDiameterMetres).max() ?? 10
        let margin = Int(((service.reach(height: tallest) + widest) / grid.cellSize).rounded(.up)) + 2
        let exposureReach = Int((options.exposureMetres / grid.cellSize).rounded(.up))
        let context = TreeContext(grid: grid, service: service, sensitive: sensitive, year: year,
                                  options: options, toWGS: try CoordinateTransform(from: grid.crs, to: "EPSG:4326"))
        var results: [TreePriority] = []
        var done = 0
        var fields: CoolingService.Fields? = nil
        for (block, members) in byBlock.sorted(by: { $0.key < $1.key }) {
            let core = Window(x: (block % blocksAcross) * blockCells, y: (block / blocksAcross) * blockCells, width: blockCells, height: blockCells)
            let inside = Window(x: core.x, y: core.y, width: min(blockCells, grid.width - core.x), height: min(blockCells, grid.height - core.y))
            let window = inside.expanded(by: margin, within: grid.width, grid.height)
            // The fields of the band of blocks (and its margin), read once for the band.
            let rows = window.y..<(window.y + window.height)
            if fields?.rows != rows { fields = nil; fields = try service.fields(rows: rows) }
            let layers = try city.layers(window)
            let around = inside.expanded(by: exposureReach, within: grid.width, grid.height)
            let surroundings = TreeContext.Surroundings(window: window, earlier: try earlier.map { try RunFolder.read($0.dataset, band: $0.number, window: window) },
                                                        peopleWindow: around, people: try population?.read(around))
            for k in members {
                results.append(try context.evaluate(trees[k], layers: layers, window: window, fields: fields!, surroundings: surroundings))
                done += 1
            }
            progress("trees", Double(done) / Double(max(1, trees.count)))
        }

        // Rank, then the round: the most priority per litre first, never past the budget.
        results.sort { $0.priority != $1.priority ? $0.priority > $1.priority : $0.id < $1.id }
        for k in results.indices { results[k].rank = k + 1 }
        let used = options.budgetLitres.map { selectRound(&results, budget: $0) } ?? 0
        let summary = WateringSummary(trees: results.count, outsideGrid: trees.count - results.count, treesWithCanopy: results.filter { $0.stress != nil }.count,
                                      notRecoverable: results.filter { $0.recoverability == 0 }.count, budgetLitres: options.budgetLitres, usedLitres: used,
                                      selected: results.filter(\.selected).count, coolingKept: results.filter(\.selected).map(\.coolingService).reduce(0, +),
                                      seconds: (Date().timeIntervalSince(start) * 100).rounded() / 100,
                                      outputs: outputs.map { RunFolder.Entry.watering.fileName + "/" + $0 }, method: method)
        progress("writing", 0)
        try WateringOutput.write(results, summary: summary, grid: grid, staged: staged)
        try staged.commit()
        return (summary, results)
    }

    /// Marks the trees of a round within `budget` litres — the most priority per litre first, skipping those that no
    /// longer fit, never a tree without priority — and returns the litres used.
    static func selectRound(_ trees: inout [TreePriority], budget: Double) -> Double {
        var used = 0.0
        for k in trees.indices.sorted(by: { trees[$0].priority / trees[$0].waterNeedLitres > trees[$1].priority / trees[$1].waterNeedLitres })
        where trees[k].priority > 0 && used + trees[k].waterNeedLitres <= budget {
            trees[k].selected = true
            used += trees[k].waterNeedLitres
        }
        return used
    }

    /// Hydric stress above the range of healthy crowns (up to 0.25: their natural variation and the NDMI's noise),
    /// scaled to 1 at 0.9: a healthy tree needs no water whatever it cools.
    static let healthyStress = 0.25, dyingStress = 0.9
    static func stressFactor(_ s: Double) -> Double { min(1, max(0, (s - healthyStress) / (dyingStress - healthyStress))) }

    /// Without an inventory: each connected patch of canopy (cover ≥ 0.5, 8-connected) as one "tree" at its centroid,
    /// its crown the disk of the patch's area, its height the patch's mean canopy height (at least 3 m).
    static func canopyPatches(city: City, grid: GridSpec) throws -> [TreeInventory.Tree] {
        var canopy = Plane(width: grid.width, height: grid.height), height = canopy
        for strip in Window(x: 0, y: 0, width: grid.width, height: grid.height).strips(rows: 512) {
            let layers = try city.layers(strip)
            canopy.paste(layers.treeCanopy, x: 0, y: strip.y); height.paste(layers.canopyHeight, x: 0, y: strip.y)
        }
        let (labels, sizes) = ConnectedComponents.label(width: grid.width, height: grid.height, connectivity: .eight) { canopy.values[$0] >= 0.5 }
        var sx = [Double](repeating: 0, count: sizes.count), sy = sx, sh = sx
        for i in labels.indices where labels[i] > 0 {
            let l = Int(labels[i]), (x, y) = grid.centre(col: i % grid.width, row: i / grid.width)
            sx[l] += x; sy[l] += y; sh[l] += Double(height.values[i])
        }
        return (1..<max(1, sizes.count)).map { l in
            let n = Double(sizes[l])
            return TreeInventory.Tree(id: "patch-\(l)", species: "", heightMetres: max(3, sh[l] / n),
                                      crownDiameterMetres: 2 * (n * grid.cellArea / Double.pi).squareRoot(), planted: nil, x: sx[l] / n, y: sy[l] / n)
        }
    }

    /// Dead or dying trees (stress ≥ 0.9) are not watered; early-stressed and young trees recover best.
    static func recoverability(stress s: Double, age: Int?) -> Double {
        guard s < dyingStress else { return 0 }
        let ageFactor = age.map { $0 < 10 ? 1.2 : $0 > 80 ? 0.8 : 1 } ?? 1
        return ageFactor * (1 - 0.3 * pow(s / dyingStress, 2))
    }

    /// Open ground connected to the street network (the largest 4-connected open area of the day map, read in
    /// strips: `rows`): enclosed yards are private. One bit a cell.
    static func publicSpace(rows: StripedAccess.Rows, grid: GridSpec) throws -> BitGrid {
        var bits = BitGrid(width: grid.width, height: grid.height)
        let sizes = try StripedAccess.regions(width: grid.width, height: grid.height, rows: rows, minCells: 1, isMember: { !$0.isNaN }) { _, _, _, _ in }
        guard let largest = sizes.indices.max(by: { sizes[$0] < sizes[$1] }) else { return bits }
        try StripedAccess.regions(width: grid.width, height: grid.height, rows: rows, minCells: 1, isMember: { !$0.isNaN }) { y, columns, k, _ in
            if k == largest { for c in columns { bits[c, y] = true } }
        }
        return bits
    }

    /// Centres of the footprints whose use is sensitive (schools, nurseries, care homes, hospitals).
    static func sensitiveSites(city: City, grid: GridSpec, useField: String) throws -> [(x: Double, y: Double)] {
        guard let settings = city.manifest.vectors?["buildings"] else { return [] }
        let path = city.resolve(settings.path)
        let layer = try VectorDataset.open(path).layer(0)
        guard layer.fieldNames.contains(useField), let crs = layer.spatialReference else { return [] }
        let target = try SpatialReference(definition: grid.crs)
        let context = GeometryContext()
        var sites: [(x: Double, y: Double)] = []
        try layer.forEachFeature { f in
            guard let use = (f.fields[useField] ?? nil)?.stringValue, BuildingExposure.isSensitive(use), let wkb = f.geometryWKB else { return }
            let b = try Geometry(wkb: try WKB.transformed(wkb, from: crs, to: target), context: context).bounds
            sites.append(((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2))
        }
        return sites
    }

    /// The priority in words, for the arborist's list.
    static func reason(_ p: TreePriority) -> String {
        guard let s = p.stress else { return tr("no canopy seen over the crown in the canopy layer: check the inventory's position") }
        var parts: [String] = []
        let stress = shown(s, 2)
        parts.append(s >= 0.9 ? tr("dead or dying (stress {}): not watered", stress)
                     : s >= 0.5 ? tr("severe hydric stress ({})", stress) : s >= 0.25 ? tr("moderate hydric stress ({})", stress)
                     : tr("little hydric stress ({})", stress))
        if let trend = p.stressTrend, abs(trend) >= 0.05 {
            parts.append(trend > 0 ? tr("stress up by {} since the earlier run", shown(abs(trend), 2)) : tr("stress down by {} since the earlier run", shown(abs(trend), 2)))
        }
        parts.append(tr("cools {} °C·m² of public space ({} % by its shade)", shown(p.coolingService, 0),
                        shown(p.coolingService > 0 ? 100 * max(0, p.coolingShade) / max(p.coolingService, 1e-9) : 0, 0)))
        if p.sensitiveNearby { parts.append(tr("near a school, nursery, care home or hospital")) }
        if let people = p.peopleNearby { parts.append(tr("{} people within 100 m", shown(people, 0))) }
        if let age = p.ageYears, s < 0.9 { if age < 10 { parts.append(tr("young: recovers well when watered")) } else if age > 80 { parts.append(tr("old: recovers less")) } }
        return parts.joined(separator: Language.current == .fr ? " ; " : "; ")
    }
}

/// What every tree's priority is computed from: the engine's response, the stress of an earlier date, the people
/// and sensitive buildings around.
struct TreeContext {
    let grid: GridSpec
    let service: CoolingService
    let sensitive: [(x: Double, y: Double)]
    /// The year of the run's hot days (ages are counted to it, so a rerun gives the same list).
    let year: Int
    let options: WateringOptions
    let toWGS: CoordinateTransform

    /// What a block of trees reads around it: an earlier run's stress over the block's window, and the people over
    /// the block and the exposure radius around it.
    struct Surroundings {
        let window: Window
        let earlier: Plane?
        let peopleWindow: Window
        let people: Plane?
    }

    /// One tree, with the layers of `window` (which holds its crown and its longest shadow).
    func evaluate(_ t: TreeInventory.Tree, layers: SurfaceLayers, window: Window, fields: CoolingService.Fields, surroundings: Surroundings) throws -> TreePriority {
        let cells = service.crown(x: t.x, y: t.y, diameter: t.crownDiameterMetres)
        var stressSum = 0.0, earlierSum = 0.0, seen = 0
        let earlier = surroundings.earlier
        for (c, r) in cells {
            let i = (r - window.y) * window.width + c - window.x
            guard layers.treeCanopy.values[i] > 0 else { continue }
            stressSum += Double(layers.canopyStress.values[i]); seen += 1
            if let earlier { let v = earlier.values[i]; earlierSum += Double(v.isNaN ? 0 : v) }
        }
        let stress: Double? = seen > 0 ? stressSum / Double(seen) : nil
        let trend: Double? = earlier != nil && seen > 0 ? (stressSum - earlierSum) / Double(seen) : nil
        let cooling = seen > 0 ? service.service(crown: cells, layers: layers, window: window, fields: fields, treeHeight: t.heightMetres) : CoolingService.Result(air: 0, shade: 0)
        let people = surroundings.people.map { peopleNear(t, $0, window: surroundings.peopleWindow) }
        let nearSensitive = sensitive.contains { hypot($0.x - t.x, $0.y - t.y) <= options.exposureMetres }
        let exposure = (1 + (people ?? 0) / 100) * (nearSensitive ? 1.5 : 1)
        let age = t.planted.map { max(0, year - $0) }
        let s = stress ?? 0
        // A worsening stress counts ahead of its current level.
        let urgency = Watering.stressFactor(min(1, s + max(0, trend ?? 0)))
        let recoverability = Watering.recoverability(stress: s, age: age)
        let need = min(options.maximumLitres, max(options.minimumLitres, Double.pi * pow(t.crownDiameterMetres / 2, 2) * options.litresPerSquareMetre))
        let ll = try toWGS.transform(x: t.x, y: t.y)
        var p = TreePriority(rank: 0, id: t.id, species: t.species, longitude: ll.x, latitude: ll.y, x: t.x, y: t.y, heightMetres: t.heightMetres,
                             crownDiameterMetres: t.crownDiameterMetres, ageYears: age, stress: stress, stressTrend: trend,
                             coolingService: max(0, cooling.total), coolingAir: cooling.air, coolingShade: cooling.shade, peopleNearby: people,
                             sensitiveNearby: nearSensitive, exposure: exposure, recoverability: recoverability,
                             priority: urgency * max(0, cooling.total) * exposure * recoverability, waterNeedLitres: need.rounded(), selected: false, reason: "")
        p.reason = Watering.reason(p)
        return p
    }

    /// People living within the exposure radius of the tree, from the people over `window` (which holds that radius).
    func peopleNear(_ t: TreeInventory.Tree, _ population: Plane, window: Window) -> Double {
        guard let (tc, tr) = grid.cell(x: t.x, y: t.y) else { return 0 }
        let reach = Int((options.exposureMetres / grid.cellSize).rounded(.up))
        var sum = 0.0
        for r in max(0, tr - reach)...min(grid.height - 1, tr + reach) { for c in max(0, tc - reach)...min(grid.width - 1, tc + reach) {
            let (cx, cy) = grid.centre(col: c, row: r)
            if hypot(cx - t.x, cy - t.y) <= options.exposureMetres { sum += Double(population[c - window.x, r - window.y]) }
        } }
        return sum
    }
}
