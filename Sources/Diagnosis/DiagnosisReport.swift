import Foundation
import GeoIO
import Grid
import Reports
import Support

/// The diagnosis section of report.html: heat and cool islands on the day map, the 300 m access gaps, and
/// the tables a planner acts on (hottest islands and their causes, districts, most exposed buildings, survey legend).
enum DiagnosisReport {
    static let begin = "<!-- ictu diagnosis -->", end = "<!-- /ictu diagnosis -->"

    static func section(summary: DiagnosisSummary, grid: GridSpec, day: Plane, heatLabels: [Int32], coolLabels: [Int32], distance: [Float]) throws -> String {
        let factor = max(1, Int((Double(max(grid.width, grid.height)) / Double(MapFigure.mapPixels)).rounded(.up)))
        let w = max(1, grid.width / factor), h = max(1, grid.height / factor)
        // Nearest-cell decimation: a map of categories (no averaging across them).
        func sample(_ c: Int, _ r: Int) -> Int { min(grid.height - 1, r * factor + factor / 2) * grid.width + min(grid.width - 1, c * factor + factor / 2) }
        var islands = [UInt8](repeating: 0, count: w * h * 4), gaps = islands
        for r in 0..<h { for c in 0..<w {
            let i = sample(c, r), o = 4 * (r * w + c)
            let v = day.values[i]
            guard !v.isNaN else { continue }
            let g = MapFigure.backgroundGrey(v)
            var px: (UInt8, UInt8, UInt8) = (g, g, g)
            if heatLabels[i] > 0 { px = (215, 48, 39) } else if coolLabels[i] > 0 { px = (33, 102, 172) }
            islands[o] = px.0; islands[o + 1] = px.1; islands[o + 2] = px.2; islands[o + 3] = 255
            let gap = Double(distance[i]) > summary.accessMetres
            let q: (UInt8, UInt8, UInt8) = coolLabels[i] > 0 ? (33, 102, 172) : gap ? (253, 174, 97) : (199, 233, 192)
            gaps[o] = q.0; gaps[o + 1] = q.1; gaps[o + 2] = q.2; gaps[o + 3] = 255
        } }
        let metresPerPixel = grid.cellSize * Double(factor)
        var html = "\(begin)<section id=diagnosis><h2>Diagnosis</h2>"
        html += "<h3>Heat and cool islands (day)</h3><figure>"
        html += MapFigure.map(png: try PNGImage.encode(rgba: islands, width: w, height: h), width: w, height: h, metresPerPixel: metresPerPixel, overlay: "")
        html += swatches([("#d73027", String(format: "heat island (day ICTU ≥ %.1f °C)", summary.heatThresholds["day"] ?? .nan)), ("#2166ac", "cool island"), ("#bbbbbb", "other open ground (darker = hotter)")])
        html += "<figcaption>\(escape(summary.coolCriterion)).</figcaption></figure>"
        html += "<h3>Within \(Int(summary.accessMetres)) m of a cool island</h3><figure>"
        html += MapFigure.map(png: try PNGImage.encode(rgba: gaps, width: w, height: h), width: w, height: h, metresPerPixel: metresPerPixel, overlay: "")
        html += swatches([("#2166ac", "cool island"), ("#c7e9c0", "within \(Int(summary.accessMetres)) m"), ("#fdae61", "gap: farther than \(Int(summary.accessMetres)) m")])
        html += "<figcaption>\(fmt(100 * summary.shareWithinAccess, 0)) % of the open ground is within \(Int(summary.accessMetres)) m of one of the \(summary.coolIslands) cool islands; \(fmt(100 * summary.shareOpenGroundStrongOrWorseDay, 0)) % of it is in strong heat stress or worse by day.</figcaption></figure>"
        for window in ["day", "night"] {
            let rows = summary.heatIslands.filter { $0.window == window }.prefix(10).map { i in
                "<tr><th scope=row>\(i.id)</th><td>\(fmt(i.areaSquareMetres, 0))</td><td>\(fmt(i.meanICTU, 1))</td><td>\(fmt(i.maxICTU, 1))</td><td style=\"text-align:left\">\(escape(i.causeText))</td><td>\(i.nearestCoolIslandMetres.map { fmt($0, 0) } ?? "—")</td></tr>"
            }.joined()
            html += "<table class=islands-\(window)><caption>Hottest heat islands, \(window) (of \(summary.heatIslands.filter { $0.window == window }.count))</caption><thead><tr><th scope=col>rank</th><th scope=col>area, m²</th><th scope=col>mean, °C</th><th scope=col>max, °C</th><th scope=col>causes (excess over the city's open ground)</th><th scope=col>nearest cool island, m</th></tr></thead><tbody>\(rows)</tbody></table>"
        }
        if let top = summary.mostExposedBuildings, !top.isEmpty {
            let rows = top.prefix(10).map { b in
                "<tr><th scope=row>\(b.rank)</th><td>\(b.feature)</td><td style=\"text-align:left\">\(escape(b.use))\(b.sensitive ? " <strong>(sensitive)</strong>" : "")</td><td>\(fmt(b.dayMean, 1))</td><td>\(fmt(b.nightMean, 1))</td><td>\(fmt(100 * b.veryStrongShare, 0))</td></tr>"
            }.joined()
            html += "<table><caption>Most exposed buildings (sensitive uses first) — \(summary.buildings ?? 0) buildings, \(summary.sensitiveBuildings ?? 0) sensitive</caption><thead><tr><th scope=col>rank</th><th scope=col>feature</th><th scope=col>use</th><th scope=col>day, °C</th><th scope=col>night, °C</th><th scope=col>surroundings ≥ 38 °C, %</th></tr></thead><tbody>\(rows)</tbody></table>"
        }
        if !summary.districts.isEmpty {
            let rows = summary.districts.map { d in
                "<tr><th scope=row>\(escape(d.name))</th><td>\(fmt(d.openAreaSquareMetres / 10_000, 1))</td><td>\(fmt(d.dayMean, 1))</td><td>\(fmt(d.dayP90, 1))</td><td>\(fmt(d.nightMean, 1))</td><td>\(fmt(100 * d.canopyShare, 0))</td><td>\(fmt(100 * d.sealedShare, 0))</td></tr>"
            }.joined()
            html += "<table><caption>Districts</caption><thead><tr><th scope=col>district</th><th scope=col>open area, ha</th><th scope=col>day mean, °C</th><th scope=col>day P90, °C</th><th scope=col>night mean, °C</th><th scope=col>trees cool, %</th><th scope=col>sealed warms, %</th></tr></thead><tbody>\(rows)</tbody></table>"
        }
        if let s = summary.survey {
            html += "<h3>What residents feel</h3><p>\(s.used) survey answers: Spearman ρ \(fmt(s.spearman, 2)) between the ICTU and the votes; AUC \(fmt(s.aucHot, 2)) for telling “hot” and “very hot” apart. The thresholds fitted on the answers, an alternative legend:</p><ul>"
                + s.legend.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        return html + "</section>\(end)"
    }

    static func swatches(_ items: [(String, String)]) -> String {
        "<p class=swatches>" + items.map { "<span style=\"display:inline-block;width:14px;height:14px;background:\($0.0);border:1px solid #444;vertical-align:middle\"></span> \(escape($0.1))" }.joined(separator: " &nbsp; ") + "</p>"
    }

    /// report.html with this section in place of an earlier one (or before </body>), written to a temporary file and renamed.
    static func insert(_ section: String, intoReportAt path: String) throws {
        guard var html = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        if let a = html.range(of: begin), let b = html.range(of: end) { html.replaceSubrange(a.lowerBound..<b.upperBound, with: section) }
        else if let body = html.range(of: "</body>") { html.replaceSubrange(body, with: section + "\n</body>") }
        html = html.replacingOccurrences(of: "<a href=#qc>Sensor QC</a></nav>", with: "<a href=#qc>Sensor QC</a> · <a href=#diagnosis>Diagnosis</a></nav>")
        let temporary = path + ".tmp-\(getpid())"
        try html.write(toFile: temporary, atomically: false, encoding: .utf8)
        // rename(2) replaces the old report atomically: a reader sees the old page or the new one, never half of one.
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw OutputError("could not update \(path): \(String(cString: strerror(errno)))")
        }
    }
}
