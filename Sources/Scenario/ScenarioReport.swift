import Foundation
import GeoIO
import Grid
import Model
import Reports
import Support

/// `summary.html` of a scenario: before / after / difference maps around the edits with their legends and the
/// perimeter outlined, then the figures of the summary. Self-contained like `report.html`.
public enum ScenarioReport {
    static let mapPixels = 640

    public static func html(result: SimulationResult, base: SimulationBase) throws -> String {
        let s = result.summary
        let grid = base.record.grid
        var page = HTMLPage(title: tr("Scenario {}", s.scenario))
        page.add("<h1>\(escape(tr("Scenario")))<code> \(escape(s.scenario))</code></h1>")
        let more = s.changedWindow.map { $0.cellCount > s.recomputedCells ? tr(", {} more whose air alone changes (neighbourhoods and park cooling)", $0.cellCount - s.recomputedCells) : "" } ?? ""
        page.add("<p class=lead>" + escape(tr("On the run {}: {} edit(s); {} cells recomputed (the edits and the reach of their shade and sky){}; day = mean of 14–17 h, composite hot day. Computed in {} s.",
                                              URL(fileURLWithPath: base.folder.path).lastPathComponent, s.edits.count, s.recomputedCells, more, shown(s.seconds, 1))) + "</p>")
        page.add(editsTable(s))
        if let edited = result.surface.editedWindow {
            let view = edited.expanded(by: Int((400 / grid.cellSize).rounded()), within: grid.width, grid.height)
            let factor = max(1, Int((Double(max(view.width, view.height)) / Double(mapPixels)).rounded(.up)))
            let w = max(1, view.width / factor), h = max(1, view.height / factor)
            let perimeter = result.surface.perimeter(over: view)
            // The maps over the view only, sampled every `factor` cells.
            func sample(_ plane: Plane) -> [Float] {
                (0..<(w * h)).map { k in plane.values[((k / w) * factor + factor / 2) * view.width + (k % w) * factor + factor / 2] }
            }
            // Outline: sampled cells inside the perimeter with a sampled neighbour outside.
            func isEdge(_ k: Int) -> Bool {
                func inside(_ c: Int, _ r: Int) -> Bool {
                    guard c >= 0, c < w, r >= 0, r < h else { return false }
                    return perimeter[(r * factor + factor / 2) * view.width + c * factor + factor / 2]
                }
                let c = k % w, r = k / w
                return inside(c, r) && !(inside(c + 1, r) && inside(c - 1, r) && inside(c, r + 1) && inside(c, r - 1))
            }
            let edges = (0..<(w * h)).map(isEdge)
            func png(_ values: [Float], _ ramp: ColourRamp, changes: Bool = false) throws -> Data {
                let marked = values.indices.map { k -> Float in
                    edges[k] ? -999 : changes && becameOpen[k] ? -998 : changes && becameBuilding[k] ? -997 : values[k]
                }
                return try PNGImage.encode(rgba: MapFigure.rgba(marked) { v in
                    v == -999 ? (20, 20, 20, 255) : v == -998 ? (190, 190, 190, 255) : v == -997 ? (90, 90, 90, 255) : v.isNaN ? (255, 255, 255, 0) : ramp.rgba(v)
                }, width: w, height: h)
            }
            let before = sample(try base.map(.day, window: view)), after = sample(try result.after(.day, window: view, base: base))
            let delta = zip(after, before).map { a, b in a.isNaN || b.isNaN ? Float.nan : a - b }
            // Cells that change between building and open ground have a felt temperature on one side only: shown in grey.
            let becameOpen = zip(after, before).map { a, b in b.isNaN && !a.isNaN }, becameBuilding = zip(after, before).map { a, b in !b.isNaN && a.isNaN }
            let range = ColourRamp.differenceRange(largest: Double(delta.filter { !$0.isNaN }.map { abs($0) }.max() ?? 1))
            let metres = grid.cellSize * Double(factor)
            page.add("<section id=maps><h2>\(escape(tr("Day ICTU before, after and the difference")))</h2><div class=charts>")
            for (title, values) in [(tr("Before"), before), (tr("After"), after)] {
                page.add("<figure class=chart>" + MapFigure.map(png: try png(values, .utci), width: w, height: h, metresPerPixel: metres, overlay: "") + "<figcaption>\(escape(title))</figcaption></figure>")
            }
            page.add("</div>")
            page.add(MapFigure.legend(.utci, caption: tr("Day ICTU (UTCI-equivalent, °C); class boundaries 26 / 32 / 38 / 46 °C. Black outline: the edits. Buildings blank.")))
            page.add("<figure>" + MapFigure.map(png: try png(delta, .difference(range: range), changes: true), width: w, height: h, metresPerPixel: metres, overlay: "")
                     + "<figcaption>\(escape(tr("After − before, day (blue cooler, red warmer). Light grey: a building before, open ground after (no felt temperature before); dark grey: a new building; blank: buildings before and after.")))</figcaption></figure>")
            page.add(MapFigure.legend(.difference(range: range), caption: tr("Change of the day ICTU, °C.")))
            page.add("</section>")
        }
        page.add("<section id=figures><h2>\(escape(tr("Figures")))</h2>")
        page.add(zonesTable(s))
        page.add(classTable(s))
        var rows = ""
        func row(_ label: String, _ v: ScenarioSummary.BeforeAfter?, percent: Bool, digits: Int = 0) {
            guard let v else { return }
            let k = percent ? 100.0 : 1.0, unit = percent ? " %" : " m"
            rows += "<tr><th scope=row>\(escape(label))</th><td>\(shown(v.before * k, digits))\(unit)</td><td>\(shown(v.after * k, digits))\(unit)</td><td>\(shown(v.change * k, digits, signed: true))\(unit)</td></tr>"
        }
        row(tr("Public space in strong heat stress or worse (≥ 32 °C) at {} h, study area", s.hour), s.strongOrWorseShare, percent: true, digits: 1)
        row(tr("Public space in very strong heat stress or worse (≥ 38 °C) at {} h, study area", s.hour), s.veryStrongOrWorseShare, percent: true, digits: 1)
        row(tr("Open ground within 300 m of a cool island, study area"), s.coolIslandAccessShare, percent: true, digits: 1)
        row(tr("Open ground within 300 m of a cool island, whole city"), s.coolIslandAccessShareCity, percent: true, digits: 2)
        row(tr("Population within 300 m of a cool island, whole city"), s.populationCoolIslandAccessShare, percent: true, digits: 2)
        row(tr("Sidewalk length along façades, study area"), s.sidewalkMetres, percent: false)
        row(tr("Shaded sidewalk at {} h, study area", s.hour), s.shadedSidewalkMetres, percent: false)
        page.add("<table><caption>\(escape(tr("Before and after")))</caption><tr><th></th><th>\(escape(tr("before")))</th><th>\(escape(tr("after")))</th><th>\(escape(tr("change")))</th></tr>\(rows)</table>")
        page.add("<p><small>\(escape(tr("Definitions: {}.", tr(ScenarioSummary.definitionsText))))</small></p></section>")
        return page.render()
    }

    static func editsTable(_ s: ScenarioSummary) -> String {
        let rows = s.edits.map { e in
            "<tr><th scope=row>\(e.index)</th><td>\(escape(e.id))</td><td>\(escape(tr(e.kind)))</td><td>\(shown(e.areaSquareMetres / 10_000, 2)) ha</td><td style=text-align:left>"
                + e.parameters.sorted { $0.key < $1.key }.map { "\(escape($0.key)) = \(shown($0.value, 2))" }.joined(separator: ", ") + "</td></tr>"
        }.joined()
        return "<table><caption>\(escape(tr("Edits (in file order; later ones override earlier ones)")))</caption><tr><th>#</th><th>id</th><th>\(escape(tr("kind")))</th><th>\(escape(tr("area")))</th><th>\(escape(tr("parameters")))</th></tr>\(rows)</table>"
    }

    static func zonesTable(_ s: ScenarioSummary) -> String {
        let rows = s.zones.map { z in
            "<tr><th scope=row>\(escape(tr(z.zone)))</th><td>\(shown(z.openAreaSquareMetres / 10_000, 2)) ha</td><td>\(shown(z.dayMeanChange ?? .nan, 2, signed: true))</td>"
                + "<td>\(shown(z.nightMeanChange ?? .nan, 2, signed: true))</td><td>\(shown(z.dayLargestCooling ?? .nan, 2, signed: true))</td><td>\(shown(z.dayLargestWarming ?? .nan, 2, signed: true))</td></tr>"
        }.joined()
        return "<table><caption>\(escape(tr("Change of the ICTU (after − before, °C, area-weighted over open ground)")))</caption><tr><th>\(escape(tr("zone")))</th><th>\(escape(tr("open area")))</th><th>\(escape(tr("day mean")))</th><th>\(escape(tr("night mean")))</th><th>\(escape(tr("day, most cooled cell")))</th><th>\(escape(tr("day, most warmed cell")))</th></tr>\(rows)</table>"
    }

    static func classTable(_ s: ScenarioSummary) -> String {
        let rows = s.classAreasDay.map { c in
            "<tr><th scope=row>\(escape(tr(c.utciClass))) (\(escape(c.range)))</th><td>\(shown(c.beforeSquareMetres / 10_000, 2)) ha</td><td>\(shown(c.afterSquareMetres / 10_000, 2)) ha</td><td>\(shown((c.afterSquareMetres - c.beforeSquareMetres) / 10_000, 2, signed: true)) ha</td></tr>"
        }.joined()
        return "<table><caption>\(escape(tr("Public space of the study area per heat-stress class (day ICTU)")))</caption><tr><th>\(escape(tr("class")))</th><th>\(escape(tr("before")))</th><th>\(escape(tr("after")))</th><th>\(escape(tr("change")))</th></tr>\(rows)</table>"
    }
}
