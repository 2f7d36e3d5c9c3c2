import Foundation
import Support

/// A minimal HTML page with the report's style sheet.
public struct HTMLPage {
    public var title: String
    public var body: [String] = []
    public init(title: String) { self.title = title }
    public mutating func add(_ html: String) { body.append(html) }
    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang=\(Language.current.rawValue)><head><meta charset=utf-8><meta name=viewport content="width=device-width, initial-scale=1">
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
        .warning{background:#fff3cd;border:2px solid #8a6d00;padding:.6em .8em;color:#3d3000}
        .charts{display:flex;flex-wrap:wrap;gap:1em}.chart{width:100%;max-width:420px}.charts figure{margin:0}
        a{color:#0b57a4}nav{margin:1em 0}.glossary,.note{font-size:.9em;color:#333}
        .wide{overflow-x:auto;max-width:100%}.wide:focus{outline:2px solid #0b57a4}
        </style></head><body>
        \(Self.scrollingTables(body.joined(separator: "\n")))
        </body></html>
        """
    }

    /// Each table in a box of the page's width that scrolls sideways (and takes the keyboard's focus to do so): on a
    /// phone a table wider than the screen scrolls by itself instead of widening the whole page.
    public static func scrollingTables(_ html: String) -> String {
        html.replacingOccurrences(of: "<table", with: "<div class=wide tabindex=0><table").replacingOccurrences(of: "</table>", with: "</table></div>")
    }
}

/// Text made safe inside HTML.
public func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// A number with `digits` decimals (a dash when it is not finite).
public func fmt(_ value: Double, _ digits: Int, signed: Bool = false) -> String {
    guard value.isFinite else { return "—" }
    return String(format: signed ? "%+.\(digits)f" : "%.\(digits)f", value)
}
