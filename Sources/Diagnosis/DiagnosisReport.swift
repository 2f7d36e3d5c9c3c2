import Foundation
import GeoIO
import Grid
import Reports
import Support

/// The diagnosis section of report.html: heat and cool islands on the day map, the 300 m access gaps, and
/// the tables a planner acts on (hottest islands and their causes, districts, most exposed buildings, survey legend).
enum DiagnosisReport {
    static let begin = "<!-- ictu diagnosis -->", end = "<!-- /ictu diagnosis -->"

    /// The section's maps, a grid cell every `factor` (nearest-cell decimation: a map of categories, no averaging
    /// across them), filled while the diagnosis reads its strips: the day ICTU, the islands and the distances there.
    struct Picture {
        let factor: Int, width: Int, height: Int
        /// The grid's width, which a strip spans, and its cell size.
        let gridWidth: Int, cellSize: Double
        var day: [Float], heat: [Bool], cool: [Bool], distance: [Float]

        init(grid: GridSpec) {
            factor = max(1, Int((Double(max(grid.width, grid.height)) / Double(MapFigure.mapPixels)).rounded(.up)))
            width = max(1, grid.width / factor); height = max(1, grid.height / factor)
            gridWidth = grid.width; cellSize = grid.cellSize
            day = [Float](repeating: .nan, count: width * height)
            heat = [Bool](repeating: false, count: width * height); cool = heat
            distance = [Float](repeating: .infinity, count: width * height)
        }

        /// The pixel showing the grid's cell (col, row), if one does.
        func pixel(col: Int, row: Int) -> Int? {
            let c = col - factor / 2, r = row - factor / 2
            guard c >= 0, r >= 0, c % factor == 0, r % factor == 0, c / factor < width, r / factor < height else { return nil }
            return (r / factor) * width + c / factor
        }

        /// Sets each shown pixel of a strip of whole rows of the grid starting at row `y`.
        mutating func take(_ strip: [Float], from y: Int, _ set: (inout Picture, Int, Float) -> Void) {
            for r in 0..<(strip.count / gridWidth) {
                for p in 0..<width {
                    let col = p * factor + factor / 2
                    if let i = pixel(col: col, row: y + r) { set(&self, i, strip[r * gridWidth + col]) }
                }
            }
        }

        mutating func mark(col: Int, row: Int, _ set: (inout Picture, Int) -> Void) {
            if let i = pixel(col: col, row: row) { set(&self, i) }
        }

        /// Reads each shown row of the grid (`read(row)`, the whole width) and sets its shown pixels.
        mutating func takeRows(_ read: (Int) throws -> [Float], mark: (inout Picture, Int, Float) -> Void) throws {
            for r in 0..<height { try take(read(r * factor + factor / 2), from: r * factor + factor / 2, mark) }
        }
    }

    static func section(summary: DiagnosisSummary, picture: Picture) throws -> String {
        let w = picture.width, h = picture.height, factor = picture.factor
        var islands = [UInt8](repeating: 0, count: w * h * 4), gaps = islands
        for i in 0..<(w * h) {
            let v = picture.day[i], o = 4 * i
            guard !v.isNaN else { continue }
            let g = MapFigure.backgroundGrey(v)
            var px: (UInt8, UInt8, UInt8) = (g, g, g)
            if picture.heat[i] { px = (215, 48, 39) } else if picture.cool[i] { px = (33, 102, 172) }
            islands[o] = px.0; islands[o + 1] = px.1; islands[o + 2] = px.2; islands[o + 3] = 255
            let gap = Double(picture.distance[i]) > summary.accessMetres
            let q: (UInt8, UInt8, UInt8) = picture.cool[i] ? (33, 102, 172) : gap ? (253, 174, 97) : (199, 233, 192)
            gaps[o] = q.0; gaps[o + 1] = q.1; gaps[o + 2] = q.2; gaps[o + 3] = 255
        }
        let metresPerPixel = picture.cellSize * Double(factor)
        var html = "\(begin)<section id=diagnosis><h2>\(escape(tr("Diagnosis")))</h2>"
        html += "<p>\(escape(tr("A heat island is open ground (streets, squares, yards) hotter than nine-tenths of the city's by day or by night, over at least half a hectare; a cool island is open ground in at most strong heat stress by day, where people can find relief.")))</p>"
        html += "<h3>\(escape(tr("Heat and cool islands (day)")))</h3><figure>"
        html += MapFigure.map(png: try PNGImage.encode(rgba: islands, width: w, height: h), width: w, height: h, metresPerPixel: metresPerPixel, overlay: "")
        html += swatches([("#d73027", tr("heat island (day ICTU ≥ {} °C)", shown(summary.heatThresholds["day"] ?? .nan, 1))), ("#2166ac", tr("cool island")), ("#bbbbbb", tr("other open ground (darker = hotter)"))])
        html += "<figcaption>\(escape(summary.coolCriterion)).</figcaption></figure>"
        html += "<h3>\(escape(tr("Within {} m of a cool island", Int(summary.accessMetres))))</h3><figure>"
        html += MapFigure.map(png: try PNGImage.encode(rgba: gaps, width: w, height: h), width: w, height: h, metresPerPixel: metresPerPixel, overlay: "")
        html += swatches([("#2166ac", tr("cool island")), ("#c7e9c0", tr("within {} m", Int(summary.accessMetres))), ("#fdae61", tr("gap: farther than {} m", Int(summary.accessMetres)))])
        html += "<figcaption>\(escape(tr("{} % of the open ground is within {} m of one of the {} cool islands; {} % of it is in strong heat stress or worse by day.", shown(100 * summary.shareWithinAccess, 0), Int(summary.accessMetres), summary.coolIslands, shown(100 * summary.shareOpenGroundStrongOrWorseDay, 0))))</figcaption></figure>"
        for window in ["day", "night"] {
            let rows = summary.heatIslands.filter { $0.window == window }.prefix(10).map { i in
                "<tr><th scope=row>\(i.id)</th><td style=\"text-align:left\">\(escape(i.whereText ?? "—"))</td><td>\(shown(i.areaSquareMetres / 10_000, 2))</td><td>\(shown(i.meanICTU, 1))</td><td>\(shown(i.maxICTU, 1))</td><td style=\"text-align:left\">\(escape(i.causeText))</td><td>\(i.nearestCoolIslandMetres.map { shown($0, 0) } ?? "—")</td></tr>"
            }.joined()
            let count = summary.heatIslands.filter { $0.window == window }.count
            html += "<table class=islands-\(window)><caption>\(escape(window == "day" ? tr("Hottest heat islands by day (of {})", count) : tr("Hottest heat islands at night (of {})", count)))</caption><thead><tr><th scope=col>\(escape(tr("rank")))</th><th scope=col>\(escape(tr("where")))</th><th scope=col>\(escape(tr("area, ha")))</th><th scope=col>\(escape(tr("mean, °C")))</th><th scope=col>\(escape(tr("max, °C")))</th><th scope=col>\(escape(tr("causes (excess over the city's open ground)")))</th><th scope=col>\(escape(tr("nearest cool island, m")))</th></tr></thead><tbody>\(rows)</tbody></table>"
        }
        if let top = summary.mostExposedBuildings, !top.isEmpty {
            let rows = top.prefix(10).map { b in
                "<tr><th scope=row>\(b.rank)</th><td style=\"text-align:left\">\(escape(b.street ?? tr("feature {}", b.feature)))</td><td style=\"text-align:left\">\(escape(tr(b.use)))\(b.sensitive ? " <strong>(\(escape(tr("sensitive"))))</strong>" : "")</td><td>\(shown(b.dayMean, 1))</td><td>\(shown(b.nightMean, 1))</td><td>\(shown(100 * b.veryStrongShare, 0))</td></tr>"
            }.joined()
            html += "<table><caption>\(escape(tr("Most exposed buildings (sensitive uses first) — {} buildings, {} sensitive", summary.buildings ?? 0, summary.sensitiveBuildings ?? 0)))</caption><thead><tr><th scope=col>\(escape(tr("rank")))</th><th scope=col>\(escape(tr("street")))</th><th scope=col>\(escape(tr("use")))</th><th scope=col>\(escape(tr("day, °C")))</th><th scope=col>\(escape(tr("night, °C")))</th><th scope=col>\(escape(tr("surroundings ≥ 38 °C, %")))</th></tr></thead><tbody>\(rows)</tbody></table>"
        }
        if !summary.districts.isEmpty {
            let rows = summary.districts.map { d in
                "<tr><th scope=row>\(escape(d.name))</th><td>\(shown(d.openAreaSquareMetres / 10_000, 1))</td><td>\(shown(d.dayMean, 1))</td><td>\(shown(d.dayP90, 1))</td><td>\(shown(d.nightMean, 1))</td><td>\(shown(100 * d.canopyShare, 0))</td><td>\(shown(100 * d.sealedShare, 0))</td></tr>"
            }.joined()
            html += "<table><caption>\(escape(tr("Districts")))</caption><thead><tr><th scope=col>\(escape(tr("district")))</th><th scope=col>\(escape(tr("open area, ha")))</th><th scope=col>\(escape(tr("day mean, °C")))</th><th scope=col>\(escape(tr("day P90, °C")))</th><th scope=col>\(escape(tr("night mean, °C")))</th><th scope=col>\(escape(tr("trees cool, %")))</th><th scope=col>\(escape(tr("sealed warms, %")))</th></tr></thead><tbody>\(rows)</tbody></table>"
            html += "<p class=note>\(escape(tr("P90: the value nine-tenths of the district's open ground stays under. Trees cool, sealed warms: the share of the open ground where the tree canopy lowers, and the sealed ground raises, the felt temperature.")))</p>"
        }
        if let s = summary.survey {
            html += "<h3>\(escape(tr("What residents feel")))</h3><p>\(escape(tr("{} survey answers: Spearman ρ {} between the ICTU and the votes; AUC {} for telling “hot” and “very hot” apart. The thresholds fitted on the answers, an alternative legend:", s.used, shown(s.spearman, 2), shown(s.aucHot, 2))))</p><ul>"
                + s.legend.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        return HTMLPage.scrollingTables(html + "</section>\(end)")
    }

    static func swatches(_ items: [(String, String)]) -> String {
        "<p class=swatches>" + items.map { "<span style=\"display:inline-block;width:14px;height:14px;background:\($0.0);border:1px solid #444;vertical-align:middle\"></span> \(escape($0.1))" }.joined(separator: " &nbsp; ") + "</p>"
    }

    /// report.html with this section in place of an earlier one (or before </body>), written to a temporary file and renamed.
    static func insert(_ section: String, intoReportAt path: String) throws {
        guard var html = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        if let a = html.range(of: begin), let b = html.range(of: end) { html.replaceSubrange(a.lowerBound..<b.upperBound, with: section) }
        else if let body = html.range(of: "</body>") { html.replaceSubrange(body, with: section + "\n</body>") }
        if !html.contains("<a href=#diagnosis>") {
            html = html.replacingOccurrences(of: "<a href=#annexes>", with: "<a href=#diagnosis>\(escape(tr("Diagnosis")))</a> · <a href=#annexes>")
        }
        let temporary = path + ".tmp-\(getpid())"
        try html.write(toFile: temporary, atomically: false, encoding: .utf8)
        // rename(2) replaces the old report atomically: a reader sees the old page or the new one, never half of one.
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw OutputError("could not update \(path): \(String(cString: strerror(errno)))")
        }
    }
}
