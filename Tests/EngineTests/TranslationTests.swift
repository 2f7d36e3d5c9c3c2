import Foundation
import Model
import Scenario
import Support
import TestFixtures
import Testing

/// French everywhere a person reads ictu: every text of the sources passed through `tr`, every name the engine
/// composes text from, and a run made with `--lang fr` — its report, its tables' reason and cause columns and the
/// CLI's sentences — with no English left and decimal commas.
@Suite struct TranslationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The English texts of every `tr("…")` in Sources/.
    static func translatedTexts() throws -> Set<String> {
        var found = Set<String>()
        let sources = repository.appendingPathComponent("Sources").path
        let pattern = try NSRegularExpression(pattern: #"\btr\("((?:[^"\\]|\\.)*)""#)
        for case let file as String in FileManager.default.enumerator(atPath: sources)! where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                found.insert(String(text[Range(match.range(at: 1), in: text)!]).replacingOccurrences(of: #"\""#, with: "\""))
            }
        }
        return found
    }

    @Test func everyTextPassedThroughTrHasItsFrench() throws {
        let texts = try Self.translatedTexts()
        #expect(texts.count > 150, "the sources' tr(…) calls were found (\(texts.count))")
        let missing = texts.filter { FrenchText.table[$0] == nil }.sorted()
        #expect(missing.isEmpty, "no French for: \(missing)")
        // A translation keeps its placeholders: each {} a value in the same order.
        let broken = FrenchText.table.filter { $0.key.components(separatedBy: "{}").count != $0.value.components(separatedBy: "{}").count }.map(\.key)
        #expect(broken.isEmpty, "placeholders differ: \(broken)")
    }

    @Test func everyNameTheEngineComposesTextFromHasItsFrench() {
        let names = ComfortTerm.allCases.map(\.label) + UTCI.StressClass.allCases.map(\.label)
            + QCFlag.allCases.map { $0.rawValue.replacingOccurrences(of: "_", with: " ") }
            + Scenario.Kind.allCases.map(\.rawValue) + ScenarioSummary.zoneNames + [ScenarioSummary.definitionsText]
            + Scenario.parameters.values.flatMap { $0.map(\.meaning) }
            + ["residential", "school", "industrial"]  // the sample's building uses
        let missing = names.filter { FrenchText.table[$0] == nil }
        #expect(missing.isEmpty, "no French for: \(missing)")
    }

    @Test func theFormatterSpeaksTheCurrentLanguage() {
        // In-process tests run in English (a French run is a process of its own, below).
        #expect(Language.current == .en)
        #expect(tr("{} people within 100 m", 12) == "12 people within 100 m")
        #expect(shown(3.14159, 2) == "3.14" && shown(.nan, 1) == "—" && shown(0.5, 1, signed: true) == "+0.5")
        #expect(Language.preferred(acceptLanguage: "fr-FR,fr;q=0.9,en;q=0.8") == .fr && Language.preferred(acceptLanguage: "de, en-GB;q=0.5") == .en && Language.preferred(acceptLanguage: nil) == .en)
        #expect(Language.$scoped.withValue(.fr) { tr("map") } == "carte" && tr("map") == "map", "a task's language holds within it only")
        #expect(Language.ofLocale(["LANG": "fr_FR.UTF-8"]) == .fr && Language.ofLocale(["LC_ALL": "C", "LANG": "fr_FR"]) == .en && Language.ofLocale([:]) == .en)
    }

    /// English fragments of the table (the parts between placeholders, 12 characters or more, that French
    /// changes): one found in a French output is a text left untranslated.
    static let englishFragments: [String] = FrenchText.table.compactMap { english, french in english == french ? nil : english }
        .flatMap { $0.components(separatedBy: "{}") }.map { $0.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)) }
        .filter { fragment in fragment.count >= 12 && !FrenchText.table.values.contains { $0.contains(fragment) } }

    static func visibleText(ofHTML html: String) -> String {
        var text = html.replacingOccurrences(of: #"<style[\s\S]*?</style>"#, with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
        return text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }

    /// Numbers with a decimal point in `text`, but for the engine's version (0.2.0) and `--at=lon,lat` (an argument to type).
    static func decimalPoints(in text: String) -> [String] {
        let words = text.split(whereSeparator: \.isWhitespace).filter { !$0.hasPrefix("--at=") && !$0.hasPrefix("-0.") && $0.filter({ $0 == "." }).count < 2 }
        return words.map(String.init).filter { $0.range(of: #"\d\.\d"#, options: .regularExpression) != nil }
    }

    @Test(.tags(.endToEnd)) func aFrenchRunSpeaksFrenchInItsReportTablesAndSentences() throws {
        let out = TestFiles.root + "ictu-french-\(UUID().uuidString)"
        let ictu = IctuCommand.ictu
        var said = try Process.output(ictu, ["compute", "--city", IctuCommand.city, "--out", out, "--lang", "fr"])
        said += try Process.output(ictu, ["diagnose", "--run", out, "--lang", "fr"])
        said += try Process.output(ictu, ["watering", "--run", out, "--budget", "20000", "--lang", "fr"])
        let report = Self.visibleText(ofHTML: try String(contentsOfFile: out + "/report.html", encoding: .utf8))
        #expect(report.contains("Carte de température ressentie") && report.contains("Diagnostic") && report.contains("Annexes"), "the report is in French")
        #expect(try String(contentsOfFile: out + "/report.html", encoding: .utf8).contains("<html lang=fr>"))
        let csv = try String(contentsOfFile: out + "/watering/watering.csv", encoding: .utf8)
        let islands = try String(contentsOfFile: out + "/diagnosis/heat_islands_day.geojson", encoding: .utf8)
        for (name, text) in [("report.html", report), ("watering.csv", csv), ("heat_islands_day.geojson", islands), ("the terminal", said)] {
            let english = Self.englishFragments.filter { text.contains($0) }
            #expect(english.isEmpty, "\(name) in French still says: \(english.prefix(5))")
        }
        #expect(Self.englishFragments.count > 100, "the check knows the English it looks for (\(Self.englishFragments.count) fragments)")
        #expect(Self.decimalPoints(in: report).isEmpty, "decimal points in the French report: \(Self.decimalPoints(in: report).prefix(5))")
        #expect(Self.decimalPoints(in: said).isEmpty, "decimal points on the French terminal: \(Self.decimalPoints(in: said).prefix(5))")
        // The reason column: French, decimal commas (the field quoted, as it holds commas).
        let firstReason = try #require(csv.split(separator: "\n").dropFirst().first)
        #expect(firstReason.contains("stress hydrique") && firstReason.range(of: #"\(\d,\d\d\)"#, options: .regularExpression) != nil, "\(firstReason)")
    }
}
