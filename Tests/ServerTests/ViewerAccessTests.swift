import Foundation
import TestFixtures
import Testing

/// The viewer for people who meet it on a phone, by keyboard, with a screen reader or on paper (the face issue):
/// Tests/Browser/viewer_access.py drives headless Chromium at a desktop's 1400 × 900 and a phone's 390 × 844 over
/// the sample run with its diagnosis and watering (ViewerTests' server), and axe-core audits each state.
/// With ICTU_SCREENSHOTS=FOLDER the screenshots land there (the README's are made so).
@Suite(.serialized, .tags(.endToEnd)) struct ViewerAccessTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = repository.appendingPathComponent("Tests/Browser/viewer_access.py").path
    /// .ci/setup's virtual environment (Debian's Selenium, PyPI's axe-core).
    static let python = repository.appendingPathComponent(".build/test-venv/bin/python").path

    struct Access: Decodable {
        struct Violation: Decodable { var id: String; var impact: String?; var nodes: Int; var target: [String]; var summary: String }
        struct Reach: Decodable { var count: Int; var focusable: Bool?; var visibleFocus: Bool?; var enterOpens: Bool? }
        struct Target: Decodable { var id: String; var width: Double; var height: Double }
        struct Swipe: Decodable { var position: Double; var leftShows: String?; var rightShows: String?; var hash: String }
        var axe: [String: [Violation]]
        var swipe: Swipe
        struct Round: Decodable { var trees: Int; var info: String; var keptDone: Bool }
        var round: Round
        var outlines: Int
        struct Search: Decodable { var names: [String]; var zoom: Int; var centreInside: Bool; var panelOpen: Bool; var coordinates: String }
        var search: Search
        struct Export: Decodable { var width: Int; var height: Int; var mapWidth: Int; var mapHeight: Int; var warmShare: Double; var legendPixels: Int }
        var export: Export
        var englishInFrench: [String], decimalPointsInFrench: [String], frenchPopupsChecked: Int, englishInEnglish: Int
        var foreignRequests: [String]
        var axeVersion: String?
        var mapShare: Double
        var smallTargets: [Target]
        var popupFits: Bool
        var coordinates: String
        var siteKeyboard: Reach, islandKeyboard: Reach, treeKeyboard: Reach
        var disabledLooksDisabled: Bool
        var print: [String: Bool]
        var pdfBytes: Int
        var console: [[String: String]]
    }

    func audit(width: Int, height: Int) throws -> Access {
        #expect(FileManager.default.isExecutableFile(atPath: Self.python), "run .ci/setup: it makes \(Self.python)")
        var arguments = [Self.script, ViewerTests.base + "/", "--width", "\(width)", "--height", "\(height)"]
        if let folder = ProcessInfo.processInfo.environment["ICTU_SCREENSHOTS"] { arguments += ["--shots", folder] }
        let output = try Process.output(Self.python, arguments)
        return try JSONDecoder().decode(Access.self, from: Data((output.split(separator: "\n").last ?? "").utf8))
    }

    func check(_ a: Access, phone: Bool) {
        let size = phone ? "phone" : "desktop"
        #expect(a.axeVersion?.hasPrefix("4.") == true, "axe-core 4 (got \(a.axeVersion ?? "none"))")
        // The sample names its streets (Rasters/streets.gpkg): "montesq" finds the four Montesquieu streets, and Enter
        // zooms to the first; typed lat, lon the viewer offers the point (the order on the map wins).
        #expect(a.search.names.count >= 2 && a.search.names.allSatisfy { $0.contains("Montesquieu") }, "\(size): search 'montesq' found \(a.search.names)")
        #expect(a.search.centreInside && a.search.zoom >= 15, "\(size): the map went to the street (zoom \(a.search.zoom), centre inside: \(a.search.centreInside))")
        #expect(a.search.coordinates.contains("-0.56250") || a.search.coordinates.contains("-0,56250"), "\(size): '44.8259, -0.5625' offered as lon, lat (\(a.search.coordinates))")
        if phone { #expect(!a.search.panelOpen, "the drawer closes to show the place found") }
        // Download this view: the map as shown (the sample's day map is 38–41 °C on most open ground: orange to red
        // on the ramp) over a strip holding the legend's bar.
        #expect(a.export.width == a.export.mapWidth && a.export.height > a.export.mapHeight + 100, "\(size): export \(a.export)")
        #expect(a.export.warmShare > 0.2 && a.export.legendPixels > 1000, "\(size): the exported map and legend are drawn (\(a.export))")
        for state in ["start", "layerSwitched", "popupOpen", "searchResult", "diagnosisOn", "wateringRound", "scenarioPanel", "french"] {
            let found = a.axe[state]
            #expect(found != nil, "\(size): state \(state) audited")
            #expect(found?.isEmpty == true, "\(size), \(state): WCAG 2.1 A/AA violations \(found?.map { "\($0.id) ×\($0.nodes) at \($0.target): \($0.summary)" } ?? [])")
        }
        #expect(a.popupFits, "\(size): the explanation's popup fits the viewport")
        #expect(a.outlines > 50 && a.foreignRequests.isEmpty, "\(size): the city's building outlines drawn at zoom 16 from ictu alone (\(a.outlines); other hosts: \(a.foreignRequests))")
        // Swipe day | night, the divider moved from the middle by ten presses of ←: each side shows its layer there.
        #expect(a.swipe.position == 40 && a.swipe.leftShows == "day" && a.swipe.rightShows == "night", "\(size): swipe \(a.swipe)")
        #expect(a.swipe.hash.contains("compare=night") && a.swipe.hash.contains("swipe=40"), "the comparison is in the URL: \(a.swipe.hash)")
        #expect(a.coordinates.hasPrefix("lon ") && a.coordinates.contains(", lat "), "places are given as the CLI takes them (lon, lat): \(a.coordinates)")
        for (what, reach) in [("sensor sites", a.siteKeyboard), ("heat islands", a.islandKeyboard), ("trees", a.treeKeyboard)] {
            #expect(reach.count > 0 && reach.focusable == true && reach.visibleFocus == true && reach.enterOpens == true,
                    "\(size): \(what) reachable by Tab, with a visible focus, opened by Enter: \(reach)")
        }
        #expect(a.frenchPopupsChecked == 4 && a.englishInEnglish > 10, "\(size): French checked over 4 popups (a site, an island, a tree, a cell) by a check that finds English in English (\(a.englishInEnglish))")
        #expect(a.englishInFrench.isEmpty, "\(size): English left in French: \(a.englishInFrench)")
        #expect(a.decimalPointsInFrench.isEmpty, "\(size): decimal points in French: \(a.decimalPointsInFrench)")
        #expect(a.round.trees > 0 && a.round.info.contains(" km on foot") && a.round.keptDone,
                "\(size): the watering round lists the selected trees in walking order, a tick kept across a reload: \(a.round)")
        #expect(a.disabledLooksDisabled, "\(size): a disabled button looks disabled")
        for shown in ["#map", "#legend", ".leaflet-control-scale", ".north-arrow", "#printTitle"] { #expect(a.print[shown] == true, "\(size): print shows \(shown)") }
        for hidden in ["#layer", "#scenario", "#lang", ".leaflet-control-zoom"] { #expect(a.print[hidden] == false, "\(size): print hides \(hidden)") }
        #expect(a.pdfBytes > 10_000, "\(size): Chromium prints the view to a PDF")
        #expect(a.console.isEmpty, "\(size): no error in the console: \(a.console)")
    }

    @Test func onAPhoneTheMapHasTheScreenAndEveryTargetIsTouchSized() throws {
        let a = try audit(width: 390, height: 844)
        check(a, phone: true)
        #expect(a.mapShare >= 0.6, "the map has \(Int(a.mapShare * 100)) % of the phone's screen with the panel collapsed")
        #expect(a.smallTargets.isEmpty, "touch targets under 44 px: \(a.smallTargets.map { "\($0.id) \(Int($0.width))×\(Int($0.height))" })")
    }

    @Test func onADesktopTheViewerIsAccessibleAndPrints() throws {
        check(try audit(width: 1400, height: 900), phone: false)
    }
}
