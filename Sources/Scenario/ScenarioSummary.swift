import Diagnosis
import Engine
import Foundation
import Grid
import Model

/// What a scenario changes, as a designer or a planner would quote it (docs/model.md, "Scenarios"): the change in the
/// perimeter and in rings around it, heat-stress classes of the public space, the share in strong stress at 15 h,
/// access to cool islands and shaded sidewalks, before and after.
///
/// Definitions. *Perimeter*: the cells the edits cover. *Rings*: open cells whose centre is 0–100 m and
/// 100–300 m (≈ a 5-minute walk) from the perimeter. *Study area*: perimeter and rings. *Public space*: the
/// open ground (no building; no private/public register is an input) of the study area. *Cool islands* as in
/// `ictu diagnose` (day ICTU < 32 °C or ≥ 4 °C under the median, ≥ 500 m²), mapped over the whole city before
/// and after. *Sidewalk*: a sealed open cell sharing an edge with a building; its length is the shared edges;
/// shaded when at most half of it is sunlit at 15 h.
public struct ScenarioSummary: Codable, Sendable {
    public struct EditRecord: Codable, Sendable {
        public var index: Int, id: String, kind: String
        public var parameters: [String: Double]
        public var areaSquareMetres: Double
    }
    public struct ZoneChange: Codable, Sendable {
        public var zone: String
        public var openAreaSquareMetres: Double
        /// Area-weighted mean of after − before, °C (nil without open cells).
        public var dayMeanChange: Double?, nightMeanChange: Double?
        public var dayLargestCooling: Double?, dayLargestWarming: Double?
    }
    public struct ClassArea: Codable, Sendable {
        public var utciClass: String, range: String
        public var beforeSquareMetres: Double, afterSquareMetres: Double
    }
    public struct BeforeAfter: Codable, Sendable {
        public var before: Double, after: Double
        public var change: Double { after - before }
    }

    public var scenario: String
    public var edits: [EditRecord]
    /// The cells recomputed (the edits and the reach of their shade and sky), and how many; the window where the
    /// air's change was shifted beyond them (the wide neighbourhoods and the park term).
    public var recomputedWindow: Window?
    public var recomputedCells: Int
    public var changedWindow: Window? = nil
    public var studyAreaSquareMetres: Double
    public var zones: [ZoneChange]
    public var classAreasDay: [ClassArea]
    /// Local hour of the "at 15 h" figures (the nearest hour the reference gives).
    public var hour: Int
    public var strongOrWorseShare: BeforeAfter?
    public var veryStrongOrWorseShare: BeforeAfter?
    public var coolIslandAccessShare: BeforeAfter?
    public var coolIslandAccessShareCity: BeforeAfter?
    public var populationCoolIslandAccessShare: BeforeAfter?
    public var sidewalkMetres: BeforeAfter?
    public var shadedSidewalkMetres: BeforeAfter?
    public var seconds: Double
    public var stageSeconds: [String: Double] = [:]
    public var definitions: String
    /// True while the figures that need the whole city or an hour's maps (cool-island access, the 15 h shares and
    /// sidewalks) are still being computed: the server answers with the rest first. Absent once complete.
    public var pending: Bool? = nil
    /// Why those figures are missing, when their computation failed.
    public var failure: String? = nil

    static let empty = ScenarioSummary(scenario: "", edits: [], recomputedWindow: nil, recomputedCells: 0, studyAreaSquareMetres: 0, zones: [], classAreasDay: [],
                                       hour: 15, strongOrWorseShare: nil, veryStrongOrWorseShare: nil, coolIslandAccessShare: nil, coolIslandAccessShareCity: nil,
                                       populationCoolIslandAccessShare: nil, sidewalkMetres: nil, shadedSidewalkMetres: nil, seconds: 0, definitions: "")

    /// The zones the change is summed over, from the edits outwards.
    public static let zoneNames = ["perimeter", "ring 0–100 m", "ring 100–300 m"]
    public static let definitionsText = "perimeter: cells the edits cover; rings: open cells 0–100 m and 100–300 m from the perimeter; study area: perimeter and rings; public space: open ground (no building) of the study area; cool islands as in `ictu diagnose`; sidewalk: sealed open cell sharing an edge with a building, length = shared edges, shaded when at most half sunlit at the hour given"

    static let ringMetres = (inner: 100.0, outer: 300.0)

    /// The summary; with `firstFiguresOnly`, without what needs the whole city or an hour's maps (`pending` says so).
    static func compute(name: String, scenario: Scenario, result: SimulationResult, base: SimulationBase, settings: MapSettings, parksAfter: ParkField,
                        edited: (Window) throws -> SurfaceLayers, blockSize: Int, seconds: Double, firstFiguresOnly: Bool = false) throws -> ScenarioSummary {
        let grid = base.record.grid
        let cellArea = grid.cellArea
        let surface = result.surface
        var summary = ScenarioSummary.empty
        summary.scenario = name
        summary.definitions = definitionsText
        summary.edits = zip(scenario.edits, surface.masks).map { edit, mask in
            EditRecord(index: edit.index, id: edit.id, kind: edit.kind.rawValue, parameters: edit.values, areaSquareMetres: Double(mask.cells) * cellArea)
        }
        summary.recomputedWindow = result.recomputed
        summary.recomputedCells = result.recomputed?.cellCount ?? 0
        summary.changedWindow = result.region

        // Cool islands over the whole city, before (the run's, kept by the base) and after; the maps read in strips.
        let accessBefore = firstFiguresOnly ? nil : try base.coolIslandAccess
        let accessAfter = firstFiguresOnly ? nil : result.region == nil ? accessBefore : try CoolIslandAccess(grid: grid, population: base.population) { y, h in
            try result.after(.day, window: Window(x: 0, y: y, width: grid.width, height: h), base: base, passing: true).values
        }
        if firstFiguresOnly { summary.pending = true }
        if let accessBefore, let accessAfter {
            summary.coolIslandAccessShareCity = BeforeAfter(before: accessBefore.share, after: accessAfter.share)
            if let before = accessBefore.populationShare, let after = accessAfter.populationShare {
                summary.populationCoolIslandAccessShare = BeforeAfter(before: before, after: after)
            }
        }
        guard let editedWindow = surface.editedWindow else { summary.seconds = seconds; return summary }

        // The study area: the perimeter and its rings, in a window around the edits.
        let study = editedWindow.expanded(by: Int((ringMetres.outer / grid.cellSize).rounded(.up)) + 1, within: grid.width, grid.height)
        let beforeDay = try base.map(.day, window: study), afterDay = try result.after(.day, window: study, base: base)
        let beforeNight = try base.map(.night, window: study), afterNight = try result.after(.night, window: study, base: base)
        let reachedBefore = accessBefore?.reached(study, grid: grid), reachedAfter = accessAfter?.reached(study, grid: grid)
        let perimeter = surface.perimeter(over: study)
        let (distanceCells, _) = DistanceTransform.nearest(width: study.width, height: study.height) { perimeter[$0] }
        func zone(_ o: Int) -> Int? { // 0 perimeter, 1 inner ring, 2 outer ring
            let d = Double(distanceCells[o]) * grid.cellSize
            if perimeter[o] { return 0 }
            return d <= ringMetres.inner ? 1 : d <= ringMetres.outer ? 2 : nil
        }
        var n = [Int](repeating: 0, count: 3), sumDay = [Double](repeating: 0, count: 3), sumNight = [Double](repeating: 0, count: 3), nNight = [Int](repeating: 0, count: 3)
        var lo = [Double](repeating: .infinity, count: 3), hi = [Double](repeating: -.infinity, count: 3)
        var studyCells = 0
        let classes: [UTCI.StressClass] = [.none, .moderateHeat, .strongHeat, .veryStrongHeat, .extremeHeat]
        var classBefore = [Int](repeating: 0, count: classes.count), classAfter = classBefore
        func classIndex(_ v: Float) -> Int? { classes.firstIndex(of: UTCI.StressClass(utci: Double(v))) ?? (Double(v) < 9 ? 0 : nil) }
        var accessStudy = (before: 0, after: 0, openBefore: 0, openAfter: 0)
        for o in 0..<study.cellCount {
            guard let z = zone(o) else { continue }
            studyCells += 1
            let b = beforeDay.values[o], a = afterDay.values[o]
            if !b.isNaN, let k = classIndex(b) { classBefore[k] += 1 }
            if !a.isNaN, let k = classIndex(a) { classAfter[k] += 1 }
            if !b.isNaN, let reachedBefore { accessStudy.openBefore += 1; if reachedBefore[o % study.width, o / study.width] { accessStudy.before += 1 } }
            if !a.isNaN, let reachedAfter { accessStudy.openAfter += 1; if reachedAfter[o % study.width, o / study.width] { accessStudy.after += 1 } }
            if !b.isNaN, !a.isNaN {
                let d = Double(a - b)
                n[z] += 1; sumDay[z] += d; lo[z] = min(lo[z], d); hi[z] = max(hi[z], d)
            }
            let bn = beforeNight.values[o], an = afterNight.values[o]
            if !bn.isNaN, !an.isNaN { nNight[z] += 1; sumNight[z] += Double(an - bn) }
        }
        summary.studyAreaSquareMetres = Double(studyCells) * cellArea
        let zoneNames = Self.zoneNames
        summary.zones = (0..<3).map { z in
            ZoneChange(zone: zoneNames[z], openAreaSquareMetres: Double(n[z]) * cellArea,
                       dayMeanChange: n[z] > 0 ? sumDay[z] / Double(n[z]) : nil, nightMeanChange: nNight[z] > 0 ? sumNight[z] / Double(nNight[z]) : nil,
                       dayLargestCooling: n[z] > 0 ? lo[z] : nil, dayLargestWarming: n[z] > 0 ? hi[z] : nil)
        }
        let ranges = ["< 26 °C", "26–32 °C", "32–38 °C", "38–46 °C", "> 46 °C"]
        summary.classAreasDay = classes.indices.map { k in
            ClassArea(utciClass: classes[k].label, range: ranges[k], beforeSquareMetres: Double(classBefore[k]) * cellArea, afterSquareMetres: Double(classAfter[k]) * cellArea)
        }
        if reachedAfter != nil {
            summary.coolIslandAccessShare = BeforeAfter(before: Double(accessStudy.before) / Double(max(1, accessStudy.openBefore)),
                                                        after: Double(accessStudy.after) / Double(max(1, accessStudy.openAfter)))
        }
        if firstFiguresOnly { summary.seconds = seconds; return summary }

        // At 15 h (the nearest hour the reference gives): strong stress or worse, and shaded sidewalks.
        guard let hour = settings.dayHours.min(by: { abs($0.localHour - 15) < abs($1.localHour - 15) }) else { summary.seconds = seconds; return summary }
        summary.hour = hour.localHour
        // The wide means before and after over what the study area's blocks sample, not the city's.
        let pass = BlockEngine.Pass(.day, [hour])
        let means = CoarseNeighbourhoods.around(study.expanded(by: settings.halo, within: grid.width, grid.height), before: base.parks, after: parksAfter,
                                                pass: pass, settings: settings)
        func atHour(park: ParkField, coarse: CoarseNeighbourhoods, layers: (Window) throws -> SurfaceLayers) throws -> (ictu: Plane, sunlit: Plane, building: Plane, sealed: Plane) {
            var out = (ictu: Plane(width: study.width, height: study.height), sunlit: Plane(width: study.width, height: study.height),
                       building: Plane(width: study.width, height: study.height), sealed: Plane(width: study.width, height: study.height))
            try BlockEngine.compute(region: study, blockSize: blockSize, settings: settings, passes: [pass], park: park, coarse: [coarse], layers: layers, deliver: { block in
                let x = block.core.x - study.x, y = block.core.y - study.y
                out.ictu.paste(block.fields[0].ictu, x: x, y: y)
                out.sunlit.paste(block.fields[0].sunlitFraction, x: x, y: y)
                out.building.paste(block.layers.buildingFraction.cropped(to: block.local), x: x, y: y)
                out.sealed.paste(block.layers.impervious.cropped(to: block.local), x: x, y: y)
            })
            return out
        }
        let before = try atHour(park: base.parks, coarse: means.before, layers: base.layers)
        let after = try atHour(park: parksAfter, coarse: means.after, layers: edited)
        func share(_ m: Plane, atLeast limit: Float) -> Double {
            var strong = 0, open = 0
            for o in 0..<study.cellCount where zone(o) != nil && !m.values[o].isNaN { open += 1; if m.values[o] >= limit { strong += 1 } }
            return Double(strong) / Double(max(1, open))
        }
        summary.strongOrWorseShare = BeforeAfter(before: share(before.ictu, atLeast: 32), after: share(after.ictu, atLeast: 32))
        summary.veryStrongOrWorseShare = BeforeAfter(before: share(before.ictu, atLeast: 38), after: share(after.ictu, atLeast: 38))
        func sidewalks(_ m: (ictu: Plane, sunlit: Plane, building: Plane, sealed: Plane)) -> (total: Double, shaded: Double) {
            var total = 0.0, shaded = 0.0
            let w = study.width, h = study.height
            for o in 0..<study.cellCount where zone(o) != nil && m.building.values[o] < 0.5 && m.sealed.values[o] >= 0.5 {
                let c = o % w, r = o / w
                var edges = 0
                for (dc, dr) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                    let cc = c + dc, rr = r + dr
                    if cc >= 0, cc < w, rr >= 0, rr < h, m.building.values[rr * w + cc] >= 0.5 { edges += 1 }
                }
                guard edges > 0 else { continue }
                let length = Double(edges) * grid.cellSize
                total += length
                if m.sunlit.values[o] <= 0.5 { shaded += length }
            }
            return (total, shaded)
        }
        let (sb, sa) = (sidewalks(before), sidewalks(after))
        summary.sidewalkMetres = BeforeAfter(before: sb.total, after: sa.total)
        summary.shadedSidewalkMetres = BeforeAfter(before: sb.shaded, after: sa.shaded)
        summary.seconds = seconds
        return summary
    }
}
