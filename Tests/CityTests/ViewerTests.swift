import Foundation
import Testing
@testable import Products
@testable import Server

/// `ictu serve` in this process on a free port, over the calibrated sample run: the viewer in headless
/// Chromium, then the API's answers to bad and hostile requests (curl, which sends paths as written).
@Suite(.serialized) struct ViewerTests {
    /// The running server's base URL.
    static let base: String = {
        let port = PortBox()
        do {
            // The diagnosis first (its layers are served), into the shared run: no other suite writes a diagnosis there.
            var options = DiagnosisOptions()
            options.overwrite = true
            _ = try Diagnosis.run(run: SampleRecoveryTests.folder + "/run", options: options)
            let service = try RunService(run: SampleRecoveryTests.folder + "/run")
            let app = ViewerServer.application(service: service, port: 0) { port.set($0) }
            Task.detached { try await app.run() }
        } catch { Issue.record("server: \(error)") }
        return "http://127.0.0.1:\(port.wait())"
    }()

    static let browserScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Browser/viewer_check.py").path

    struct ViewerResult: Decodable {
        struct Tiles: Decodable { var tiles: Int; var opaque: Int }
        var day: Tiles; var night: Tiles; var legend: String; var sites: Int; var scale: String; var hashAfterSwitch: String
        var explanation: String; var explanationTerms: Int; var keyboardExplanation: Bool
        var frenchLayerLabel: String; var frenchHtmlLang: String
        var heatIslands: Int; var islandPopup: String
        var console: [Browser.Message]
    }

    @Test func viewerDrawsTilesSwitchesLayersAndExplainsAClickedCell() throws {
        let output = try Process.output("/usr/bin/python3", [Self.browserScript, Self.base + "/"])
        let r = try JSONDecoder().decode(ViewerResult.self, from: Data(output.utf8))
        #expect(r.day.tiles > 0 && r.day.opaque > 10_000, "day tiles drawn with coloured pixels where the grid is: \(r.day)")
        #expect(r.night.tiles > 0 && r.night.opaque > 10_000, "after the switch, night tiles drawn: \(r.night)")
        #expect(r.hashAfterSwitch.contains("layer=night"), "the URL keeps the view: \(r.hashAfterSwitch)")
        #expect(r.legend.contains("26") && r.legend.contains("46") && r.legend.contains("°C"), "legend in °C on the UTCI classes: \(r.legend)")
        #expect(r.sites == 40, "one marker per sensor site")
        #expect(r.scale.contains("m"), "scale bar: \(r.scale)")
        #expect(r.explanationTerms == 13 && r.explanation.contains("tree canopy") && r.explanation.contains("Sum of the terms"), "\(r.explanation)")
        #expect(r.keyboardExplanation, "the explanation is reachable from the keyboard")
        #expect(r.frenchLayerLabel == "Couche" && r.frenchHtmlLang == "fr")
        #expect(r.heatIslands > 10, "the day's heat islands drawn: \(r.heatIslands)")
        #expect(r.islandPopup.contains("Heat island #") && r.islandPopup.contains("m²") && r.islandPopup.contains("causes"), "\(r.islandPopup)")
        #expect(r.console.filter { $0.level == "SEVERE" }.isEmpty, "console errors: \(r.console)")
    }

    /// (status, body) of a request sent as written (curl --path-as-is).
    func request(_ path: String, method: String = "GET", body: String? = nil) throws -> (Int, String) {
        var arguments = ["-s", "--path-as-is", "-X", method, "-o", "-", "-w", "\n%{http_code}", Self.base + path]
        if let body { arguments += ["--data-binary", body] }
        let output = try Process.output("/usr/bin/curl", arguments)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    func jsonError(_ body: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["error"] as? String
    }

    @Test func hostileAndBadRequestsGetJSONErrorsAndTheServerKeepsServing() throws {
        let cases: [(String, String, Int)] = [
            ("path traversal", "/leaflet/../../../../etc/passwd", 404),
            ("encoded traversal", "/leaflet/..%2F..%2F..%2Fetc%2Fpasswd", 404),
            ("traversal in a layer", "/tiles/..%2F..%2Fcalibration/1/1/1.png", 404),
            ("unknown layer", "/tiles/dya/15/16330/11808.png", 404),
            ("zoom out of range", "/tiles/day/31/0/0.png", 400),
            ("x out of range", "/tiles/day/3/8/0.png", 400),
            ("negative y", "/tiles/day/3/0/-1.png", 400),
            ("not numbers", "/tiles/day/a/b/c.png", 400),
            ("point without coordinates", "/api/point", 400),
            ("point outside the grid", "/api/point?lon=2.35&lat=48.85", 404),
            ("unknown path", "/etc/passwd", 404),
            ("oversized URL", "/api/point?lon=" + String(repeating: "9", count: 5000), 414),
        ]
        for (what, path, status) in cases {
            let (code, body) = try request(path)
            #expect(code == status, "\(what): \(path.prefix(60)) → \(code)")
            #expect(jsonError(body) != nil, "\(what): a JSON error, got \(body.prefix(200))")
            #expect(!body.contains("root:"), "\(what): no file content leaks")
        }
        let (postCode, postBody) = try request("/api/run", method: "POST", body: String(repeating: "x", count: 100_000))
        #expect(postCode == 413 && jsonError(postBody) != nil, "oversized body → 413, got \(postCode)")
        // Still serving, and serving right.
        let (code, body) = try request("/api/run")
        #expect(code == 200 && body.contains("\"layers\""))
        let (tileCode, _) = try request("/tiles/day/0/0/0.png")
        #expect(tileCode == 200)
        let tilejson = try JSONSerialization.jsonObject(with: Data(try request("/tilejson/day.json").1.utf8)) as! [String: Any]
        #expect((tilejson["tiles"] as? [String])?.first?.hasPrefix(Self.base + "/tiles/day/") == true)
    }

    @Test func pointQueryAgreesWithExplain() throws {
        let map = try RunMap(run: SampleRecoveryTests.folder + "/run")
        let site = try #require(map.record.sites.first)
        let (code, body) = try request("/api/point?lon=\(site.longitude)&lat=\(site.latitude)")
        #expect(code == 200)
        let served = try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
        let direct = try Explanation.at(run: map.run, longitude: site.longitude, latitude: site.latitude)
        let day = served["day"] as! [String: Any]
        #expect(abs((day["ictu"] as! Double) - direct.day.ictu!) < 1e-9)
    }
}

/// The port the server bound, handed from its start-up callback to the tests.
final class PortBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var port: Int?
    func set(_ value: Int) { condition.lock(); port = value; condition.broadcast(); condition.unlock() }
    func wait() -> Int {
        condition.lock(); defer { condition.unlock() }
        while port == nil { if !condition.wait(until: Date().addingTimeInterval(60)) { return -1 } }
        return port!
    }
}
