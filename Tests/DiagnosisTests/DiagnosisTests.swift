import Foundation
import GeoIO
import Model
import Grid
import TestFixtures
import Testing
@testable import City
@testable import Diagnosis
@testable import Run
@testable import Tiles

/// Diagnosis on constructed grids (known answers), then on the calibrated sample run.
@Suite(.tags(.endToEnd)) struct DiagnosisTests {
    @Test func aHotSquareInTheShadeIsOneIslandOfItsArea() {
        // 100 × 100 cells of 2 m at 30 °C (shade), a 20 × 20 cell square at 40 °C.
        let plane = Plane(width: 100, height: 100) { c, r in (40..<60).contains(c) && (30..<50).contains(r) ? 40 : 30 }
        let (labels, regions) = IslandAnalysis.regions(values: plane, minCells: 10) { plane.values[$0] >= 35 }
        #expect(regions.count == 1)
        #expect(regions.first?.cells == 400, "20 × 20 cells = 1600 m² at 2 m")
        #expect(regions.first?.mean == 40 && regions.first?.max == 40)
        #expect(labels.filter { $0 == 1 }.count == 400)
    }

    @Test func islandsTouchingOnlyAtACornerStayTwo() {
        // Two 10 × 10 squares meeting at one corner: 4-connected, so two islands (as documented).
        let plane = Plane(width: 40, height: 40) { c, r in ((5..<15).contains(c) && (5..<15).contains(r)) || ((15..<25).contains(c) && (15..<25).contains(r)) ? 40 : 30 }
        let (_, regions) = IslandAnalysis.regions(values: plane, minCells: 1) { plane.values[$0] >= 35 }
        #expect(regions.count == 2 && regions.allSatisfy { $0.cells == 100 })
        // Sharing an edge instead makes one.
        let joined = Plane(width: 40, height: 40) { c, r in ((5..<15).contains(c) && (5..<15).contains(r)) || ((15..<25).contains(c) && (5..<15).contains(r)) ? 40 : 30 }
        #expect(IslandAnalysis.regions(values: joined, minCells: 1) { joined.values[$0] >= 35 }.regions.count == 1)
    }

    @Test func accessToOneCoolIslandIsADiscOfThreeHundredMetres() {
        // One cool cell in the middle of an empty 2 m grid of 400 × 400 cells: covered area ≈ π · 300².
        let n = 400, centre = 200 * n + 200
        let (distance, share) = IslandAnalysis.access(width: n, height: n, cellSize: 2, radius: 300, isSource: { $0 == centre }, counts: { _ in true })
        let coveredArea = share * Double(n * n) * 4
        #expect(abs(coveredArea - Double.pi * 300 * 300) / (Double.pi * 300 * 300) < 0.005, "covered \(coveredArea) m²")
        #expect(distance[centre] == 0 && abs(distance[200 * n + 350] - 300) < 1e-3, "150 cells east = 300 m")
    }

    @Test func districtStatisticsMatchADirectComputation() throws {
        // Two districts (west and east halves) in EPSG:2154 over a 50 × 40 grid of 2 m; values rise eastwards.
        let grid = GridSpec(crs: "EPSG:2154", originX: 400_000, originY: 6_400_080, cellSize: 2, width: 50, height: 40)
        let day = Plane(width: 50, height: 40) { c, r in r == 3 && c == 7 ? .nan : Float(30 + Double(c) * 0.2) }
        let night = Plane(width: 50, height: 40) { c, _ in Float(20 + Double(c) * 0.1) }
        let zero = Plane(width: 50, height: 40)
        let path = TestFiles.root + "zones-\(UUID().uuidString).gpkg"
        // Written in a scope of its own: the GeoPackage is closed (flushed) when its dataset and layer go.
        func writeZones() throws {
            let dataset = try VectorDataset.create(path, driver: "GPKG")
            let layer = try dataset.createLayer("zones", crs: try SpatialReference(definition: "EPSG:2154"), geometry: .polygon, fields: [("name", .string)])
            try layer.addFeature(wkb: WKB.rectangle(minX: 400_000, minY: 6_400_000, maxX: 400_040, maxY: 6_400_080), values: ["name": .string("West")])
            try layer.addFeature(wkb: WKB.rectangle(minX: 400_040, minY: 6_400_000, maxX: 400_100, maxY: 6_400_080), values: ["name": .string("East")])
        }
        try writeZones()
        let stats = try DistrictStatistics.compute(zones: path, field: "name", grid: grid, day: StripedAccess.rows(day), night: StripedAccess.rows(night), stress: nil,
                                                   canopy: StripedAccess.rows(zero), sealed: StripedAccess.rows(zero))
        let west = try #require(stats.first { $0.name == "West" }), east = try #require(stats.first { $0.name == "East" })
        // Direct: West holds columns 0–19 (centres < 40 m), one cell is no data; East columns 20–49.
        var sum = 0.0, n = 0
        for r in 0..<40 { for c in 0..<20 where !day[c, r].isNaN { sum += Double(day[c, r]); n += 1 } }
        #expect(abs(west.dayMean - sum / Double(n)) < 1e-6 && west.openAreaSquareMetres == Double(n * 4))
        #expect(abs(east.dayMean - (30 + 0.2 * 34.5)) < 1e-5, "east: columns 20–49, mean column 34.5")
        #expect(abs(east.nightMean - (20 + 0.1 * 34.5)) < 1e-5)
        #expect(west.areaByDayClass.values.reduce(0, +) == west.openAreaSquareMetres)
    }

    @Test func buildingsAreRankedByTheICTUAroundThemWithSensitiveUsesFirst() throws {
        // 60 × 40 cells of 2 m: a house in hot ground (west half, 40 °C), a school and a house in cooler ground (east, 30 °C).
        let grid = GridSpec(crs: "EPSG:2154", originX: 400_000, originY: 6_400_080, cellSize: 2, width: 60, height: 40)
        let footprints = [(400_020.0, 6_400_030.0, "residential"), (400_080, 6_400_030, "school"), (400_080, 6_400_055, "residential")]
        func inside(_ c: Int, _ r: Int) -> Bool {
            let x = 400_000 + (Double(c) + 0.5) * 2, y = 6_400_080 - (Double(r) + 0.5) * 2
            return footprints.contains { x > $0.0 && x < $0.0 + 10 && y > $0.1 && y < $0.1 + 10 }
        }
        // Footprints are no data, as in a run.
        let day = Plane(width: 60, height: 40) { c, r in inside(c, r) ? .nan : (c < 30 ? 40 : 30) }
        let night = Plane(width: 60, height: 40) { c, r in inside(c, r) ? .nan : (c < 30 ? 24 : 20) }
        let path = TestFiles.root + "buildings-\(UUID().uuidString).gpkg"
        func writeBuildings() throws {
            let dataset = try VectorDataset.create(path, driver: "GPKG")
            let layer = try dataset.createLayer("buildings", crs: try SpatialReference(definition: "EPSG:2154"), geometry: .polygon, fields: [("usage", .string)])
            for (x, y, use) in footprints {
                try layer.addFeature(wkb: WKB.rectangle(minX: x, minY: y, maxX: x + 10, maxY: y + 10), values: ["usage": .string(use)])
            }
        }
        try writeBuildings()
        let (records, _) = try BuildingExposure.compute(path: path, layer: nil, useField: "usage", grid: grid, day: StripedAccess.rows(day), night: StripedAccess.rows(night))
        #expect(records.count == 3)
        #expect(records[0].use == "school" && records[0].sensitive && abs(records[0].dayMean - 30) < 1e-9, "sensitive first")
        #expect(records[1].use == "residential" && abs(records[1].dayMean - 40) < 1e-9 && abs(records[1].nightMean - 24) < 1e-9 && records[1].veryStrongShare == 1,
                "then the hottest surroundings")
        #expect(records[2].dayMean == 30 && records[2].strongShare == 0)
        // The ring: open cells within 6 m (3 cells) of the footprint's touched cells.
        #expect(records.allSatisfy { $0.surroundingCells > 40 && $0.surroundingCells < 150 }, "\(records.map(\.surroundingCells))")
    }

    @Test func theSampleRunIsDiagnosedIntoFilesGDALOpens() throws {
        let run = try SampleRun.copyOfRun()
        var options = DiagnosisOptions()
        options.buildings = SampleRun.folder + "/Rasters/buildings.gpkg"
        // One resident per cell: people exposed = the island's cells, population share = the cells' share.
        options.population = PopulationRows(plane: Plane(width: 800, height: 800, value: 1))
        // The sample's own names: its streets name the islands and buildings, its districts make the table.
        let manifest = SampleRun.folder + "/city.yaml"
        options.streets = try PlaceIndex.read(manifest: manifest, role: "streets", gridCRS: "EPSG:2154")
        options.districtNames = try PlaceIndex.read(manifest: manifest, role: "districts", gridCRS: "EPSG:2154")
        options.zones = SampleRun.folder + "/Rasters/districts.gpkg"
        options.zoneField = "nom"
        let summary = try Diagnosis.run(run: run, options: options)
        let day = summary.heatIslands.filter { $0.window == "day" }
        // Planner scale: zones whose open ground within 20 m is at or above the threshold, at least 0.5 ha — tens of
        // them on the sample, not the hundreds of street-shaped slivers cell-by-cell membership gives (346 by day at
        // 5 m). A zone's mean over its open cells may dip just under the threshold its neighbourhood means reach.
        #expect(!day.isEmpty && day.count <= 60, "\(day.count) heat islands by day")
        #expect(day.allSatisfy { $0.meanICTU >= summary.heatThresholds["day"]! - 0.5 && $0.areaSquareMetres >= 5_000 })
        let night = summary.heatIslands.filter { $0.window == "night" }
        #expect(!night.isEmpty && night.count <= 60, "\(night.count) heat islands by night")
        #expect(summary.heatIslands.allSatisfy { ($0.nearestCoolIslandMetres ?? 1) > 0 }, "a distance from where people stand in the island, not its nearest edge")
        #expect(zip(day, day.dropFirst()).allSatisfy { $0.meanICTU >= $1.meanICTU }, "ranked by mean ICTU")
        #expect(day.allSatisfy { abs($0.causes.values.reduce(0, +) - 1) < 1e-6 || $0.causes.isEmpty }, "cause shares sum to 1")
        #expect(summary.coolIslands > 0 && summary.shareWithinAccess > 0 && summary.shareWithinAccess <= 1)
        #expect(day.allSatisfy { abs(($0.people ?? -1) - $0.areaSquareMetres / 25) < 1e-6 }, "people = cells at one per 5 m cell")
        let populationShare = try #require(summary.populationShareWithinAccess)
        #expect(populationShare > 0 && populationShare <= 1)
        #expect((summary.buildings ?? 0) > 1000 && (summary.sensitiveBuildings ?? 0) > 0, "the sample's buildings, its schools flagged")
        #expect(summary.mostExposedBuildings?.first?.sensitive == true)
        // Every island is named by its place: streets run between all the sample's blocks, so each island's cells
        // are within 60 m of one; the hottest by day is the light mineral square (albedo 0.45, sealed, unshaded:
        // the sample's designed hot spot), named as the square.
        #expect(summary.heatIslands.allSatisfy { $0.place != nil && $0.district != nil }, "\(summary.heatIslands.filter { $0.place == nil }.map(\.id))")
        #expect(day.first?.place?.hasPrefix("Place ") == true, "hottest day island: \(day.first?.place ?? "unnamed")")
        #expect(summary.mostExposedBuildings?.allSatisfy { $0.street != nil } == true, "every exposed building on a named street")
        #expect(summary.districts.count == 16 && Set(summary.districts.map(\.name)).count == 16, "the sample's 16 named districts: \(summary.districts.map(\.name))")
        for file in ["heat_islands.gpkg", "heat_islands_day.geojson", "heat_islands_night.geojson", "cool_islands.gpkg", "cool_islands.geojson", "buildings_exposure.gpkg"] {
            let info = try Process.output("/usr/bin/ogrinfo", ["-so", "-al", run + "/diagnosis/" + file])
            #expect(info.contains("Feature Count"), "\(file): \(info.prefix(300))")
        }
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/diagnosis/heat_islands_day.geojson"))) as! [String: Any]
        let features = geojson["features"] as! [[String: Any]]
        #expect(features.count == day.count)
        // The first position, however deep the geometry nests it (Polygon or MultiPolygon).
        var nested: Any = (features[0]["geometry"] as! [String: Any])["coordinates"]!
        while let array = nested as? [Any], let inner = array.first, inner is [Any] { nested = inner }
        let first = try #require(nested as? [Double])
        #expect(first[0] > -0.7 && first[0] < -0.4 && first[1] > 44.7 && first[1] < 44.9, "GeoJSON in WGS 84 degrees: \(first)")
        #expect(try Process.output("/usr/bin/gdalinfo", [run + "/diagnosis/cool_island_distance.tif"]).contains("EPSG\",2154"))
        // report.html gained its diagnosis section, and still opens cleanly in Chromium.
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Browser/open_page.py").path
        let page = try Browser.open("file://" + run + "/report.html", script: script, count: ["#diagnosis svg.map", "table.islands-day tbody tr", "section#diagnosis"])
        #expect(page.console.isEmpty, "\(page.console)")
        #expect(page.counts["#diagnosis svg.map"] == 2 && page.counts["section#diagnosis"] == 1 && page.counts["table.islands-day tbody tr"] == min(10, day.count))
        #expect(page.images.allSatisfy { $0.ok })
    }
}

/// The sample's survey: answers made from the true ICTU through known thresholds.
@Suite(.tags(.endToEnd)) struct SurveyTests {
    struct Truth: Decodable { var thresholds: [Double]; var logisticScale: Double }

    func truthPlane(_ path: String) throws -> Plane {
        let ds = try RasterDataset.open(path)
        let band = try ds.band(1)
        let scale = Float(band.scale), noData = Float(band.noData ?? -32768)
        return Plane(width: ds.width, height: ds.height, values: try band.read(x: 0, y: 0, width: ds.width, height: ds.height).map { $0 == noData ? .nan : $0 * scale })
    }

    @Test func theFitRecoversTheSurveysThresholdsWithinTheirUncertainty() throws {
        let folder = SampleRun.folder
        let truth = try JSONDecoder().decode(Truth.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/SensorData/truth/survey.json")))
        let answers = try SurveyFile.read(path: folder + "/SensorData/survey.csv")
        #expect(answers.count > 500)
        let map = try TileCatalogue(try RunFolder(folder + "/run"))
        // Against the true ICTU the answers were made from: each threshold within 4 bootstrap standard errors (four
        // thresholds at once; on this seed the third sits 3.5 SE high: the 511 logistic draws average +0.2 °C,
        // seen by comparing vote shares with the truth's — the data's, not the fit's, error).
        let onTruth = try SurveyAnalysis.analyse(answers, grid: map.record.grid, timezone: "Europe/Paris",
                                                 day: try truthPlane(folder + "/Rasters/truth/ictu_day.tif"), night: try truthPlane(folder + "/Rasters/truth/ictu_night.tif"), source: "survey")
        for (k, t) in truth.thresholds.enumerated() {
            #expect(abs(onTruth.thresholds[k] - t) < 4 * onTruth.thresholdStandardErrors[k], "τ\(k + 1) \(onTruth.thresholds[k]) ± \(onTruth.thresholdStandardErrors[k]) vs \(t)")
        }
        #expect(abs(onTruth.logisticScale - truth.logisticScale) < 0.25)
        // Against the computed map (what a city has): close, and the ICTU ranks places as the answers do.
        var options = DiagnosisOptions()
        options.survey = folder + "/SensorData/survey.csv"
        let s = try #require(try Diagnosis.run(run: try SampleRun.copyOfRun(), options: options).survey)
        for (k, t) in truth.thresholds.enumerated() { #expect(abs(s.thresholds[k] - t) < 0.5, "computed map: τ\(k + 1) \(s.thresholds[k]) vs \(t)") }
        #expect(s.spearman > 0.6 && s.aucHot > 0.8, "ρ \(s.spearman), AUC \(s.aucHot)")
        #expect(s.legend.count == 5 && s.legend[0].hasPrefix("cool: below"))
    }

    @Test func aBadVoteIsNamedWithItsLine() throws {
        let path = TestFiles.root + "survey-\(UUID().uuidString).csv"
        try "time,lon,lat,vote\n2022-07-18T15:00:00+02:00,-0.56,44.83,hot\n2022-07-18T15:10:00+02:00,-0.56,44.83,boiling\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try SurveyFile.read(path: path) } throws: { "\($0)".contains("line 3") && "\($0)".contains("boiling") }
    }
}

/// Cool-island access in strips (StripedAccess) against the whole grid in memory (IslandAnalysis), on the sample
/// run's day map: the same median, the same islands cell for cell, the same share within 300 m and the same cells
/// reached in a window — the strips (256 rows, four over the 800 rows of the 5 m sample) see what the whole grid does.
@Suite(.tags(.endToEnd)) struct StripedAccessTests {
    @Test func stripsGiveTheWholeGridsIslandsAndAccess() throws {
        let folder = try RunFolder(SampleRun.folder + "/run")
        let grid = folder.record.grid
        let day = try folder.read(RunFolder.map(.day))
        let rows: StripedAccess.Rows = { y, h in Array(day.values[(y * grid.width)..<((y + h) * grid.width)]) }
        let options = DiagnosisOptions()
        let median = IslandAnalysis.quantile(day.values, 0.5)
        #expect(try StripedAccess.quantile(width: grid.width, height: grid.height, rows: rows, q: 0.5) == median)
        for q in [0.0, 0.1, 0.9, 1.0] {
            #expect(try StripedAccess.quantile(width: grid.width, height: grid.height, rows: rows, q: q) == IslandAnalysis.quantile(day.values, q), "quantile \(q)")
        }
        let limit = max(options.coolMaxICTU, median - options.coolBelowMedian)
        let minCells = max(1, Int((options.minIslandSquareMetres / grid.cellArea).rounded(.up)))
        let whole = IslandAnalysis.regions(values: day, minCells: minCells) { !day.values[$0].isNaN && Double(day.values[$0]) < limit }
        let striped = try StripedAccess.regions(width: grid.width, height: grid.height, rows: rows, minCells: minCells) { !$0.isNaN && Double($0) < limit }
        let differing = (0..<grid.cellCount).filter { (whole.labels[$0] > 0) != striped[$0 % grid.width, $0 / grid.width] }.count
        #expect(differing == 0, "\(differing) cells differ")
        #expect(whole.regions.count > 3 && striped.count > 1000, "islands to compare: \(whole.regions.count), \(striped.count) cells")
        // Regions spanning strips: a region whose rows cross a strip's edge (every 256 rows) is one region in both.
        var firstRow: [Int32: Int] = [:], lastRow: [Int32: Int] = [:]
        for i in 0..<grid.cellCount where whole.labels[i] > 0 {
            firstRow[whole.labels[i]] = min(firstRow[whole.labels[i]] ?? .max, i / grid.width); lastRow[whole.labels[i]] = i / grid.width
        }
        #expect(firstRow.contains { $0.value < 256 && lastRow[$0.key]! >= 256 }, "an island crosses a strip's edge")

        let access = IslandAnalysis.access(width: grid.width, height: grid.height, cellSize: grid.cellSize, radius: options.accessMetres,
                                           isSource: { whole.labels[$0] > 0 }, counts: { !day.values[$0].isNaN })
        let window = Window(x: 100, y: 200, width: 300, height: 200) // across the edge between the first two strips
        let stripedAccess = try StripedAccess.access(width: grid.width, height: grid.height, cellSize: grid.cellSize, radius: options.accessMetres,
                                                     sources: striped, rows: rows, counts: { !$0.isNaN }, window: window)
        #expect(stripedAccess.share == access.share, "share within 300 m: \(stripedAccess.share) in strips, \(access.share) whole")
        #expect(access.share > 0.05 && access.share < 0.95, "the share is neither empty nor full: \(access.share)")
        var reachedDiffer = 0
        for r in 0..<window.height { for c in 0..<window.width {
            let within = Double(access.distance[(window.y + r) * grid.width + window.x + c]) <= options.accessMetres
            if within != stripedAccess.reached![c, r] { reachedDiffer += 1 }
        } }
        #expect(reachedDiffer == 0)
        let alone = StripedAccess.reached(window, sources: striped, cellSize: grid.cellSize, radius: options.accessMetres)
        #expect(alone.words == stripedAccess.reached!.words, "a window's reach alone is the strips' over it")
    }

    /// `ictu diagnose` reads the maps in strips (four of 256 rows on the 5 m sample): its islands, shares and
    /// distances are the whole grid's, found here in memory — the cool islands and the share within 300 m, the
    /// distance map to the bit (exact everywhere, also beyond 300 m where a halo would not reach), and each heat
    /// island by day and night (area, mean, maximum, centroid, nearest cool island).
    @Test func theDiagnosisInStripsIsTheWholeGridsOne() throws {
        let run = try SampleRun.copyOfRun()
        let summary = try Diagnosis.run(run: run)
        let folder = try RunFolder(run)
        let grid = folder.record.grid
        let options = DiagnosisOptions()
        let day = try folder.read(RunFolder.map(.day)), night = try folder.read(RunFolder.map(.night))
        let minCells = max(1, Int((options.minIslandSquareMetres / grid.cellArea).rounded(.up)))
        let limit = max(options.coolMaxICTU, IslandAnalysis.quantile(day.values, 0.5) - options.coolBelowMedian)
        let cool = IslandAnalysis.regions(values: day, minCells: minCells) { !day.values[$0].isNaN && Double(day.values[$0]) < limit }
        #expect(summary.coolIslands == cool.regions.count && cool.regions.count > 3)
        #expect(summary.coolIslandAreaSquareMetres == Double(cool.regions.map(\.cells).reduce(0, +)) * grid.cellArea)
        let access = IslandAnalysis.access(width: grid.width, height: grid.height, cellSize: grid.cellSize, radius: options.accessMetres,
                                           isSource: { cool.labels[$0] > 0 }, counts: { !day.values[$0].isNaN })
        #expect(summary.shareWithinAccess == access.share)
        let written = try RasterDataset.open(run + "/diagnosis/cool_island_distance.tif").band(1).read(x: 0, y: 0, width: grid.width, height: grid.height)
        let expected = access.distance.indices.map { day.values[$0].isNaN ? -1 : (access.distance[$0].isFinite ? access.distance[$0] : 1e9) }
        #expect(written == expected, "\(zip(written, expected).filter { $0 != $1 }.count) cells of the distance map differ")
        #expect(expected.contains { $0 > 600 }, "distances beyond two radii are in the map: \(expected.max() ?? 0) m")
        for (regime, values) in [(Regime.day, day), (.night, night)] {
            let threshold = IslandAnalysis.quantile(values.values, options.heatPercentile)
            let zone = FocalMean.gaussian(values, radiusCells: options.islandScaleMetres / grid.cellSize)
            let heatMinCells = max(minCells, Int((options.minHeatIslandSquareMetres / grid.cellArea).rounded(.up)))
            let found = IslandAnalysis.regions(values: values, minCells: heatMinCells) { !zone.values[$0].isNaN && Double(zone.values[$0]) >= threshold }
            let records = summary.heatIslands.filter { $0.window == regime.rawValue }
            #expect(summary.heatThresholds[regime.rawValue] == threshold)
            #expect(records.count == found.regions.count && records.count > 3, "\(regime): \(records.count) islands in strips, \(found.regions.count) whole")
            let toWGS = try CoordinateTransform(from: grid.crs, to: "EPSG:4326")
            for (record, region) in zip(records, found.regions) {
                #expect(record.id == Int(region.label) && record.areaSquareMetres == Double(region.cells) * grid.cellArea)
                #expect(abs(record.meanICTU - region.mean) < 1e-9 && record.maxICTU == region.max)
                let centre = try toWGS.transform(x: grid.originX + region.centroid.col * grid.cellSize, y: grid.originY - region.centroid.row * grid.cellSize)
                #expect(abs(record.longitude - centre.x) < 1e-9 && abs(record.latitude - centre.y) < 1e-9)
                let inside = found.labels.indices.filter { found.labels[$0] == region.label }.map { access.distance[$0] }.filter(\.isFinite).sorted()
                #expect(record.nearestCoolIslandMetres == (inside.isEmpty ? nil : Double(inside[inside.count / 2])))
            }
        }
    }
}
