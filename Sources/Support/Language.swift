import Foundation
import Synchronization

/// The language of what ictu writes for people — reports, the reason and cause columns of its tables, the CLI's
/// sentences. Machine-readable names (columns, JSON keys, flags) stay English. Set once per process, from `--lang`
/// or the locale, like gettext's; the text is looked up by its English form in `FrenchText.table`.
public enum Language: String, Sendable, CaseIterable, Codable {
    case en, fr

    private static let chosen = Mutex<Language>(.en)

    /// The language of one task's work (a server's request: its Accept-Language), over the process's.
    @TaskLocal public static var scoped: Language?

    public static var current: Language {
        get { scoped ?? chosen.withLock { $0 } }
        set { chosen.withLock { $0 = newValue } }
    }

    /// The first language of an Accept-Language header ictu speaks ("fr-FR,fr;q=0.9,en;q=0.8" is French), else English.
    public static func preferred(acceptLanguage header: String?) -> Language {
        for part in (header ?? "").split(separator: ",") {
            let tag = part.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            if tag.hasPrefix("fr") { return .fr }
            if tag.hasPrefix("en") { return .en }
        }
        return .en
    }

    /// The locale's language (LC_ALL, then LC_MESSAGES, then LANG: "fr_FR.UTF-8" is French); English otherwise.
    public static func ofLocale(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("fr") ? .fr : .en
        }
        return .en
    }
}

/// `english` in the current language, its `{}` placeholders replaced in order by `arguments`. A text with no French
/// entry stays English (and the translation test names it).
public func tr(_ english: String, _ arguments: Any...) -> String {
    let text = Language.current == .fr ? FrenchText.table[english] ?? english : english
    guard !arguments.isEmpty else { return text }
    var out = "", next = 0
    var rest = Substring(text)
    while let r = rest.range(of: "{}") {
        out += rest[..<r.lowerBound]
        out += next < arguments.count ? "\(arguments[next])" : "{}"
        next += 1
        rest = rest[r.upperBound...]
    }
    return out + rest
}

/// A number as a person reads it: `digits` decimals, a decimal comma in French, a dash when not finite. (Numbers
/// inside markup — SVG coordinates — keep the point: use `String(format:)` there.)
public func shown(_ value: Double, _ digits: Int, signed: Bool = false) -> String {
    guard value.isFinite else { return "—" }
    let text = String(format: signed ? "%+.\(digits)f" : "%.\(digits)f", value)
    return Language.current == .fr ? text.replacingOccurrences(of: ".", with: ",") : text
}
