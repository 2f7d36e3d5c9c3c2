import Foundation
import Support

/// The pieces of ictu's self-contained HTML reports (report.html, its diagnosis section, a scenario's summary.html):
/// maps as inlined PNGs in SVG with a scale bar and a north arrow, colour legends, figures' statistics.
public enum MapFigure {
    /// Longest side of the inlined maps, px.
    public static let mapPixels = 900

    public static func rgba(_ values: [Float], _ colour: (Float) -> (UInt8, UInt8, UInt8, UInt8)) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * 4)
        for (i, v) in values.enumerated() {
            let (r, g, b, a) = colour(v)
            out[4 * i] = r; out[4 * i + 1] = g; out[4 * i + 2] = b; out[4 * i + 3] = a
        }
        return out
    }

    /// Grey level of a day ICTU for map backgrounds: lighter is cooler (25 °C → 235, 39 °C and above → 150).
    public static func backgroundGrey(_ ictu: Float) -> UInt8 { UInt8(max(150, min(235, 235 - (Double(ictu) - 25) * 6))) }

    public static func summary(_ values: [Float]) -> String {
        let v = values.filter { !$0.isNaN }.sorted()
        guard !v.isEmpty else { return tr("no data") }
        return tr("min {} °C, median {} °C, max {} °C", shown(Double(v[0]), 1), shown(Double(v[v.count / 2]), 1), shown(Double(v[v.count - 1]), 1))
    }

    /// The map as SVG: the image, an overlay, a scale bar (a round length near a quarter of the width) and a north arrow.
    public static func map(png: Data, width: Int, height: Int, metresPerPixel: Double, overlay: String) -> String {
        let target = Double(width) / 4 * metresPerPixel
        let magnitude = pow(10, floor(log10(target)))
        let length = [1.0, 2, 5, 10].map { $0 * magnitude }.last { $0 <= target } ?? magnitude
        let barPixels = length / metresPerPixel
        let label = length >= 1000 ? "\(shown(length / 1000, length >= 10000 ? 0 : 1)) km" : "\(Int(length)) m"
        // Sizes in the picture's units for a figure shown about 560 px wide, so a small map enlarged to the page keeps
        // a legible, unscaled bar and arrow.
        let u = max(0.2, Double(width) / 560)
        let x0 = 16 * u, y0 = Double(height) - 18 * u
        return """
        <svg class=map viewBox="0 0 \(width) \(height)" role=img aria-label="\(tr("map"))">
        <image width="\(width)" height="\(height)" href="data:image/png;base64,\(png.base64EncodedString())"/>
        \(overlay)
        <g class=scalebar><rect x="\(fmt(x0 - 6 * u, 2))" y="\(fmt(y0 - 24 * u, 2))" width="\(fmt(max(barPixels, 60 * u) + 12 * u, 2))" height="\(fmt(34 * u, 2))" fill="#fff" opacity="0.85"/>
        <rect x="\(fmt(x0, 2))" y="\(fmt(y0, 2))" width="\(fmt(barPixels / 2, 2))" height="\(fmt(6 * u, 2))" fill="#000"/><rect x="\(fmt(x0 + barPixels / 2, 2))" y="\(fmt(y0, 2))" width="\(fmt(barPixels / 2, 2))" height="\(fmt(6 * u, 2))" fill="#fff" stroke="#000" stroke-width="\(fmt(u, 2))"/>
        <text x="\(fmt(x0, 2))" y="\(fmt(y0 - 6 * u, 2))" font-size="\(fmt(14 * u, 2))">\(label)</text></g>
        <g class=north transform="translate(\(fmt(Double(width) - 28 * u, 2)),\(fmt(14 * u, 2))) scale(\(fmt(u, 3)))"><path d="M0,0 L9,26 L0,20 L-9,26 Z" fill="#000"/><text x="0" y="42" font-size="14" text-anchor="middle">N</text></g>
        </svg>
        """
    }

    /// A horizontal colour bar with its ticks (class boundaries) and unit.
    public static func legend(_ ramp: ColourRamp, caption: String) -> String {
        let lo = ramp.stops.first!.value, hi = ramp.stops.last!.value
        let stops = ramp.stops.map { "<stop offset=\"\(fmt((($0.value - lo) / (hi - lo)) * 100, 2))%\" stop-color=\"\(ramp.hex($0.value))\"/>" }.joined()
        let id = "ramp-\(ramp.name)"
        let ticks = ramp.ticks.map { t -> String in
            let x = 10 + (t.value - lo) / (hi - lo) * 480
            return "<line x1=\"\(fmt(x, 1))\" x2=\"\(fmt(x, 1))\" y1=\"6\" y2=\"34\" stroke=\"#000\"/><text x=\"\(fmt(x, 1))\" y=\"50\" font-size=\"13\" text-anchor=\"middle\">\(escape(Language.current == .fr ? t.label.replacingOccurrences(of: ".", with: ",") : t.label))</text>"
        }.joined()
        return """
        <div class=legend><svg viewBox="0 0 560 60" role=img aria-label="\(tr("legend"))"><defs><linearGradient id="\(id)">\(stops)</linearGradient></defs>
        <rect x="10" y="10" width="480" height="20" fill="url(#\(id))" stroke="#444"/>\(ticks)<text x="500" y="25" font-size="13">\(escape(ramp.unit))</text></svg>
        <p>\(escape(caption))</p></div>
        """
    }
}
