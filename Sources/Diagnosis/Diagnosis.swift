import Foundation
import City
import GeoIO
import Grid
import Model
import Run
import Support

/// `ictu diagnose`: heat islands (day and night), cool islands and the 300 m access to them, and statistics per
/// district, from a run folder. Written to RUN/diagnosis/.
public struct DiagnosisOptions: Sendable {
    /// Heat island: open cells at or above this ICTU (°C); nil = the `percentile` of the open cells (each window).
    public var heatThreshold: Double? = nil
    public var heatPercentile = 0.9
    /// Cool island: open cells of the day ICTU below 32 °C (at most moderate stress) or ≥ 4 °C below the median.
    public var coolMaxICTU = 32.0
    public var coolBelowMedian = 4.0
    public var minIslandSquareMetres = 500.0
    /// Heat islands at the scale planners act on (a square, a street segment, a block): a cell is in one when the
    /// open ground within this radius (Gaussian, σ = r/2; buildings carry no weight) is at or above the threshold,
    /// so islands span the building gaps and narrow streets between hot open cells instead of breaking into slivers.
    /// Their statistics are over their open cells. 0: cell by cell.
    public var islandScaleMetres = 20.0
    /// Smallest heat island kept, m² (a small square; cool islands keep `minIslandSquareMetres`).
    public var minHeatIslandSquareMetres = 5_000.0
    /// Access target: a cool island within this distance (m) — the city's 300 m, under 5 minutes' walk.
    public var accessMetres = 300.0
    /// Districts: a polygon layer (any OGR format/CRS) and its name attribute.
    public var zones: String? = nil
    public var zoneField: String? = nil
    /// Building footprints (any OGR source) for their exposure, with the attribute naming each building's use.
    public var buildings: String? = nil
    public var buildingsLayer: String? = nil
    public var useField: String? = "usage"
    /// People per cell of the run's grid (e.g. from the manifest's population raster): people exposed per island,
    /// and the share of the population within the access distance of a cool island.
    public var population: Plane? = nil
    /// A felt-temperature survey CSV (time,lon,lat,vote) to fit against the ICTU.
    public var survey: String? = nil
    /// The city's street names (manifest role `streets`): each heat island is named after the street or square
    /// most of its cells are nearest to.
    public var streets: PlaceIndex? = nil
    /// The city's districts (manifest role `districts`): each heat island says which it lies in.
    public var districtNames: PlaceIndex? = nil
    public var overwrite = false
    public init() {}
}

public struct IslandRecord: Codable, Sendable {
    public var id: Int
    public var window: String
    public var areaSquareMetres: Double
    public var meanICTU: Double, maxICTU: Double
    /// Terms that make it hotter than the city's open ground on average, as shares of that excess (0–1).
    public var causes: [String: Double]
    public var causeText: String
    public var nearestCoolIslandMetres: Double?
    /// People living in the island's cells, when a population layer is given.
    public var people: Double?
    public var longitude: Double, latitude: Double
    /// The street, square or park most of its cells are nearest to (within 60 m), with a streets layer.
    public var place: String?
    /// The district holding its centre, with a districts layer.
    public var district: String?

    /// "Rue X, Belcier", "Rue X", "Belcier" or nil: how a person finds it.
    public var whereText: String? {
        let parts = [place, district].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}

public struct DiagnosisSummary: Codable, Sendable {
    public var heatThresholds: [String: Double]
    public var heatIslands: [IslandRecord]
    public var coolIslands: Int
    public var coolIslandAreaSquareMetres: Double
    public var coolCriterion: String
    public var accessMetres: Double
    /// Share of the open ground within `accessMetres` of a cool island.
    public var shareWithinAccess: Double
    /// Share of the population within `accessMetres` of a cool island (with a population layer).
    public var populationShareWithinAccess: Double?
    public var shareOpenGroundStrongOrWorseDay: Double
    public var districts: [DistrictStatistics]
    public var survey: SurveyAnalysis?
    /// Buildings with open ground around them, how many have a sensitive use, and the 20 most exposed (sensitive first).
    public var buildings: Int?
    public var sensitiveBuildings: Int?
    public var mostExposedBuildings: [BuildingExposure]?
    public var outputs: [String]
}

public enum Diagnosis {
    public static func run(run: String, options: DiagnosisOptions = DiagnosisOptions(), progress: ProgressHandler = { _, _ in }) throws -> DiagnosisSummary {
        let folder = try RunFolder(run)
        try folder.requireAnalysisStacks(for: "`ictu diagnose`")
        let grid = folder.record.grid
        let w = grid.width, h = grid.height
        if let p = options.population, p.width != w || p.height != h {
            throw OutputError("the population layer is \(p.width) × \(p.height) cells; the run's grid is \(w) × \(h)")
        }
        let staged = try StagedOutput(destination: run, entries: [RunFolder.Entry.diagnosis.fileName], overwrite: options.overwrite)
        let minCells = max(1, Int((options.minIslandSquareMetres / (grid.cellSize * grid.cellSize)).rounded(.up)))

        // Cool islands (day) and the distance to them.
        progress("cool islands", 0)
        let day = try folder.read(RunFolder.map(.day)), night = try folder.read(RunFolder.map(.night))
        let open = day.values.map { !$0.isNaN }
        let median = IslandAnalysis.quantile(day.values, 0.5)
        // Either criterion makes a cool cell: below the class boundary, or far enough below the median.
        let coolLimit = max(options.coolMaxICTU, median - options.coolBelowMedian)
        let cool = IslandAnalysis.regions(values: day, minCells: minCells) { open[$0] && Double(day.values[$0]) < coolLimit }
        let access = IslandAnalysis.access(width: w, height: h, cellSize: grid.cellSize, radius: options.accessMetres,
                                           isSource: { cool.labels[$0] > 0 }, counts: { open[$0] })
        // People within reach of a cool island.
        let populationShare: Double? = options.population.map { p in
            var total = 0.0, covered = 0.0
            for i in p.values.indices { total += Double(p.values[i]); if Double(access.distance[i]) <= options.accessMetres { covered += Double(p.values[i]) } }
            return total > 0 ? covered / total : 0
        }
        let strongShare = Double(day.values.filter { !$0.isNaN && $0 >= 32 }.count) / Double(max(1, open.filter { $0 }.count))

        // Heat islands, day and night, with their causes against the city's open ground.
        let heat = try heatIslands(folder: folder, day: day, night: night, nearestCool: access.distance, minCells: minCells, options: options, progress: progress)

        // Districts.
        var districts: [DistrictStatistics] = []
        if let zones = options.zones {
            progress("districts", 0)
            districts = try DistrictStatistics.compute(zones: zones, field: options.zoneField, grid: grid, day: day, night: night,
                                                       stress: folder.contains(.hydricStress) ? try folder.read(RunFolder.Band(.hydricStress)) : nil,
                                                       canopy: try folder.read(RunFolder.components(.day, .treeCanopy)),
                                                       sealed: try folder.read(RunFolder.components(.day, .sealedGround)))
        }

        var survey: SurveyAnalysis? = nil
        if let path = options.survey {
            progress("survey", 0)
            survey = try SurveyAnalysis.run(path: path, record: folder.record, day: day, night: night)
        }

        var exposure: [BuildingExposure]? = nil
        var footprints: [Int: [UInt8]] = [:]
        if let path = options.buildings {
            progress("buildings", 0)
            (exposure, footprints) = try BuildingExposure.compute(path: path, layer: options.buildingsLayer, useField: options.useField, grid: grid,
                                                                  day: day, night: night)
            if let streets = options.streets, var list = exposure {
                for k in list.indices {
                    guard let wkb = footprints[list[k].feature], let ring = WKB.shape(wkb)?.polygons.first?.first, !ring.isEmpty else { continue }
                    let cx = ring.map(\.x).reduce(0, +) / Double(ring.count), cy = ring.map(\.y).reduce(0, +) / Double(ring.count)
                    list[k].street = streets.nearest(x: cx, y: cy).map { streets.places[$0.place].name }
                }
                exposure = list
            }
        }

        progress("writing", 0)
        let outputs = try writeOutputs(heat: heat, cool: cool, access: access.distance, open: open, exposure: exposure, footprints: footprints,
                                       districts: districts, grid: grid, options: options, staged: staged)
        let summary = DiagnosisSummary(heatThresholds: heat.thresholds, heatIslands: heat.records, coolIslands: cool.regions.count,
                                       coolIslandAreaSquareMetres: Double(cool.regions.map(\.cells).reduce(0, +)) * grid.cellSize * grid.cellSize,
                                       coolCriterion: tr("open ground with day ICTU below {} °C (below {} °C, or {} °C under the median {} °C), at least {} m²",
                                                                 shown(coolLimit, 1), shown(options.coolMaxICTU, 0), shown(options.coolBelowMedian, 0), shown(median, 1), shown(options.minIslandSquareMetres, 0)),
                                       accessMetres: options.accessMetres, shareWithinAccess: access.share, populationShareWithinAccess: populationShare, shareOpenGroundStrongOrWorseDay: strongShare,
                                       districts: districts, survey: survey, buildings: exposure?.count, sensitiveBuildings: exposure?.filter(\.sensitive).count,
                                       mostExposedBuildings: exposure.map { Array($0.prefix(20)) }, outputs: outputs + ["diagnosis.json"])
        try JSONCoding.write(summary, to: try staged.path("diagnosis/diagnosis.json"))
        try staged.commit()
        // report.html gains (or renews) its diagnosis section.
        let section = try DiagnosisReport.section(summary: summary, grid: grid, day: day, heatLabels: heat.labels["day"]!, coolLabels: cool.labels, distance: access.distance)
        try DiagnosisReport.insert(section, intoReportAt: folder.path(.report))
        progress("done", 1)
        return summary
    }

    /// Writes polygons with their attributes as a new layer of `dataset`, in one transaction.
    static func write(_ rows: [([UInt8], [String: FieldValue])], layer name: String, fields: [(String, FieldType)], crs: SpatialReference,
                      into dataset: VectorDataset, options: [String] = []) throws {
        let layer = try dataset.createLayer(name, crs: crs, geometry: .multiPolygon, fields: fields, options: options)
        try dataset.inTransaction { for (wkb, values) in rows { try layer.addFeature(wkb: wkb, values: values) } }
    }

    /// Heat islands of each window: 4-connected areas of open ground at or above the threshold, with their causes
    /// (each term's excess over the city's open ground), their nearest cool island and the people living in them.
    struct HeatIslands {
        var records: [IslandRecord] = []
        var thresholds: [String: Double] = [:]
        var labels: [String: [Int32]] = [:]
    }

    static func heatIslands(folder: RunFolder, day: Plane, night: Plane, nearestCool distance: [Float], minCells: Int, options: DiagnosisOptions,
                            progress: ProgressHandler) throws -> HeatIslands {
        let grid = folder.record.grid
        let terms = ComfortTerm.allCases
        let toWGS = try CoordinateTransform(from: grid.crs, to: "EPSG:4326")
        var result = HeatIslands()
        for (k, regime) in Regime.allCases.enumerated() {
            let window = regime.rawValue
            progress("heat islands (\(window))", Double(k) / 2)
            let values = regime == .day ? day : night
            let parts = try terms.map { try folder.read(RunFolder.components(regime, $0)) }
            let threshold = options.heatThreshold ?? IslandAnalysis.quantile(values.values, options.heatPercentile)
            result.thresholds[window] = threshold
            let cityMeans = parts.map { p -> Double in
                var s = 0.0, n = 0
                for i in p.values.indices where !p.values[i].isNaN { s += Double(p.values[i]); n += 1 }
                return n > 0 ? s / Double(n) : 0
            }
            let zone = options.islandScaleMetres > 0 ? FocalMean.gaussian(values, radiusCells: options.islandScaleMetres / grid.cellSize) : values
            let heatMinCells = max(minCells, Int((options.minHeatIslandSquareMetres / grid.cellArea).rounded(.up)))
            let found = IslandAnalysis.regions(values: values, extra: parts, minCells: heatMinCells) { !zone.values[$0].isNaN && Double(zone.values[$0]) >= threshold }
            result.labels[window] = found.labels
            // Nearest cool island: the median distance over the island's cells (where a person in it stands; its
            // nearest edge would say 0 m for an island that merely touches a cool one).
            var distances = [[Float]](repeating: [], count: found.regions.count + 1)
            var people = [Double](repeating: 0, count: found.regions.count + 1)
            // Up to ~300 cells of each island, evenly taken, to name it after the street most of them are on.
            var seen = [Int](repeating: 0, count: found.regions.count + 1), stride = [Int](repeating: 1, count: found.regions.count + 1)
            for region in found.regions { stride[Int(region.label)] = max(1, region.cells / 300) }
            var samples = [[(x: Double, y: Double)]](repeating: [], count: found.regions.count + 1)
            for i in found.labels.indices where found.labels[i] > 0 {
                let l = Int(found.labels[i])
                if distance[i].isFinite { distances[l].append(distance[i]) }
                if let population = options.population { people[l] += Double(population.values[i]) }
                if options.streets != nil, seen[l] % stride[l] == 0 { samples[l].append(grid.centre(col: i % grid.width, row: i / grid.width)) }
                seen[l] += 1
            }
            for region in found.regions {
                var excess: [(ComfortTerm, Double)] = []
                for (t, term) in terms.enumerated() where term != .reference {
                    let e = region.means[t] - cityMeans[t]
                    if e > 0 { excess.append((term, e)) }
                }
                let total = excess.map(\.1).reduce(0, +)
                var causes: [String: Double] = [:]
                for (term, e) in excess where total > 0 { causes[term.rawValue] = e / total }
                let text = excess.sorted { $0.1 > $1.1 }.prefix(3).map { term, e in
                    "\(Self.causeLabel(term)) \(Int((100 * e / max(total, 1e-9)).rounded())) %"
                }.joined(separator: ", ")
                let x = grid.originX + region.centroid.col * grid.cellSize, y = grid.originY - region.centroid.row * grid.cellSize
                let ll = try toWGS.transform(x: x, y: y)
                let ds = distances[Int(region.label)].sorted()
                let d: Float = ds.isEmpty ? .infinity : ds[ds.count / 2]
                result.records.append(IslandRecord(id: Int(region.label), window: window, areaSquareMetres: Double(region.cells) * grid.cellSize * grid.cellSize,
                                            meanICTU: region.mean, maxICTU: region.max, causes: causes, causeText: text.isEmpty ? "—" : text,
                                            nearestCoolIslandMetres: d.isFinite ? Double(d) : nil, people: options.population == nil ? nil : people[Int(region.label)],
                                            longitude: ll.x, latitude: ll.y, place: options.streets?.name(mostOf: samples[Int(region.label)]),
                                            district: options.districtNames.flatMap { d in d.containing(x: x, y: y).map { d.places[$0].name } }))
            }
        }

        return result
    }

    /// The diagnosis's files, staged: islands (GeoPackage and GeoJSON), buildings' exposure, the distance map, districts.
    static func writeOutputs(heat: HeatIslands, cool: (labels: [Int32], regions: [IslandAnalysis.Region]), access distance: [Float], open: [Bool], exposure: [BuildingExposure]?,
                             footprints: [Int: [UInt8]], districts: [DistrictStatistics], grid: GridSpec, options: DiagnosisOptions,
                             staged: StagedOutput) throws -> [String] {
        let w = grid.width, h = grid.height
        var outputs: [String] = []
        let crs = try SpatialReference(definition: grid.crs)
        let islandsGPKG = try VectorDataset.create(try staged.path("diagnosis/heat_islands.gpkg"), driver: "GPKG")
        let fields: [(String, FieldType)] = [("id", .integer), ("window", .string), ("rank", .integer), ("area_m2", .real), ("mean_ictu", .real),
                                             ("max_ictu", .real), ("causes", .string), ("nearest_cool_island_m", .real), ("people", .real), ("place", .string), ("district", .string)]
        for regime in Regime.allCases {
            let window = regime.rawValue
            let polygons = try polygonsOf(labels: heat.labels[window]!, grid: grid)
            let rows: [([UInt8], [String: FieldValue])] = heat.records.filter { $0.window == window }.compactMap { r in
                polygons[r.id].map { ($0, ["id": .integer(r.id), "window": .string(window), "rank": .integer(r.id), "area_m2": .real(r.areaSquareMetres),
                                           "mean_ictu": .real(r.meanICTU), "max_ictu": .real(r.maxICTU), "causes": .string(r.causeText),
                                           "nearest_cool_island_m": .real(r.nearestCoolIslandMetres ?? -1), "people": .real(r.people ?? -1),
                                           "place": .string(r.place ?? ""), "district": .string(r.district ?? "")]) }
            }
            try write(rows, layer: window, fields: fields, crs: crs, into: islandsGPKG)
            // GeoJSON (RFC 7946: WGS 84) holds one layer per file.
            try write(rows, layer: "heat_islands_\(window)", fields: fields, crs: crs,
                      into: try VectorDataset.create(try staged.path((regime == .day ? RunFolder.VectorLayer.heatIslandsDay : .heatIslandsNight).file), driver: "GeoJSON"), options: ["RFC7946=YES"])
        }
        outputs += ["heat_islands.gpkg (layers day, night)", "heat_islands_day.geojson", "heat_islands_night.geojson"]
        let coolPolygons = try polygonsOf(labels: cool.labels, grid: grid)
        let coolRows: [([UInt8], [String: FieldValue])] = cool.regions.compactMap { r in
            coolPolygons[Int(r.label)].map { ($0, ["id": .integer(Int(r.label)), "area_m2": .real(Double(r.cells) * grid.cellSize * grid.cellSize), "mean_ictu": .real(r.mean)]) }
        }
        let coolFields: [(String, FieldType)] = [("id", .integer), ("area_m2", .real), ("mean_ictu", .real)]
        try write(coolRows, layer: "cool_islands", fields: coolFields, crs: crs, into: try VectorDataset.create(try staged.path("diagnosis/cool_islands.gpkg"), driver: "GPKG"))
        try write(coolRows, layer: "cool_islands", fields: coolFields, crs: crs,
                  into: try VectorDataset.create(try staged.path(RunFolder.VectorLayer.coolIslands.file), driver: "GeoJSON"), options: ["RFC7946=YES"])
        outputs += ["cool_islands.gpkg", "cool_islands.geojson"]
        if let exposure {
            try BuildingExposure.csv(exposure).write(to: URL(fileURLWithPath: try staged.path("diagnosis/buildings_exposure.csv")), atomically: false, encoding: .utf8)
            let rows: [([UInt8], [String: FieldValue])] = exposure.compactMap { r in
                footprints[r.feature].map { ($0, ["rank": .integer(r.rank), "feature": .integer(r.feature), "use": .string(r.use), "street": .string(r.street ?? ""), "sensitive": .integer(r.sensitive ? 1 : 0),
                                                  "day_mean": .real(r.dayMean), "day_max": .real(r.dayMax), "night_mean": .real(r.nightMean),
                                                  "strong_share": .real(r.strongShare), "very_strong_share": .real(r.veryStrongShare)]) }
            }
            try write(rows, layer: "buildings_exposure", fields: [("rank", .integer), ("feature", .integer), ("street", .string), ("use", .string), ("sensitive", .integer),
                                                                  ("day_mean", .real), ("day_max", .real), ("night_mean", .real), ("strong_share", .real), ("very_strong_share", .real)],
                      crs: crs, into: try VectorDataset.create(try staged.path("diagnosis/buildings_exposure.gpkg"), driver: "GPKG"))
            outputs += ["buildings_exposure.csv", "buildings_exposure.gpkg"]
        }
        let distanceMap = try RasterDataset.create(try staged.path("diagnosis/cool_island_distance.tif"), on: grid, profile: .product)
        let band = try distanceMap.band(1)
        try band.setNoData(-1)
        band.setDescription("distance to the nearest cool island, m (open ground; -1 on buildings); > \(Int(options.accessMetres)) m is a gap in the network")
        try band.write(distance.enumerated().map { open[$0.offset] ? ($0.element.isFinite ? $0.element : 1e9) : -1 }, x: 0, y: 0, width: w, height: h)
        try distanceMap.flush()
        outputs.append("cool_island_distance.tif")
        if !districts.isEmpty {
            try DistrictStatistics.csv(districts).write(to: URL(fileURLWithPath: try staged.path("diagnosis/districts.csv")), atomically: false, encoding: .utf8)
            outputs.append("districts.csv")
        }
        return outputs
    }

    /// A term that makes a place hotter than the city's open ground, in words: a warming term is there in excess,
    /// a cooling term is lacking.
    static func causeLabel(_ term: ComfortTerm) -> String {
        switch term {
        case .shade: tr("little shade")
        case .treeCanopy: tr("few trees")
        case .shrub: tr("few shrubs")
        case .grass: tr("little grass")
        case .water: tr("no water nearby")
        case .park: tr("far from parks")
        case .hydricStress: tr("stressed vegetation")
        default: tr(term.label)
        }
    }

    /// Polygons of each non-zero label, as WKB in the grid's CRS.
    static func polygonsOf(labels: [Int32], grid: GridSpec) throws -> [Int: [UInt8]] {
        let raster = try RasterDataset.create(on: grid, profile: .memory)
        try raster.band(1).write(labels.map(Float.init), x: 0, y: 0, width: grid.width, height: grid.height)
        var out: [Int: [UInt8]] = [:]
        let context = GeometryContext()
        // A 4-connected region is one polygon (holes included): GDAL's polygonize is 4-connected too; union just in case.
        for (value, wkb) in try raster.polygons() {
            out[value] = try out[value].map { try Geometry(wkb: $0, context: context).union(Geometry(wkb: wkb, context: context)).wkb } ?? wkb
        }
        return out
    }
}
