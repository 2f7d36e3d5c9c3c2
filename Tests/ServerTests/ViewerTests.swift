import City
import Foundation
import TestFixtures
import Testing
@testable import Diagnosis
@testable import Engine
@testable import Run
@testable import Tiles
@testable import Watering

/// `ictu serve` in this process on a free port, over the calibrated sample run: the viewer in headless
/// Chromium, then the API's answers to bad and hostile requests (curl, which sends paths as written).
@Suite(.serialized, .tags(.endToEnd)) struct ViewerTests {
    /// The running server's base URL: `ictu serve` on a free port, as a user starts it (a process of its own, so
    /// that the tests blocking this process's threads never starve it).
    static var base: String { server?.base ?? "http://127.0.0.1:1" }
    static let server: ServerProcess? = {
        do {
            // The diagnosis first (its layers are served), into the shared run: no other suite writes a diagnosis there.
            var options = DiagnosisOptions()
            options.overwrite = true
            // The sample's street names and districts, as `ictu diagnose` takes them from the manifest.
            options.streets = try PlaceIndex.read(manifest: SampleRun.folder + "/city.yaml", role: "streets", gridCRS: "EPSG:2154")
            options.districtNames = try PlaceIndex.read(manifest: SampleRun.folder + "/city.yaml", role: "districts", gridCRS: "EPSG:2154")
            _ = try Diagnosis.run(run: SampleRun.folder + "/run", options: options)
            var watering = WateringOptions()
            watering.overwrite = true
            watering.budgetLitres = 5_000
            _ = try Watering.run(run: SampleRun.folder + "/run", options: watering)
            return try ServerProcess.start(["--run", SampleRun.folder + "/run"])
        } catch { Issue.record("server: \(error)"); return nil }
    }()

    static let browserScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Browser/viewer_check.py").path

    struct ViewerResult: Decodable {
        struct Tiles: Decodable { var tiles: Int; var opaque: Int }
        var day: Tiles; var night: Tiles; var legend: String; var sites: Int; var scale: String; var hashAfterSwitch: String
        var explanation: String; var explanationTerms: Int; var keyboardExplanation: Bool
        var frenchLayerLabel: String; var frenchHtmlLang: String
        var heatIslands: Int; var islandPopup: String; var trees: Int; var treePopup: String
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
        #expect(r.trees > 3000, "the inventory's trees drawn: \(r.trees)")
        #expect(r.treePopup.contains("Tree") && r.treePopup.contains("°C·m²") && r.treePopup.contains("hydric stress"), "\(r.treePopup)")
        #expect(r.islandPopup.contains("Heat island #") && r.islandPopup.contains("m²") && r.islandPopup.contains("causes"), "\(r.islandPopup)")
        #expect(r.console.filter { $0.level == "SEVERE" }.isEmpty, "console errors: \(r.console)")
    }

    struct ScenarioResult: Decodable {
        struct Tiles: Decodable { var tiles: Int; var opaque: Int; var blue: Int; var red: Int }
        var popupsWhileDrawing: Int; var readyStatus: String; var status: String; var summary: String; var completeSummary: String
        struct Click: Decodable { var text: String; var terms: Int; var sumChange: Double }
        var delta: Tiles; var legend: String; var before: Tiles; var afterShown: Bool; var badFileError: String
        struct Shared: Decodable { var hash: String; var view: String; var delta: Tiles }
        var scenarioClick: Click; var swipeLabels: [String]; var sharedView: Shared
        var console: [Browser.Message]
    }

    /// A designer's path through the viewer: draw a park, run it, see the difference (cooler: blue) and the summary;
    /// a file with a mistake gets the server's message naming the feature and the field.
    @Test func aPolygonDrawnInTheViewerRunsAsAScenarioAndShowsItsDifference() throws {
        let bad = TestFiles.root + "bad-scenario-\(UUID().uuidString).geojson"
        defer { try? FileManager.default.removeItem(atPath: bad) }
        try "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":\"new-square\",\"kind\":\"surface\",\"albedo\":1.7},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[-0.57,44.83],[-0.569,44.83],[-0.569,44.831],[-0.57,44.83]]]}}]}"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let script = URL(fileURLWithPath: Self.browserScript).deletingLastPathComponent().appendingPathComponent("scenario_check.py").path
        let output = try Process.output("/usr/bin/python3", [script, Self.base + "/", bad])
        let r = try JSONDecoder().decode(ScenarioResult.self, from: Data(output.utf8))
        #expect(r.popupsWhileDrawing == 0, "clicks place corners while drawing, they do not explain cells")
        #expect(r.readyStatus.contains("1 edit"), "\(r.readyStatus)")
        #expect(r.summary.contains("perimeter") && r.summary.contains("ring 100–300 m") && r.status.hasPrefix("Done"), "\(r.status) \(r.summary)")
        #expect(r.completeSummary.contains("Shaded sidewalk") && r.completeSummary.contains("cool island") && !r.completeSummary.contains("being computed"),
                "the summary completes itself after the difference: \(r.completeSummary)")
        // A mature park cools: the difference tiles are mostly blue where they are not neutral, never red.
        #expect(r.delta.tiles > 0 && r.delta.blue > 1000 && r.delta.red < r.delta.blue / 20, "\(r.delta)")
        // The difference's ramp is sized to the scenario: the next half degree over its largest change, 0.5–6 °C.
        #expect(r.legend.contains("after − before") && r.legend.range(of: #"\+[0-6]\.[05]"#, options: .regularExpression) != nil, "\(r.legend)")
        #expect(r.before.opaque > 10_000 && r.afterShown)
        // A click in the new park explains the scenario's cell (not the base run's): 13 terms before and after, and a
        // change — the park replaced what was there, so its sum moved.
        #expect(r.scenarioClick.terms == 13 && r.scenarioClick.text.contains("Change"), "\(r.scenarioClick.text)")
        #expect(abs(r.scenarioClick.sumChange) > 0.05, "the clicked cell changed with the park: \(r.scenarioClick.text)")
        #expect(r.swipeLabels == ["Before", "After"], "swipe before | after: \(r.swipeLabels)")
        #expect(r.sharedView.hash.contains("scenario=s") && r.sharedView.view == "delta" && r.sharedView.delta.tiles > 0,
                "a shared link reopens the scenario's difference: \(r.sharedView)")
        #expect(r.badFileError.contains("feature 1") && r.badFileError.contains("new-square") && r.badFileError.contains("albedo"), "\(r.badFileError)")
        #expect(r.console.filter { $0.level == "SEVERE" }.isEmpty, "console errors: \(r.console)")
    }

    /// (status, body) of a request sent as written (curl --path-as-is).
    func request(_ path: String, method: String = "GET", body: String? = nil, language: String? = nil) throws -> (Int, String) {
        var arguments = ["-s", "--path-as-is", "-X", method, "-o", "-", "-w", "\n%{http_code}", Self.base + path]
        if let language { arguments += ["-H", "Accept-Language: \(language)"] }
        if let body {
            // Large bodies go through a file (the command line has a length limit).
            let file = TestFiles.root + "body-\(UUID().uuidString)"
            try body.write(toFile: file, atomically: true, encoding: .utf8)
            arguments += ["--data-binary", "@" + file]
            defer { try? FileManager.default.removeItem(atPath: file) }
            let output = try Process.output("/usr/bin/curl", arguments)
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
        }
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
            ("point with a mistyped parameter", "/api/point?lng=-0.56&lat=44.83", 400),
            ("unknown path", "/etc/passwd", 404),
            ("oversized URL", "/api/point?lon=" + String(repeating: "9", count: 5000), 414),
        ]
        for (what, path, status) in cases {
            let (code, body) = try request(path)
            #expect(code == status, "\(what): \(path.prefix(60)) → \(code)")
            #expect(jsonError(body) != nil, "\(what): a JSON error, got \(body.prefix(200))")
            #expect(!body.contains("root:"), "\(what): no file content leaks")
        }
        // HEAD answers as GET does, without the body.
        for path in ["/", "/api/run", "/tiles/day/0/0/0.png"] {
            let head = try Process.output("/usr/bin/curl", ["-s", "-I", "-o", "/dev/null", "-w", "%{http_code}", Self.base + path])
            #expect(head == "200", "HEAD \(path) → \(head)")
        }
        // An HTTP/1.0 request without keep-alive: the server answers and closes the connection (the client reads to
        // the end of the stream well before the 30 s idle timeout); with keep-alive, a second request is answered on it.
        let port = Self.base.split(separator: ":").last.map(String.init) ?? ""
        let http10 = try Process.output("/usr/bin/python3", ["-c", """
            import socket, time
            def ask(head):
                s = socket.create_connection(("127.0.0.1", \(port))); s.settimeout(5); t = time.time()
                s.sendall(head); data = b""
                try:
                    while True:
                        chunk = s.recv(65536)
                        if not chunk: return ("closed", data, time.time() - t)
                        data += chunk
                except socket.timeout: return ("open", data, time.time() - t)
            state, data, seconds = ask(b"GET /api/run HTTP/1.0\\r\\n\\r\\n")
            print(state, data.split(b"\\r\\n")[0].decode(), round(seconds, 1))
            state, data, seconds = ask(b"GET /api/run HTTP/1.0\\r\\nConnection: keep-alive\\r\\n\\r\\nGET /api/run HTTP/1.0\\r\\n\\r\\n")
            print(state, data.count(b"HTTP/1."), round(seconds, 1))
            """])
        let lines = http10.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("closed HTTP/1.") == true && lines.first?.contains(" 200") == true, "HTTP/1.0 without keep-alive: \(http10)")
        #expect(lines.last?.hasPrefix("closed 2") == true, "HTTP/1.0 keep-alive then a plain request: both answered, then closed: \(http10)")
        let (postCode, postBody) = try request("/api/run", method: "POST", body: String(repeating: "x", count: 100_000))
        #expect(postCode == 413 && jsonError(postBody) != nil, "oversized body → 413, got \(postCode)")
        // Scenarios: a body too big, not GeoJSON, posted elsewhere; tiles of a scenario the server does not hold.
        let scenarioCases: [(String, String, String?, Int)] = [
            ("scenario over 1 MiB", "POST", String(repeating: "x", count: 1_100_000), 413),
            ("scenario not GeoJSON", "POST", "{not json", 400),
            ("empty scenario body", "POST", "", 400),
        ]
        for (what, method, body, status) in scenarioCases {
            let (code, answer) = try request("/api/scenario", method: method, body: body)
            #expect(code == status && jsonError(answer) != nil, "\(what) → \(code): \(answer.prefix(200))")
        }
        let (putCode, _) = try request("/api/scenario", method: "PUT", body: "{}")
        #expect(putCode == 405)
        let (unknownCode, unknownBody) = try request("/scenario/s999/tiles/delta/3/0/0.png")
        #expect(unknownCode == 404 && jsonError(unknownBody) != nil)
        let (layerCode, _) = try request("/scenario/s1/tiles/..%2F..%2Fcalibration/3/0/0.png")
        #expect(layerCode == 404)
        // Still serving, and serving right.
        let (code, body) = try request("/api/run")
        #expect(code == 200 && body.contains("\"layers\""))
        let (tileCode, _) = try request("/tiles/day/0/0/0.png")
        #expect(tileCode == 200)
        let tilejson = try JSONSerialization.jsonObject(with: Data(try request("/tilejson/day.json").1.utf8)) as! [String: Any]
        #expect((tilejson["tiles"] as? [String])?.first?.hasPrefix(Self.base + "/tiles/day/") == true)
    }

    @Test func theServersMessagesComeInTheViewersLanguage() throws {
        // The viewer sends its language as Accept-Language; the server answers in it (English otherwise).
        let (status, french) = try request("/api/point?lon=10&lat=10", language: "fr-FR,fr;q=0.9")
        #expect(status == 404 && (jsonError(french) ?? "").contains("est hors de la grille du calcul"), "\(french)")
        let (_, english) = try request("/api/point?lon=10&lat=10", language: "de, en;q=0.5")
        #expect((jsonError(english) ?? "").contains("is outside the run's grid"), "\(english)")
        // A bow-tie polygon (its edges cross) drawn in the viewer: refused, and said in French.
        let bowTie = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"park"},"geometry":{"type":"Polygon","coordinates":[[[-0.565,44.825],[-0.560,44.830],[-0.560,44.825],[-0.565,44.830],[-0.565,44.825]]]}}]}"#
        let (refused, answer) = try request("/api/scenario", method: "POST", body: bowTie, language: "fr")
        #expect(refused == 400 && (jsonError(answer) ?? "").contains("géométrie invalide"), "\(answer)")
    }

    @Test func pointQueryAgreesWithExplain() throws {
        let map = try TileCatalogue(try RunFolder(SampleRun.folder + "/run"))
        let site = try #require(map.record.sites.first)
        let (code, body) = try request("/api/point?lon=\(site.longitude)&lat=\(site.latitude)")
        #expect(code == 200)
        let served = try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
        let direct = try Explanation.at(run: map.folder.path, longitude: site.longitude, latitude: site.latitude)
        let day = served["day"] as! [String: Any]
        #expect(abs((day["ictu"] as! Double) - direct.day.ictu!) < 1e-9)
    }
}

/// The port the server bound, handed from its start-up callback to the tests.
/// `ictu serve` in a process of its own, for the tests. It stops when this test process ends: it is started by a
/// shell that waits on a pipe from this process and kills the server when the pipe closes.
/// The server's defences that need a server of their own: slow clients cut off by the idle timeout while others are
/// served, and the warning when it is asked to serve beyond this machine.
@Suite(.tags(.endToEnd)) struct ServerExposureTests {
    struct SlowResult: Decodable { var closedAfter: [Double?]; var normal: [String: Int]; var slowestNormal: Double }

    @Test func slowClientsAreCutOffWhileOthersAreServed() throws {
        let server = try ServerProcess.start(["--run", SampleRun.folder + "/run", "--idle-timeout", "1"])
        defer { server.stop() }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Clients/slow_clients.py").path
        // 100 connections trickling a request one byte every 0.3 s for 6 s; a normal client asks for a tile every 0.1 s.
        let output = try Process.output("/usr/bin/python3", [script, server.base, "100", "6"])
        let result = try JSONDecoder().decode(SlowResult.self, from: Data(output.utf8))
        let closed = result.closedAfter.compactMap { $0 }
        #expect(closed.count == 100, "every slow connection is closed by the server (\(closed.count) of 100)")
        #expect((closed.max() ?? 99) < 4, "within the 1 s idle timeout and some scheduling: slowest \(closed.max() ?? -1) s")
        #expect(result.normal.keys.sorted() == ["200"] && (result.normal["200"] ?? 0) > 20, "the normal client is served: \(result.normal)")
        #expect(result.slowestNormal < 2, "and promptly: slowest answer \(result.slowestNormal) s")
    }

    @Test func servingBeyondLoopbackIsExplicitAndWarned() throws {
        let local = try ServerProcess.start(["--run", SampleRun.folder + "/run"])
        defer { local.stop() }
        #expect(local.base.hasPrefix("http://127.0.0.1:"), "loopback by default: \(local.base)")
        #expect(!local.errors.contains("warning"))
        let open = try ServerProcess.start(["--run", SampleRun.folder + "/run", "--host", "0.0.0.0"])
        defer { open.stop() }
        #expect(open.base.hasPrefix("http://0.0.0.0:"))
        #expect(open.errors.contains("warning: serving on 0.0.0.0, beyond this machine") && open.errors.contains("no authentication"), "\(open.errors)")
    }
}
