import Foundation
import GeoIO
import Model
import Reports
import Run
import Support

/// `report.html`: one self-contained page (images inlined, no script, no network) a planner can open or mail:
/// the day and night maps with legend and scale bar, the calibration (scores, coefficients, observed vs
/// predicted), the residual map and the QC table.
public enum RunReport {
    /// Writes the report for the run whose rasters are at `rasters(name)` (staged paths).
    /// Stages a whole run's report and record (a computed run's, or a mosaic's).
    static func stage(_ record: RunRecord, into staged: StagedOutput, progress: ProgressHandler) throws {
        progress("report", 0)
        let report = try html(record: record, cityName: record.cityName ?? "city") { try staged.path($0.fileName) }
        try Data(report.utf8).write(to: URL(fileURLWithPath: try staged.path(RunFolder.Entry.report.fileName)))
        try record.write(to: try staged.path(RunFolder.Entry.record.fileName))
    }

    public static func html(record: RunRecord, cityName: String, rasters: (RunFolder.Entry) throws -> String) throws -> String {
        let grid = record.grid
        let factor = max(1, Int((Double(max(grid.width, grid.height)) / Double(MapFigure.mapPixels)).rounded(.up)))
        let w = max(1, grid.width / factor), h = max(1, grid.height / factor)
        func values(_ entry: RunFolder.Entry) throws -> [Float] {
            let band = try RasterDataset.open(try rasters(entry)).band(1)
            return try band.read(x: 0, y: 0, width: grid.width, height: grid.height, bufferWidth: w, bufferHeight: h)
        }
        let day = try values(.dayMap), night = try values(.nightMap)
        var page = HTMLPage(title: "ICTU — \(cityName)")
        page.add("<h1>ICTU felt-temperature map — \(escape(cityName))</h1>")
        page.add("<p class=lead>\(grid.width) × \(grid.height) cells of \(fmt(grid.cellSize, 1)) m (\(escape(grid.crs))); composite of \(record.hotDays.count) hot days (\(escape(record.hotDays.first ?? "")) … \(escape(record.hotDays.last ?? ""))). "
                 + "Day: \(escape(record.windows["day"] ?? "")). Night: \(escape(record.windows["night"] ?? "")). Median day ICTU over open ground \(fmt(record.medianDayICTU, 1)) °C. "
                 + "\(record.calibrated ? "Calibrated on the sensors" : "Model defaults (not calibrated)"); engine \(escape(record.engineVersion)).</p>")
        for warning in record.warnings ?? [] { page.add("<p class=warning role=alert><strong>Inputs</strong>: \(escape(warning))</p>") }
        if let note = record.calibrationNote {
            page.add("<p class=warning role=alert><strong>\(record.calibrated ? "Partly calibrated" : "Not calibrated")</strong>: the maps use the documented default coefficients\(record.calibrated ? " for a window" : "") (docs/model.md) because \(escape(note)). Their values are the model's, not fitted to this city's sensors.</p>")
        }
        page.add("<nav><a href=#day>Day map</a> · <a href=#night>Night map</a> · <a href=#calibration>Calibration</a> · <a href=#residuals>Residual map</a> · <a href=#qc>Sensor QC</a></nav>")

        for (id, title, field, ramp) in [("day", "ICTU by day (14–17 h)", day, ColourRamp.utci), ("night", "ICTU at night (22–06 h)", night, ColourRamp.utciNight)] {
            let png = try PNGImage.encode(rgba: MapFigure.rgba(field, ramp.rgba), width: w, height: h)
            page.add("<section id=\(id)><h2>\(title)</h2><figure>")
            page.add(MapFigure.map(png: png, width: w, height: h, metresPerPixel: grid.cellSize * Double(factor), overlay: ""))
            page.add(MapFigure.legend(ramp, caption: id == "day"
                ? "UTCI-equivalent felt temperature, °C; class boundaries 26 / 32 / 38 / 46 °C (moderate / strong / very strong / extreme heat stress). Buildings are blank (no data)."
                : "UTCI-equivalent felt temperature at night, °C, on a scale of its own (nights span far less than days): blue cooler, yellow to red from 26 °C (moderate heat stress) up. Buildings are blank (no data)."))
            page.add("<figcaption>\(title): mean of the hourly UTCI over the window, composite hot day. Statistics: \(MapFigure.summary(field)).</figcaption></figure></section>")
        }

        page.add("<section id=calibration><h2>Calibration</h2>")
        if let d = record.day, let n = record.night {
            page.add("<p>Air-temperature anomalies to the reference station, per site, over the hot days (the sensors measure air, not the felt temperature). Residual spatial correlation: \(escape(record.residualSpatialCorrelation)).</p>")
            page.add(scoresTable(day: d, night: n))
            page.add(coefficientsTable(day: d, night: n))
            page.add("<div class=charts>" + scatter(d, title: "Day") + scatter(n, title: "Night") + "</div>")
        } else {
            page.add("<p>Not calibrated: the documented default coefficients were used, because \(escape(record.calibrationNote ?? "too few usable sensor sites")).</p>")
        }
        page.add("</section>")

        page.add("<section id=residuals><h2>Residual map (day)</h2><figure>")
        let grey = try PNGImage.encode(rgba: MapFigure.rgba(day) { v in
            guard !v.isNaN else { return (0, 0, 0, 0) }
            let g = MapFigure.backgroundGrey(v)
            return (g, g, g, 255)
        }, width: w, height: h)
        let residualRamp = ColourRamp.difference(range: 0.3)
        var circles = ""
        for site in record.sites {
            guard let r = record.day?.residuals[site.id] else { continue }
            let px = (site.x - grid.minX) / grid.cellSize / Double(factor), py = (grid.maxY - site.y) / grid.cellSize / Double(factor)
            circles += "<circle cx=\"\(fmt(px, 1))\" cy=\"\(fmt(py, 1))\" r=\"\(max(6, w / 90))\" fill=\"\(residualRamp.hex(r))\" stroke=\"#222\" stroke-width=\"1.5\"><title>\(escape(site.id)) (\(escape(site.commune))): observed − predicted \(fmt(r, 2, signed: true)) °C</title></circle>"
        }
        page.add(MapFigure.map(png: grey, width: w, height: h, metresPerPixel: grid.cellSize * Double(factor), overlay: circles))
        page.add(MapFigure.legend(residualRamp, caption: "Observed − predicted day air-temperature anomaly at each site, °C (background: day ICTU in grey, darker = hotter)."))
        page.add("<figcaption>Sites coloured by residual; hover a site for its value.</figcaption></figure></section>")

        page.add("<section id=qc><h2>Sensor quality control</h2>")
        page.add(qcTable(record.qc, sites: record.sites))
        page.add("</section>")
        return page.render()
    }

    // MARK: - Pieces

    static func scoresTable(day: RegimeCalibration, night: RegimeCalibration) -> String {
        func row(_ name: String, _ d: CVScore?, _ n: CVScore?) -> String {
            func cell(_ s: CVScore?) -> String { s.map { "<td>\(fmt($0.rmse, 2))</td><td>\(fmt($0.mae, 2))</td><td>\(fmt($0.bias, 2, signed: true))</td><td>\($0.n)</td>" } ?? "<td colspan=4>—</td>" }
            return "<tr><th scope=row>\(name)</th>\(cell(d))\(cell(n))</tr>"
        }
        return """
        <table><caption>Cross-validation of the air-temperature anomaly, °C</caption>
        <thead><tr><th></th><th colspan=4>Day</th><th colspan=4>Night</th></tr><tr><th scope=col>held out</th>\(String(repeating: "<th scope=col>RMSE</th><th scope=col>MAE</th><th scope=col>bias</th><th scope=col>n</th>", count: 2))</tr></thead><tbody>
        \(row("one site at a time", day.leaveOneSiteOut, night.leaveOneSiteOut))
        \(row("one municipality at a time", day.leaveOneCommuneOut, night.leaveOneCommuneOut))
        \(row("one summer at a time", day.leaveOneSummerOut, night.leaveOneSummerOut))
        \(row("humidity (vapour pressure, hPa), one site at a time", day.humidityLeaveOneSiteOut, night.humidityLeaveOneSiteOut))
        </tbody></table>
        """
    }

    static func coefficientsTable(day: RegimeCalibration, night: RegimeCalibration) -> String {
        let units = ["intercept": "°C", "sealed": "°C per unit fraction", "buildingVolume": "°C per unit H/H₀", "canopy": "°C per unit fraction",
                     "shrub": "°C per unit fraction", "grass": "°C per unit fraction", "water": "°C per unit fraction", "parkIntensity": "°C",
                     "vapourGain": "hPa per unit fraction"]
        func value(_ k: AirTemperatureCoefficients, _ name: String) -> Double {
            switch name {
            case "intercept": k.intercept; case "sealed": k.sealed; case "buildingVolume": k.buildingVolume; case "canopy": k.canopy
            case "shrub": k.shrub; case "grass": k.grass; case "water": k.water; case "parkIntensity": k.parkIntensity
            default: k.vapourGain
            }
        }
        var rows = ""
        for name in RegimeCalibration.fittedNames + ["vapourGain"] {
            func cell(_ c: RegimeCalibration) -> String { "<td>\(fmt(value(c.coefficients, name), 2)) ± \(fmt(c.standardErrors[name] ?? .nan, 2))</td>" }
            rows += "<tr><th scope=row>\(name)</th><td>\(units[name] ?? "")</td>\(cell(day))\(cell(night))</tr>"
        }
        rows += "<tr><th scope=row>vegetation radius (cross-validated)</th><td>m</td><td>\(Int(day.coefficients.vegetationRadiusMetres))</td><td>\(Int(night.coefficients.vegetationRadiusMetres))</td></tr>"
        return "<table><caption>Fitted coefficients ± jackknife standard error (leave one site out), \(day.sites) sites</caption><thead><tr><th scope=col>coefficient</th><th scope=col>unit</th><th scope=col>day</th><th scope=col>night</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    /// Observed vs predicted site anomalies, with the 1:1 line.
    static func scatter(_ c: RegimeCalibration, title: String) -> String {
        let pairs = c.observed.keys.sorted().compactMap { id -> (String, Double, Double)? in
            guard let o = c.observed[id], let r = c.residuals[id] else { return nil }
            return (id, o, o - r)
        }
        let all = pairs.flatMap { [$0.1, $0.2] }
        let lo = floor((all.min() ?? -1) * 2) / 2 - 0.25, hi = ceil((all.max() ?? 1) * 2) / 2 + 0.25
        let size = 320.0, pad = 46.0
        func px(_ v: Double) -> Double { pad + (v - lo) / (hi - lo) * size }
        func py(_ v: Double) -> Double { pad + size - (v - lo) / (hi - lo) * size }
        var svg = "<svg class=chart viewBox=\"0 0 \(Int(size + pad * 1.6)) \(Int(size + pad * 2))\" role=img aria-label=\"\(title) observed versus predicted\">"
        svg += "<text x=\"\(fmt(pad, 0))\" y=\"20\" font-size=\"15\" font-weight=\"bold\">\(title): observed vs predicted ΔTa, °C</text>"
        svg += "<rect x=\"\(fmt(pad, 0))\" y=\"\(fmt(pad, 0))\" width=\"\(fmt(size, 0))\" height=\"\(fmt(size, 0))\" fill=\"none\" stroke=\"#444\"/>"
        var tick = ceil(lo)
        while tick <= hi {
            svg += "<text x=\"\(fmt(px(tick), 1))\" y=\"\(fmt(pad + size + 16, 1))\" font-size=\"12\" text-anchor=\"middle\">\(fmt(tick, 0))</text>"
            svg += "<text x=\"\(fmt(pad - 6, 1))\" y=\"\(fmt(py(tick) + 4, 1))\" font-size=\"12\" text-anchor=\"end\">\(fmt(tick, 0))</text>"
            tick += 1
        }
        svg += "<line x1=\"\(fmt(px(lo), 1))\" y1=\"\(fmt(py(lo), 1))\" x2=\"\(fmt(px(hi), 1))\" y2=\"\(fmt(py(hi), 1))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>"
        for (id, o, p) in pairs {
            svg += "<circle cx=\"\(fmt(px(o), 1))\" cy=\"\(fmt(py(p), 1))\" r=\"4\" fill=\"#2166ac\" fill-opacity=\"0.75\"><title>\(escape(id)): observed \(fmt(o, 2)), predicted \(fmt(p, 2))</title></circle>"
        }
        svg += "<text x=\"\(fmt(pad + size / 2, 1))\" y=\"\(fmt(pad + size + 34, 1))\" font-size=\"13\" text-anchor=\"middle\">observed</text>"
        svg += "<text transform=\"translate(14,\(fmt(pad + size / 2, 1))) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">predicted</text></svg>"
        return svg
    }

    static func qcTable(_ qc: QCReport?, sites: [RunSite]) -> String {
        guard let qc else { return "<p>No sensors in this city.</p>" }
        let flags = QCFlag.allCases.filter { $0 != .radiationBias }
        let siteOf = Dictionary(sites.flatMap { s in s.sensors.map { ($0, s.id) } }, uniquingKeysWith: { a, _ in a })
        var rows = ""
        for id in qc.sensors.keys.sorted() {
            let s = qc.sensors[id]!
            let cells = flags.map { f -> String in let n = s.count(f); return n > 0 ? "<td class=flag>\(n)</td>" : "<td>0</td>" }.joined()
            let bias = s.radiationBiasCelsius.map { fmt($0, 1, signed: true) } ?? "—"
            rows += "<tr><th scope=row>\(escape(id))</th><td>\(escape(siteOf[id] ?? ""))</td><td>\(s.keptHours) / \(s.expectedHours)</td>\(cells)<td>\(bias)</td><td>\(s.rejected ? "<strong>rejected</strong>" : "kept")</td></tr>"
        }
        let head = flags.map { "<th scope=col>\($0.rawValue.replacingOccurrences(of: "_", with: " "))</th>" }.joined()
        let totals = flags.map { "\($0.rawValue): \(qc.total($0))" }.joined(separator: ", ")
        return "<p>Totals — \(escape(totals)); rejected sensors: \(qc.rejectedSensors.isEmpty ? "none" : escape(qc.rejectedSensors.joined(separator: ", "))).</p>"
            + "<table class=qc><thead><tr><th scope=col>sensor</th><th scope=col>site</th><th scope=col>hours kept / expected</th>\(head)<th scope=col>sun bias at 800 W/m², °C</th><th scope=col>status</th></tr></thead><tbody>\(rows)</tbody></table>"
    }
}
