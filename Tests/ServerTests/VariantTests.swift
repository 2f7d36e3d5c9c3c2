import Foundation
import GeoIO
import TestFixtures
import Testing

/// Scenario variants on one served run (issue: design at the speed of drawing): held until removed, independent
/// of one another, named, downloadable as the GeoJSON `ictu simulate` runs to the same numbers, compared two by two
/// in the viewer.
@Suite(.serialized, .tags(.endToEnd)) struct VariantTests {
    /// A scenario on the sample city (Lambert-93): rectangles of one edit each.
    static func scenario(_ properties: String, _ rectangles: [(Double, Double, Double, Double)], name: String? = nil) throws -> String {
        let path = TestFiles.root + "variant-\(UUID().uuidString).geojson"
        let features = rectangles.enumerated().map { k, r in
            "{\"type\":\"Feature\",\"properties\":{\"id\":\"e\(k + 1)\",\(properties)},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\(r.0),\(r.1)],[\(r.2),\(r.1)],[\(r.2),\(r.3)],[\(r.0),\(r.3)],[\(r.0),\(r.1)]]]}}"
        }
        let named = name.map { "\"name\":\"\($0)\"," } ?? ""
        try "{\"type\":\"FeatureCollection\",\(named)\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::2154\"}},\"features\":[\(features.joined(separator: ","))]}"
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
    static let park = "\"kind\":\"park\",\"years_after_planting\":30"

    func request(_ url: String, method: String = "GET", file: String? = nil, to output: String? = nil) throws -> (status: Int, body: Data) {
        let out = output ?? TestFiles.root + "answer-\(UUID().uuidString)"
        let status = Int(try Process.output("/usr/bin/curl", ["-s", "-X", method, "-o", out, "-w", "%{http_code}", url] + (file.map { ["--data-binary", "@" + $0] } ?? []))) ?? 0
        return (status, (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data())
    }

    func json(_ data: Data) throws -> [String: Any] { try JSONSerialization.jsonObject(with: data) as! [String: Any] }

    /// Day mean change of each zone of a summary, by zone.
    func zoneChanges(_ summary: [String: Any]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: (summary["zones"] as! [[String: Any]]).map { ($0["zone"] as! String, $0["dayMeanChange"] as? Double ?? .nan) })
    }

    /// A variant's summary once its last figures are in (polled as the viewer does).
    func completeSummary(_ base: String, _ id: String) throws -> [String: Any] {
        for _ in 0..<600 {
            let summary = try json(request(base + "/api/scenario/\(id)").body)["summary"] as! [String: Any]
            if summary["pending"] == nil { return summary }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("the summary of \(id) stayed pending")
        return [:]
    }

    @Test func variantsAreHeldUntilRemovedIndependentAndRunAgainToTheSameNumbers() throws {
        let server = try ServerProcess.start(["--run", SampleRun.folder + "/run"])
        defer { server.stop() }
        let a = try Self.scenario(Self.park, [(418_300, 6_419_300, 418_450, 6_419_420)], name: "park with pond")
        let b = try Self.scenario("\"kind\":\"trees\",\"years_after_planting\":30", [(418_900, 6_419_800, 419_000, 6_419_900)])
        let postA = try request(server.base + "/api/scenario", method: "POST", file: a)
        #expect(postA.status == 200, "\(String(decoding: postA.body, as: UTF8.self))")
        let first = try json(postA.body)
        let idA = first["id"] as! String
        #expect(first["name"] as? String == "park with pond", "the file's own name")
        // A's difference tile over the park (zoom 16), and its summary, before B and C run.
        var xs = [418_375.0], ys = [6_419_360.0]
        try CoordinateTransform(from: "EPSG:2154", to: "EPSG:4326").transform(xs: &xs, ys: &ys)
        let n = Double(1 << 16), phi = ys[0] * .pi / 180
        let column = Int((xs[0] + 180) / 360 * n), row = Int((1 - log(tan(phi) + 1 / cos(phi)) / .pi) / 2 * n)
        let tile = "/scenario/\(idA)/tiles/delta/16/\(column)/\(row).png"
        let tileBefore = try request(server.base + tile)
        #expect(tileBefore.status == 200 && tileBefore.body.count > 1000, "the park's tile shows its difference (\(tileBefore.body.count) bytes)")
        #expect((first["summary"] as! [String: Any])["pending"] as? Bool == true && (first["summary"] as! [String: Any])["coolIslandAccessShare"] == nil,
                "the answer comes with the difference and the zones; the city-wide and 15 h figures follow")
        let summaryBefore = try completeSummary(server.base, idA)

        let postB = try json(request(server.base + "/api/scenario", method: "POST", file: b).body)
        let postC = try json(request(server.base + "/api/scenario?name=park%20with%20pond", method: "POST", file: a).body)
        #expect(postB["name"] as? String == "A" && postC["name"] as? String == "park with pond (2)", "unnamed: the first free letter; a name held gets its number")
        let tileAfter = try request(server.base + tile)
        let summaryAfter = try completeSummary(server.base, idA)
        #expect(tileAfter.status == tileBefore.status && tileAfter.body == tileBefore.body, "A's tiles unchanged by B and C")
        #expect(zoneChanges(summaryAfter) == zoneChanges(summaryBefore), "A's summary unchanged by B and C")
        // C is A run again: the same numbers from the warm server.
        let c = postC["summary"] as! [String: Any]
        #expect(zoneChanges(c) == zoneChanges(summaryBefore), "\(zoneChanges(c)) vs \(zoneChanges(summaryBefore))")

        let listed = try json(request(server.base + "/api/scenarios").body)["variants"] as! [[String: Any]]
        #expect(listed.map { $0["name"] as! String } == ["park with pond", "A", "park with pond (2)"])
        #expect(try request(server.base + "/api/scenario/\(postB["id"] as! String)", method: "DELETE").status == 204)
        #expect(try request(server.base + "/api/scenario/\(postB["id"] as! String)").status == 404)
        #expect((try json(request(server.base + "/api/scenarios").body)["variants"] as! [[String: Any]]).count == 2)

        // The download is the scenario as posted, with its name: `ictu simulate` runs it to the server's numbers.
        let downloaded = TestFiles.root + "downloaded-\(UUID().uuidString).geojson"
        #expect(try request(server.base + "/api/scenario/\(idA)/geojson", to: downloaded).status == 200)
        #expect(try json(Data(contentsOf: URL(fileURLWithPath: downloaded)))["name"] as? String == "park with pond")
        let out = TestFiles.root + "variant-run-\(UUID().uuidString)"
        _ = try Process.output(IctuCommand.ictu, ["simulate", downloaded, "--run", SampleRun.folder + "/run", "--out", out, "--quiet"])
        let simulated = try json(Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
        // The scenario's run is a STAC Item too, valid, linked to the run it changes.
        _ = try Clients.run("stac_check.py", [out + "/stac-item.json"])
        let links = try json(Data(contentsOf: URL(fileURLWithPath: out + "/stac-item.json")))["links"] as! [[String: String]]
        let derived = try #require(links.first { $0["rel"] == "derived_from" }?["href"])
        #expect(FileManager.default.fileExists(atPath: URL(fileURLWithPath: out + "/" + derived).standardizedFileURL.path), "\(derived)")
        for (zone, change) in zoneChanges(summaryBefore) {
            #expect(abs((zoneChanges(simulated)[zone] ?? .nan) - change) <= 0.001, "\(zone): served \(change), simulated \(zoneChanges(simulated)[zone] ?? .nan)")
        }
        // The figures completed after the answer are those ictu simulate computes at once.
        for key in ["strongOrWorseShare", "veryStrongOrWorseShare", "coolIslandAccessShare", "coolIslandAccessShareCity", "shadedSidewalkMetres"] {
            let served = summaryBefore[key] as? [String: Double], computed = simulated[key] as? [String: Double]
            #expect(served != nil && served?.keys.sorted() == computed?.keys.sorted()
                    && served!.allSatisfy { abs($0.value - (computed?[$0.key] ?? .nan)) <= 0.001 }, "\(key): served \(served ?? [:]), simulated \(computed ?? [:])")
        }

        // Held until removed: past the limit a new one is refused, naming what is held and what to do.
        var last = (status: 200, body: Data())
        for _ in 0..<8 where last.status == 200 { last = try request(server.base + "/api/scenario", method: "POST", file: b) }
        let refusal = String(decoding: last.body, as: UTF8.self)
        #expect(last.status == 409 && refusal.contains("park with pond") && refusal.contains("DELETE"), "\(last.status) \(refusal)")
    }

    @Test func theViewerComparesTwoVariantsWithTheSwipeAndRemovesOne() throws {
        let server = try ServerProcess.start(["--run", SampleRun.folder + "/run"])
        defer { server.stop() }
        let a = try Self.scenario(Self.park, [(418_300, 6_419_300, 418_450, 6_419_420)])
        let b = try Self.scenario(Self.park, [(418_200, 6_419_250, 418_500, 6_419_500)])
        struct Tiles: Decodable { var tiles: Int; var opaque: Int }
        struct Check: Decodable {
            var listed: [String], header: [String], rows: Int, labels: [String]
            var left: Tiles, right: Tiles, hash: String, download: String?, removedStatus: Int, labelsAfterRemoval: Int
        }
        let script = Clients.repository + "/Tests/Browser/variants_check.py"
        let check = try JSONDecoder().decode(Check.self, from: Data(try Process.output("/usr/bin/python3", [script, server.base, a, b]).utf8))
        #expect(check.listed == ["Park with pond", "Street trees"])
        #expect(check.header == ["", "Street trees", "Park with pond"] && check.rows >= 8, "the table: the shown variant, the other: \(check.header)")
        #expect(check.labels == ["Street trees", "Park with pond"], "the swipe's sides named by variant")
        #expect(check.left.tiles > 0 && check.left.opaque > 0 && check.right.tiles > 0 && check.right.opaque > 0, "each side's tiles from its variant")
        #expect(check.hash.contains("versus="), "the comparison is in the link: \(check.hash)")
        #expect(check.download == "Park with pond" && check.removedStatus == 404 && check.labelsAfterRemoval == 0)
    }
}
