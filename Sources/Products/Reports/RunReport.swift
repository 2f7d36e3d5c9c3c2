import Foundation
import GeoIO
import Grid
import Model

/// `report.html`: one self-contained page (images inlined, no script, no network) a planner can open or mail:
/// the day and night maps with legend and scale bar, the calibration (scores, coefficients, observed vs
/// predicted), the residual map and the QC table.
public enum RunReport {
    /// Longest side of the inlined maps, px.
    static let mapPixels = 900

    /// Writes the report for the run whose rasters are at `rasters(name)` (staged paths).
    public static func html(record: RunRecord, cityName: String, rasters: (RunFolder.Entry) throws -> String) throws -> String {
        let grid = record.grid
        let factor = max(1, Int((Double(max(grid.width, grid.height)) / Double(mapPixels)).rounded(.up)))
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
        page.add("<nav><a href=#day>Day map</a> · <a href=#night>Night map</a> · <a href=#calibration>Calibration</a> · <a href=#residuals>Residual map</a> · <a href=#qc>Sensor QC</a></nav>")

        let ramp = ColourRamp.utci
        for (id, title, field) in [("day", "ICTU by day (14–17 h)", day), ("night", "ICTU at night (22–06 h)", night)] {
            let png = try PNGImage.encode(rgba: rgba(field, ramp.rgba), width: w, height: h)
            page.add("<section id=\(id)><h2>\(title)</h2><figure>")
            page.add(map(png: png, width: w, height: h, metresPerPixel: grid.cellSize * Double(factor), overlay: ""))
            page.add(legend(ramp, caption: "UTCI-equivalent felt temperature, °C; class boundaries 26 / 32 / 38 / 46 °C (moderate / strong / very strong / extreme heat stress). Buildings are blank (no data)."))
            page.add("<figcaption>\(title): mean of the hourly UTCI over the window, composite hot day. Statistics: \(summary(field)).</figcaption></figure></section>")
        }

        page.add("<section id=calibration><h2>Calibration</h2>")
        if let d = record.day, let n = record.night {
            page.add("<p>Air-temperature anomalies to the reference station, per site, over the hot days (the sensors measure air, not the felt temperature). Residual spatial correlation: \(escape(record.residualSpatialCorrelation)).</p>")
            page.add(scoresTable(day: d, night: n))
            page.add(coefficientsTable(day: d, night: n))
            page.add("<div class=charts>" + scatter(d, title: "Day") + scatter(n, title: "Night") + "</div>")
        } else {
            page.add("<p>Not calibrated: the documented default coefficients were used (too few usable sensor sites, or <code>--defaults</code>).</p>")
        }
        page.add("</section>")

        page.add("<section id=residuals><h2>Residual map (day)</h2><figure>")
        let grey = try PNGImage.encode(rgba: rgba(day) { v in
            guard !v.isNaN else { return (0, 0, 0, 0) }
            let g = backgroundGrey(v)
            return (g, g, g, 255)
        }, width: w, height: h)
        let residualRamp = ColourRamp.difference(range: 0.3)
        var circles = ""
        for site in record.sites {
            guard let r = record.day?.residuals[site.id] else { continue }
            let px = (site.x - grid.minX) / grid.cellSize / Double(factor), py = (grid.maxY - site.y) / grid.cellSize / Double(factor)
            circles += "<circle cx=\"\(fmt(px, 1))\" cy=\"\(fmt(py, 1))\" r=\"\(max(6, w / 90))\" fill=\"\(residualRamp.hex(r))\" stroke=\"#222\" stroke-width=\"1.5\"><title>\(escape(site.id)) (\(escape(site.commune))): observed − predicted \(fmt(r, 2, signed: true)) °C</title></circle>"
        }
        page.add(map(png: grey, width: w, height: h, metresPerPixel: grid.cellSize * Double(factor), overlay: circles))
        page.add(legend(residualRamp, caption: "Observed − predicted day air-temperature anomaly at each site, °C (background: day ICTU in grey, darker = hotter)."))
        page.add("<figcaption>Sites coloured by residual; hover a site for its value.</figcaption></figure></section>")

        page.add("<section id=qc><h2>Sensor quality control</h2>")
        page.add(qcTable(record.qc, sites: record.sites))
        page.add("</section>")
        return page.render()
    }

    // MARK: - Pieces

    static func rgba(_ values: [Float], _ colour: (Float) -> (UInt8, UInt8, UInt8, UInt8)) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * 4)
        for (i, v) in values.enumerated() {
            let (r, g, b, a) = colour(v)
            out[4 * i] = r; out[4 * i + 1] = g; out[4 * i + 2] = b; out[4 * i + 3] = a
        }
        return out
    }

    /// Grey level of a day ICTU for map backgrounds: lighter is cooler (25 °C → 235, 39 °C and above → 150).
    static func backgroundGrey(_ ictu: Float) -> UInt8 { UInt8(max(150, min(235, 235 - (Double(ictu) - 25) * 6))) }

    static func summary(_ values: [Float]) -> String {
        let v = values.filter { !$0.isNaN }.sorted()
        guard !v.isEmpty else { return "no data" }
        return "min \(fmt(Double(v[0]), 1)) °C, median \(fmt(Double(v[v.count / 2]), 1)) °C, max \(fmt(Double(v[v.count - 1]), 1)) °C"
    }

    /// The map as SVG: the image, an overlay, a scale bar (a round length near a quarter of the width) and a north arrow.
    static func map(png: Data, width: Int, height: Int, metresPerPixel: Double, overlay: String) -> String {
        let target = Double(width) / 4 * metresPerPixel
        let magnitude = pow(10, floor(log10(target)))
        let length = [1.0, 2, 5, 10].map { $0 * magnitude }.last { $0 <= target } ?? magnitude
        let barPixels = length / metresPerPixel
        let label = length >= 1000 ? "\(fmt(length / 1000, length >= 10000 ? 0 : 1)) km" : "\(Int(length)) m"
        let x0 = 16.0, y0 = Double(height) - 18
        return """
        <svg class=map viewBox="0 0 \(width) \(height)" role=img aria-label="map">
        <image width="\(width)" height="\(height)" href="data:image/png;base64,\(png.base64EncodedString())"/>
        \(overlay)
        <g class=scalebar><rect x="\(fmt(x0 - 6, 1))" y="\(fmt(y0 - 24, 1))" width="\(fmt(barPixels + 12, 1))" height="34" fill="#fff" opacity="0.85"/>
        <rect x="\(fmt(x0, 1))" y="\(fmt(y0, 1))" width="\(fmt(barPixels / 2, 1))" height="6" fill="#000"/><rect x="\(fmt(x0 + barPixels / 2, 1))" y="\(fmt(y0, 1))" width="\(fmt(barPixels / 2, 1))" height="6" fill="#fff" stroke="#000"/>
        <text x="\(fmt(x0, 1))" y="\(fmt(y0 - 6, 1))" font-size="14">0</text><text x="\(fmt(x0 + barPixels, 1))" y="\(fmt(y0 - 6, 1))" font-size="14" text-anchor="end">\(label)</text></g>
        <g class=north transform="translate(\(width - 28),14)"><path d="M0,0 L9,26 L0,20 L-9,26 Z" fill="#000"/><text x="0" y="42" font-size="14" text-anchor="middle">N</text></g>
        </svg>
        """
    }

    /// A horizontal colour bar with its ticks (class boundaries) and unit.
    static func legend(_ ramp: ColourRamp, caption: String) -> String {
        let lo = ramp.stops.first!.value, hi = ramp.stops.last!.value
        let stops = ramp.stops.map { "<stop offset=\"\(fmt((($0.value - lo) / (hi - lo)) * 100, 2))%\" stop-color=\"\(ramp.hex($0.value))\"/>" }.joined()
        let id = "ramp-\(ramp.name)"
        let ticks = ramp.ticks.map { t -> String in
            let x = 10 + (t.value - lo) / (hi - lo) * 480
            return "<line x1=\"\(fmt(x, 1))\" x2=\"\(fmt(x, 1))\" y1=\"6\" y2=\"34\" stroke=\"#000\"/><text x=\"\(fmt(x, 1))\" y=\"50\" font-size=\"13\" text-anchor=\"middle\">\(escape(t.label))</text>"
        }.joined()
        return """
        <div class=legend><svg viewBox="0 0 560 60" role=img aria-label="legend"><defs><linearGradient id="\(id)">\(stops)</linearGradient></defs>
        <rect x="10" y="10" width="480" height="20" fill="url(#\(id))" stroke="#444"/>\(ticks)<text x="500" y="25" font-size="13">\(escape(ramp.unit))</text></svg>
        <p>\(escape(caption))</p></div>
        """
    }

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

/// A minimal HTML page with the report's style sheet.
struct HTMLPage {
    var title: String
    var body: [String] = []
    init(title: String) { self.title = title }
    mutating func add(_ html: String) { body.append(html) }
    func render() -> String {
        """
        <!DOCTYPE html>
        <html lang=en><head><meta charset=utf-8><meta name=viewport content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1000px;margin:0 auto;padding:1em 1.5em;color:#1a1a1a;background:#fff;line-height:1.45}
        h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
        .map{width:100%;height:auto;border:1px solid #999;display:block}
        .legend svg{width:100%;max-width:560px}.legend p{margin:.2em 0 1em;font-size:.9em}
        figcaption{font-size:.9em;color:#333}
        table{border-collapse:collapse;margin:1em 0;font-size:.9em}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:right}
        th[scope=row]{text-align:left}caption{text-align:left;font-weight:bold;padding:.3em 0}
        td.flag{background:#fee8c8;font-weight:bold}
        .charts{display:flex;flex-wrap:wrap;gap:1em}.chart{width:100%;max-width:420px}.charts figure{margin:0}
        a{color:#0b57a4}nav{margin:1em 0}
        </style></head><body>
        \(body.joined(separator: "\n"))
        </body></html>
        """
    }
}

func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

func fmt(_ value: Double, _ digits: Int, signed: Bool = false) -> String {
    guard value.isFinite else { return "—" }
    return String(format: signed ? "%+.\(digits)f" : "%.\(digits)f", value)
}
