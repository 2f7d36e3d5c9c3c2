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
    public var population: PopulationRows? = nil
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

/// The diagnosis reads the run's maps in strips of rows and holds a bit a cell for the cool islands, their distances
/// a strip at a time, and the islands' sums: a metropolis's map is never in memory (StripedAccess).
public enum Diagnosis {
    public static func run(run: String, options: DiagnosisOptions = DiagnosisOptions(), progress: ProgressHandler = { _, _ in }) throws -> DiagnosisSummary {
        let folder = try RunFolder(run)
        try folder.requireAnalysisStacks(for: "`ictu diagnose`")
        let grid = folder.record.grid
        let w = grid.width, h = grid.height
        if let p = options.population, p.width != w {
            throw OutputError("the population layer is \(p.width) cells wide; the run's grid is \(w) × \(h)")
        }
        let staged = try StagedOutput(destination: run, entries: [RunFolder.Entry.diagnosis.fileName], overwrite: options.overwrite)
        let minCells = max(1, Int((options.minIslandSquareMetres / (grid.cellSize * grid.cellSize)).rounded(.up)))
        let day = try BandRows(folder, RunFolder.map(.day)), night = try BandRows(folder, RunFolder.map(.night))
        var picture = DiagnosisReport.Picture(grid: grid)

        // The day map's median, its open ground, and how much of it is in strong heat stress or worse.
        progress("cool islands", 0)
        let median = try StripedAccess.quantile(width: w, height: h, rows: day.rows, q: 0.5)
        var openCells = 0, strongCells = 0
        try StripedAccess.forEachStrip(height: h, rows: day.rows) { y0, values in
            for v in values where !v.isNaN { openCells += 1; if v >= 32 { strongCells += 1 } }
            picture.take(values, from: y0) { $0.day[$1] = $2 }
        }
        let strongShare = Double(strongCells) / Double(max(1, openCells))

        // Cool islands: either criterion makes a cool cell, below the class boundary or far enough below the median.
        let coolLimit = max(options.coolMaxICTU, median - options.coolBelowMedian)
        var coolBits = BitGrid(width: w, height: h)
        var cool: [IslandSums] = []
        var dayStrip: [Float] = [], stripTop = 0
        let coolLabels = try LabelStrips(path: try staged.path(".cool-labels.tif"), grid: grid)
        try StripedAccess.regions(width: w, height: h, rows: day.rows, minCells: minCells, isMember: { !$0.isNaN && Double($0) < coolLimit },
                                  strip: { y0, rows in dayStrip = try day.rows(y0, rows); stripTop = y0; try coolLabels.begin(y0, rows) }) { y, columns, k, cells in
            if k == cool.count { cool.append(IslandSums(cells: cells, extras: 0)) }
            coolLabels.set(row: y, columns: columns, label: k + 1)
            for c in columns {
                coolBits[c, y] = true
                cool[k].add(dayStrip[(y - stripTop) * w + c], col: c, row: y)
                picture.mark(col: c, row: y) { $0.cool[$1] = true }
            }
        }
        let coolRanking = IslandSums.ranked(cool)

        // The distance to them, exact over the whole grid a strip at a time, written as the distance map.
        let distance = StripedDistance(features: coolBits, stripRows: StripedAccess.stripRows)
        let distanceMap = try RasterDataset.create(try staged.path("diagnosis/cool_island_distance.tif"), on: grid, profile: .product)
        let distanceBand = try distanceMap.band(1)
        try distanceBand.setNoData(-1)
        distanceBand.setDescription("distance to the nearest cool island, m (open ground; -1 on buildings); > \(Int(options.accessMetres)) m is a gap in the network")
        let access = try StripedAccess.access(cellSize: grid.cellSize, radius: options.accessMetres, distance: distance, rows: day.rows,
                                              counts: { !$0.isNaN }, weights: options.population?.rows) { y0, values, metres in
            try distanceBand.write(zip(values, metres).map { v, d in v.isNaN ? -1 : (d.isFinite ? d : 1e9) }, x: 0, y: y0, width: w, height: values.count / w)
            picture.take(metres, from: y0) { $0.distance[$1] = $2 }
        }
        try distanceMap.flush()

        // Heat islands, day and night, with their causes against the city's open ground.
        let heat = try heatIslands(folder: folder, maps: [.day: day, .night: night], distance: distance, minCells: minCells, options: options,
                                   staged: staged, picture: &picture, progress: progress)

        // Districts.
        var districts: [DistrictStatistics] = []
        if let zones = options.zones {
            progress("districts", 0)
            let components = try folder.open(.components, options: ["NUM_THREADS=ALL_CPUS"])
            // The tree-canopy and sealed-ground terms, read together (the stack interleaves its bands by pixel).
            let bands = [RunFolder.components(.day, .treeCanopy).number, RunFolder.components(.day, .sealedGround).number]
            var read: (y: Int, planes: [[Float]])? = nil
            func rows(_ k: Int) -> StripedAccess.Rows { { y, n in
                if read?.y != y { read = (y, try RunFolder.readBands(components, window: Window(x: 0, y: y, width: w, height: n), bands: bands).map(\.values)) }
                return read!.planes[k]
            } }
            let stress = folder.contains(.hydricStress) ? try BandRows(folder, RunFolder.Band(.hydricStress)) : nil
            districts = try DistrictStatistics.compute(zones: zones, field: options.zoneField, grid: grid, day: day.rows, night: night.rows, stress: stress?.rows,
                                                       canopy: rows(0), sealed: rows(1))
        }

        var survey: SurveyAnalysis? = nil
        if let path = options.survey {
            progress("survey", 0)
            survey = try SurveyAnalysis.run(path: path, record: folder.record) { regime, col, row in try (regime == .day ? day : night).value(col: col, row: row) }
        }

        var exposure: [BuildingExposure]? = nil
        var footprints: [Int: [UInt8]] = [:]
        if let path = options.buildings {
            progress("buildings", 0)
            (exposure, footprints) = try BuildingExposure.compute(path: path, layer: options.buildingsLayer, useField: options.useField, grid: grid,
                                                                  day: day.rows, night: night.rows)
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
        let coolPolygons = try coolLabels.polygons(relabel: coolRanking.labels)
        let coolRegions = coolRanking.order.map { (label: coolRanking.labels[$0], island: cool[$0]) }
        let outputs = try writeOutputs(heat: heat, cool: coolRegions, coolPolygons: coolPolygons, exposure: exposure, footprints: footprints,
                                       districts: districts, grid: grid, staged: staged)
        let summary = DiagnosisSummary(heatThresholds: heat.thresholds, heatIslands: heat.records, coolIslands: coolRegions.count,
                                       coolIslandAreaSquareMetres: Double(coolRegions.map(\.island.cells).reduce(0, +)) * grid.cellSize * grid.cellSize,
                                       coolCriterion: tr("open ground with day ICTU below {} °C (below {} °C, or {} °C under the median {} °C), at least {} m²",
                                                                 shown(coolLimit, 1), shown(options.coolMaxICTU, 0), shown(options.coolBelowMedian, 0), shown(median, 1), shown(options.minIslandSquareMetres, 0)),
                                       accessMetres: options.accessMetres, shareWithinAccess: access.share, populationShareWithinAccess: access.weightedShare, shareOpenGroundStrongOrWorseDay: strongShare,
                                       districts: districts, survey: survey, buildings: exposure?.count, sensitiveBuildings: exposure?.filter(\.sensitive).count,
                                       mostExposedBuildings: exposure.map { Array($0.prefix(20)) }, outputs: outputs + ["diagnosis.json"])
        try JSONCoding.write(summary, to: try staged.path("diagnosis/diagnosis.json"))
        try staged.commit()
        // report.html gains (or renews) its diagnosis section.
        try DiagnosisReport.insert(try DiagnosisReport.section(summary: summary, picture: picture), intoReportAt: folder.path(.report))
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
    /// (each term's excess over the city's open ground), their nearest cool island, the people living in them, and
    /// their polygons.
    struct HeatIslands {
        var records: [IslandRecord] = []
        var thresholds: [String: Double] = [:]
        var polygons: [String: [Int: [UInt8]]] = [:]
    }

    static func heatIslands(folder: RunFolder, maps: [Regime: BandRows], distance: StripedDistance, minCells: Int, options: DiagnosisOptions,
                            staged: StagedOutput, picture: inout DiagnosisReport.Picture, progress: ProgressHandler) throws -> HeatIslands {
        let grid = folder.record.grid
        let w = grid.width, h = grid.height
        let terms = ComfortTerm.allCases
        let toWGS = try CoordinateTransform(from: grid.crs, to: "EPSG:4326")
        let components = try folder.open(.components, options: ["NUM_THREADS=ALL_CPUS"])
        var result = HeatIslands()
        for (k, regime) in Regime.allCases.enumerated() {
            let window = regime.rawValue
            progress("heat islands (\(window))", Double(k) / 2)
            let map = maps[regime]!
            let threshold = try options.heatThreshold ?? StripedAccess.quantile(width: w, height: h, rows: map.rows, q: options.heatPercentile)
            result.thresholds[window] = threshold
            // The island scale: each strip's focal mean from the strip and the kernel's reach around it.
            let radius = options.islandScaleMetres / grid.cellSize, reach = FocalMean.reach(radiusCells: radius)
            let zone: StripedAccess.Rows = options.islandScaleMetres > 0 ? { y, rows in
                let top = max(0, y - reach), bottom = min(h, y + rows + reach)
                let around = FocalMean.gaussian(Plane(width: w, height: bottom - top, values: try map.rows(top, bottom - top)), radiusCells: radius)
                return Array(around.values[((y - top) * w)..<((y - top + rows) * w)])
            } : map.rows
            let heatMinCells = max(minCells, Int((options.minHeatIslandSquareMetres / grid.cellArea).rounded(.up)))
            let bands = terms.map { RunFolder.components(regime, $0).number }
            var values: [Float] = [], parts: [[Float]] = [], metres: [Float] = [], people: [Float]? = nil, top = 0
            var termSums = [Double](repeating: 0, count: terms.count), termCounts = [Int](repeating: 0, count: terms.count)
            var islands: [IslandSums] = []
            // Nearest cool island: the median distance over the island's cells (where a person in it stands; its
            // nearest edge would say 0 m for an island that merely touches a cool one).
            var distances: [[Float]] = [], peopleIn: [Double] = []
            // Up to ~300 cells of each island, evenly taken, to name it after the street most of them are on.
            var seen: [Int] = [], samples: [[(x: Double, y: Double)]] = []
            let labels = try LabelStrips(path: try staged.path(".heat-\(window)-labels.tif"), grid: grid)
            try StripedAccess.regions(width: w, height: h, rows: zone, minCells: heatMinCells, isMember: { !$0.isNaN && Double($0) >= threshold },
                                      strip: { y0, rows in
                top = y0
                values = try map.rows(y0, rows)
                let window = Window(x: 0, y: y0, width: w, height: rows)
                parts = try RunFolder.readBands(components, window: window, bands: bands).map(\.values)
                for (t, part) in parts.enumerated() { for v in part where !v.isNaN { termSums[t] += Double(v); termCounts[t] += 1 } }
                metres = distance.distances(strip: y0 / StripedAccess.stripRows).map { $0 * Float(grid.cellSize) }
                people = try options.population?.rows(y0, rows)
                try labels.begin(y0, rows)
            }) { y, columns, k, cells in
                if k == islands.count {
                    islands.append(IslandSums(cells: cells, extras: terms.count))
                    distances.append([]); peopleIn.append(0); seen.append(0); samples.append([])
                }
                labels.set(row: y, columns: columns, label: k + 1)
                let stride = max(1, cells / 300)
                for c in columns {
                    let i = (y - top) * w + c
                    if metres[i].isFinite { distances[k].append(metres[i]) }
                    if let people { peopleIn[k] += Double(people[i]) }
                    if options.streets != nil, seen[k] % stride == 0 { samples[k].append(grid.centre(col: c, row: y)) }
                    seen[k] += 1
                    guard !values[i].isNaN else { continue }
                    islands[k].add(values[i], col: c, row: y)
                    for t in parts.indices { islands[k].extras[t] += Double(parts[t][i]) }
                }
            }
            let cityMeans = terms.indices.map { termCounts[$0] > 0 ? termSums[$0] / Double(termCounts[$0]) : 0 }
            let ranking = IslandSums.ranked(islands)
            result.polygons[window] = try labels.polygons(relabel: ranking.labels)
            if regime == .day {
                // The report's map marks the day's islands: a second look at the label file, at the picture's rows only.
                try picture.takeRows { row in try labels.dataset.band(1).read(x: 0, y: row, width: w, height: 1) } mark: { $0.heat[$1] = $2 > 0 && ranking.labels[Int($2) - 1] > 0 }
            }
            for k in ranking.order {
                let island = islands[k], label = Int(ranking.labels[k])
                var excess: [(ComfortTerm, Double)] = []
                for (t, term) in terms.enumerated() where term != .reference {
                    let e = island.extras[t] / Double(island.valid) - cityMeans[t]
                    if e > 0 { excess.append((term, e)) }
                }
                let total = excess.map(\.1).reduce(0, +)
                var causes: [String: Double] = [:]
                for (term, e) in excess where total > 0 { causes[term.rawValue] = e / total }
                let text = excess.sorted { $0.1 > $1.1 }.prefix(3).map { term, e in
                    "\(Self.causeLabel(term)) \(Int((100 * e / max(total, 1e-9)).rounded())) %"
                }.joined(separator: ", ")
                let centroid = island.centroid
                let x = grid.originX + centroid.col * grid.cellSize, y = grid.originY - centroid.row * grid.cellSize
                let ll = try toWGS.transform(x: x, y: y)
                let ds = distances[k].sorted()
                let d: Float = ds.isEmpty ? .infinity : ds[ds.count / 2]
                result.records.append(IslandRecord(id: label, window: window, areaSquareMetres: Double(island.cells) * grid.cellSize * grid.cellSize,
                                            meanICTU: island.mean, maxICTU: island.maximum, causes: causes, causeText: text.isEmpty ? "—" : text,
                                            nearestCoolIslandMetres: d.isFinite ? Double(d) : nil, people: options.population == nil ? nil : peopleIn[k],
                                            longitude: ll.x, latitude: ll.y, place: options.streets?.name(mostOf: samples[k]),
                                            district: options.districtNames.flatMap { d in d.containing(x: x, y: y).map { d.places[$0].name } }))
            }
        }
        return result
    }

    /// The diagnosis's vector files, staged: islands (GeoPackage and GeoJSON), buildings' exposure, districts.
    static func writeOutputs(heat: HeatIslands, cool: [(label: Int32, island: IslandSums)], coolPolygons: [Int: [UInt8]], exposure: [BuildingExposure]?,
                             footprints: [Int: [UInt8]], districts: [DistrictStatistics], grid: GridSpec, staged: StagedOutput) throws -> [String] {
        var outputs: [String] = []
        let crs = try SpatialReference(definition: grid.crs)
        let islandsGPKG = try VectorDataset.create(try staged.path("diagnosis/heat_islands.gpkg"), driver: "GPKG")
        let fields: [(String, FieldType)] = [("id", .integer), ("window", .string), ("rank", .integer), ("area_m2", .real), ("mean_ictu", .real),
                                             ("max_ictu", .real), ("causes", .string), ("nearest_cool_island_m", .real), ("people", .real), ("place", .string), ("district", .string)]
        for regime in Regime.allCases {
            let window = regime.rawValue
            let polygons = heat.polygons[window]!
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
        let coolRows: [([UInt8], [String: FieldValue])] = cool.compactMap { r in
            coolPolygons[Int(r.label)].map { ($0, ["id": .integer(Int(r.label)), "area_m2": .real(Double(r.island.cells) * grid.cellSize * grid.cellSize), "mean_ictu": .real(r.island.mean)]) }
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
}
