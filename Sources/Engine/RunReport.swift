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
        page.add("<h1>\(escape(tr("ICTU felt-temperature map — {}", cityName)))</h1>")
        page.add("<p class=lead>" + escape(tr("{} × {} cells of {} m ({}); composite of {} hot days ({} … {}).", grid.width, grid.height, shown(grid.cellSize, 1), grid.crs,
                                              record.hotDays.count, record.hotDays.first ?? "", record.hotDays.last ?? ""))
                 + " " + escape(tr("Day: the mean of the hourly felt temperature from 14 to 17 h; night: from 22 to 6 h (local time, {}).", record.timezone ?? "—"))
                 + " " + escape(tr("Median day ICTU over open ground {} °C.", shown(record.medianDayICTU, 1)))
                 + " " + escape(record.calibrated ? tr("Calibrated on the sensors.") : tr("Model defaults (not calibrated)."))
                 + " " + escape(tr("Engine {}.", record.engineVersion)) + "</p>")
        page.add("<p class=glossary>" + escape(tr("ICTU: the felt temperature (UTCI-equivalent, °C) — what a person in the street feels from the air, humidity, wind and sun; 26, 32, 38 and 46 °C begin moderate, strong, very strong and extreme heat stress.")) + "</p>")
        for warning in record.warnings ?? [] { page.add("<p class=warning role=alert><strong>\(escape(tr("Inputs")))</strong>: \(escape(warning))</p>") }
        if let note = record.calibrationNote {
            page.add("<p class=warning role=alert><strong>\(escape(record.calibrated ? tr("Partly calibrated") : tr("Not calibrated")))</strong>: "
                     + escape(record.calibrated ? tr("a window's map uses the documented default coefficients (docs/model.md) because {}. Its values are the model's, not fitted to this city's sensors.", note)
                                                : tr("the maps use the documented default coefficients (docs/model.md) because {}. Their values are the model's, not fitted to this city's sensors.", note)) + "</p>")
        }
        // What a planner reads first (the maps, then the diagnosis when `ictu diagnose` has run), the technical annexes last.
        page.add("<nav><a href=#day>\(escape(tr("Day map")))</a> · <a href=#night>\(escape(tr("Night map")))</a> · <a href=#annexes>\(escape(tr("Annexes: calibration, residuals, sensor QC")))</a></nav>")

        for (id, title, field, ramp) in [("day", tr("ICTU by day (14–17 h)"), day, ColourRamp.utci), ("night", tr("ICTU at night (22–06 h)"), night, ColourRamp.utciNight)] {
            let png = try PNGImage.encode(rgba: MapFigure.rgba(field, ramp.rgba), width: w, height: h)
            page.add("<section id=\(id)><h2>\(escape(title))</h2><figure>")
            page.add(MapFigure.map(png: png, width: w, height: h, metresPerPixel: grid.cellSize * Double(factor), overlay: ""))
            page.add(MapFigure.legend(ramp, caption: id == "day"
                ? tr("UTCI-equivalent felt temperature, °C; class boundaries 26 / 32 / 38 / 46 °C (moderate / strong / very strong / extreme heat stress). Buildings are blank (no data).")
                : tr("UTCI-equivalent felt temperature at night, °C, on a scale of its own (nights span far less than days): blue cooler, yellow to red from 26 °C (moderate heat stress) up. Buildings are blank (no data).")))
            page.add("<figcaption>\(escape(tr("{}: mean of the hourly UTCI over the window, composite hot day. Statistics: {}.", title, MapFigure.summary(field))))</figcaption></figure></section>")
        }
        // `ictu diagnose` puts its section here.
        page.add(diagnosisPlace)

        page.add("<section id=annexes><h2>\(escape(tr("Annexes")))</h2><p>" + escape(tr("How the maps were made and checked, for the technical reader: RMSE is the typical error (root mean square), MAE the mean absolute error, bias the mean error; a coefficient is the °C a surface adds or removes at full cover.")) + "</p></section>")
        page.add("<section id=calibration><h2>\(escape(tr("Calibration")))</h2>")
        if let d = record.day, let n = record.night {
            page.add("<p>\(escape(tr("Air-temperature anomalies to the reference station, per site, over the hot days (the sensors measure air, not the felt temperature). Residual spatial correlation: {}.", record.residualSpatialCorrelation)))</p>")
            page.add(scoresTable(day: d, night: n))
            page.add(coefficientsTable(day: d, night: n))
            page.add("<div class=charts>" + scatter(d, title: tr("Day")) + scatter(n, title: tr("Night")) + "</div>")
        } else {
            page.add("<p>\(escape(tr("Not calibrated: the documented default coefficients were used, because {}.", record.calibrationNote ?? tr("too few usable sensor sites"))))</p>")
        }
        page.add("</section>")

        page.add("<section id=residuals><h2>\(escape(tr("Residual map (day)")))</h2><figure>")
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
            circles += "<circle cx=\"\(fmt(px, 1))\" cy=\"\(fmt(py, 1))\" r=\"\(max(6, w / 90))\" fill=\"\(residualRamp.hex(r))\" stroke=\"#222\" stroke-width=\"1.5\"><title>\(escape(tr("{} ({}): observed − predicted {} °C", site.id, site.commune, shown(r, 2, signed: true))))</title></circle>"
        }
        page.add(MapFigure.map(png: grey, width: w, height: h, metresPerPixel: grid.cellSize * Double(factor), overlay: circles))
        page.add(MapFigure.legend(residualRamp, caption: tr("Observed − predicted day air-temperature anomaly at each site, °C (background: day ICTU in grey, darker = hotter).")))
        page.add("<figcaption>\(escape(tr("Sites coloured by residual; hover a site for its value.")))</figcaption></figure></section>")

        page.add("<section id=qc><h2>\(escape(tr("Sensor quality control")))</h2>")
        page.add(qcTable(record.qc, sites: record.sites))
        page.add("</section>")
        return page.render()
    }

    /// Where the diagnosis section goes (DiagnosisReport replaces it): after the maps, before the annexes.
    public static let diagnosisPlace = "<!-- ictu diagnosis --><!-- /ictu diagnosis -->"

    // MARK: - Pieces

    static func scoresTable(day: RegimeCalibration, night: RegimeCalibration) -> String {
        func row(_ name: String, _ d: CVScore?, _ n: CVScore?) -> String {
            func cell(_ s: CVScore?) -> String { s.map { "<td>\(shown($0.rmse, 2))</td><td>\(shown($0.mae, 2))</td><td>\(shown($0.bias, 2, signed: true))</td><td>\($0.n)</td>" } ?? "<td colspan=4>—</td>" }
            return "<tr><th scope=row>\(escape(name))</th>\(cell(d))\(cell(n))</tr>"
        }
        return """
        <table><caption>\(escape(tr("Cross-validation of the air-temperature anomaly, °C")))</caption>
        <thead><tr><th></th><th colspan=4>\(escape(tr("Day")))</th><th colspan=4>\(escape(tr("Night")))</th></tr><tr><th scope=col>\(escape(tr("held out")))</th>\(String(repeating: "<th scope=col>RMSE</th><th scope=col>MAE</th><th scope=col>\(escape(tr("bias")))</th><th scope=col>n</th>", count: 2))</tr></thead><tbody>
        \(row(tr("one site at a time"), day.leaveOneSiteOut, night.leaveOneSiteOut))
        \(row(tr("one municipality at a time"), day.leaveOneCommuneOut, night.leaveOneCommuneOut))
        \(row(tr("one summer at a time"), day.leaveOneSummerOut, night.leaveOneSummerOut))
        \(row(tr("humidity (vapour pressure, hPa), one site at a time"), day.humidityLeaveOneSiteOut, night.humidityLeaveOneSiteOut))
        </tbody></table>
        """
    }

    static func coefficientsTable(day: RegimeCalibration, night: RegimeCalibration) -> String {
        let perFraction = tr("°C per unit fraction")
        let units = ["intercept": "°C", "sealed": perFraction, "buildingVolume": tr("°C per unit H/H₀"), "canopy": perFraction,
                     "shrub": perFraction, "grass": perFraction, "water": perFraction, "parkIntensity": "°C",
                     "vapourGain": tr("hPa per unit fraction")]
        let names = ["intercept": tr("intercept (the reference station's anomaly)"), "sealed": tr("sealed ground"), "buildingVolume": tr("building volume"),
                     "canopy": tr("tree canopy"), "shrub": tr("shrubs"), "grass": tr("grass"), "water": tr("water"), "parkIntensity": tr("park cooling"),
                     "vapourGain": tr("vapour from vegetation")]
        func value(_ k: AirTemperatureCoefficients, _ name: String) -> Double {
            switch name {
            case "intercept": k.intercept; case "sealed": k.sealed; case "buildingVolume": k.buildingVolume; case "canopy": k.canopy
            case "shrub": k.shrub; case "grass": k.grass; case "water": k.water; case "parkIntensity": k.parkIntensity
            default: k.vapourGain
            }
        }
        var rows = ""
        for name in RegimeCalibration.fittedNames + ["vapourGain"] {
            func cell(_ c: RegimeCalibration) -> String { "<td>\(shown(value(c.coefficients, name), 2)) ± \(shown(c.standardErrors[name] ?? .nan, 2))</td>" }
            rows += "<tr><th scope=row>\(escape(names[name] ?? name))</th><td>\(escape(units[name] ?? ""))</td>\(cell(day))\(cell(night))</tr>"
        }
        rows += "<tr><th scope=row>\(escape(tr("vegetation radius (cross-validated)")))</th><td>m</td><td>\(Int(day.coefficients.vegetationRadiusMetres))</td><td>\(Int(night.coefficients.vegetationRadiusMetres))</td></tr>"
        return "<table><caption>\(escape(tr("Fitted coefficients ± jackknife standard error (leave one site out), {} sites", day.sites)))</caption><thead><tr><th scope=col>\(escape(tr("coefficient")))</th><th scope=col>\(escape(tr("unit")))</th><th scope=col>\(escape(tr("day")))</th><th scope=col>\(escape(tr("night")))</th></tr></thead><tbody>\(rows)</tbody></table>"
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
        var svg = "<svg class=chart viewBox=\"0 0 \(Int(size + pad * 1.6)) \(Int(size + pad * 2))\" role=img aria-label=\"\(escape(tr("{}: observed vs predicted ΔTa, °C", title)))\">"
        svg += "<text x=\"\(fmt(pad, 0))\" y=\"20\" font-size=\"15\" font-weight=\"bold\">\(escape(tr("{}: observed vs predicted ΔTa, °C", title)))</text>"
        svg += "<rect x=\"\(fmt(pad, 0))\" y=\"\(fmt(pad, 0))\" width=\"\(fmt(size, 0))\" height=\"\(fmt(size, 0))\" fill=\"none\" stroke=\"#444\"/>"
        var tick = ceil(lo)
        while tick <= hi {
            svg += "<text x=\"\(fmt(px(tick), 1))\" y=\"\(fmt(pad + size + 16, 1))\" font-size=\"12\" text-anchor=\"middle\">\(shown(tick, 0))</text>"
            svg += "<text x=\"\(fmt(pad - 6, 1))\" y=\"\(fmt(py(tick) + 4, 1))\" font-size=\"12\" text-anchor=\"end\">\(shown(tick, 0))</text>"
            tick += 1
        }
        svg += "<line x1=\"\(fmt(px(lo), 1))\" y1=\"\(fmt(py(lo), 1))\" x2=\"\(fmt(px(hi), 1))\" y2=\"\(fmt(py(hi), 1))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>"
        for (id, o, p) in pairs {
            svg += "<circle cx=\"\(fmt(px(o), 1))\" cy=\"\(fmt(py(p), 1))\" r=\"4\" fill=\"#2166ac\" fill-opacity=\"0.75\"><title>\(escape(tr("{}: observed {}, predicted {}", id, shown(o, 2), shown(p, 2))))</title></circle>"
        }
        svg += "<text x=\"\(fmt(pad + size / 2, 1))\" y=\"\(fmt(pad + size + 34, 1))\" font-size=\"13\" text-anchor=\"middle\">\(escape(tr("observed")))</text>"
        svg += "<text transform=\"translate(14,\(fmt(pad + size / 2, 1))) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">\(escape(tr("predicted")))</text></svg>"
        return svg
    }

    static func qcTable(_ qc: QCReport?, sites: [RunSite]) -> String {
        guard let qc else { return "<p>\(escape(tr("No sensors in this city.")))</p>" }
        let flags = QCFlag.allCases.filter { $0 != .radiationBias }
        let siteOf = Dictionary(sites.flatMap { s in s.sensors.map { ($0, s.id) } }, uniquingKeysWith: { a, _ in a })
        var rows = ""
        for id in qc.sensors.keys.sorted() {
            let s = qc.sensors[id]!
            let cells = flags.map { f -> String in let n = s.count(f); return n > 0 ? "<td class=flag>\(n)</td>" : "<td>0</td>" }.joined()
            let bias = s.radiationBiasCelsius.map { shown($0, 1, signed: true) } ?? "—"
            rows += "<tr><th scope=row>\(escape(id))</th><td>\(escape(siteOf[id] ?? ""))</td><td>\(s.keptHours) / \(s.expectedHours)</td>\(cells)<td>\(bias)</td><td>\(s.rejected ? "<strong>\(escape(tr("rejected")))</strong>" : escape(tr("kept")))</td></tr>"
        }
        let head = flags.map { "<th scope=col>\(escape(flagName($0)))</th>" }.joined()
        let totals = flags.map { "\(flagName($0)): \(qc.total($0))" }.joined(separator: ", ")
        return "<p>\(escape(tr("Totals — {}; rejected sensors: {}.", totals, qc.rejectedSensors.isEmpty ? tr("none") : qc.rejectedSensors.joined(separator: ", "))))</p>"
            + "<table class=qc><thead><tr><th scope=col>\(escape(tr("sensor")))</th><th scope=col>\(escape(tr("site")))</th><th scope=col>\(escape(tr("hours kept / expected")))</th>\(head)<th scope=col>\(escape(tr("sun bias at 800 W/m², °C")))</th><th scope=col>\(escape(tr("status")))</th></tr></thead><tbody>\(rows)</tbody></table>"
    }

    /// A QC flag's name for people (its raw value, underscores as spaces, in the report's language).
    static func flagName(_ flag: QCFlag) -> String {
        tr(flag.rawValue.replacingOccurrences(of: "_", with: " "))
    }
}
