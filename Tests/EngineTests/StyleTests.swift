import Foundation
import FoundationXML
import Reports
import Run
import Styles
import TestFixtures
import Testing
@testable import Tiles

/// A run opens styled in the tools the city uses: each map's QGIS (.qml) and OGC (.sld) style beside it, from the
/// same ramps as the viewer; the class map's palette in the file; units on the bands. Checked by gdalinfo and by
/// QGIS itself, headless (Tests/Clients/qgis_check.py).
@Suite(.tags(.endToEnd)) struct StyleTests {
    static let maps: [RunFolder.Entry] = [.dayMap, .nightMap, .classes, .relativeToMedian, .uncertainty, .hydricStress]
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Clients/qgis_check.py").path

    @Test func everyMapHasItsStylesAndGDALShowsPaletteAndUnits() throws {
        let run = SampleRun.folder + "/run/"
        for entry in Self.maps {
            for ext in ["qml", "sld"] {
                let path = run + entry.stem + "." + ext
                let document = try XMLDocument(contentsOf: URL(fileURLWithPath: path))
                #expect(document.rootElement()?.name == (ext == "qml" ? "qgis" : "StyledLayerDescriptor"), "\(path)")
            }
        }
        let sld = try XMLDocument(contentsOf: URL(fileURLWithPath: run + "ictu_day.sld"))
        #expect(try sld.nodes(forXPath: "//*[local-name()='ColorMapEntry']").count == ColourRamp.utci.stops.count, "the day ramp's stops")
        let classes = try Process.output("/usr/bin/gdalinfo", [run + "ictu_class.tif"])
        #expect(classes.contains("Color Table (RGB with 256 entries)"), "\(classes.suffix(400))")
        // Its attribute table: a row per class, with its name and bounds (in the COG's .aux.xml).
        #expect(classes.contains("<GDALRasterAttributeTable") && classes.components(separatedBy: "<Row ").count - 1 == 10
                && classes.contains("<F>very strong heat stress</F>") && classes.contains("<Name>utci_from_c</Name>"), "\(classes.suffix(600))")
        let day = try Process.output("/usr/bin/gdalinfo", [run + "ictu_day.tif"])
        #expect(day.contains("Unit Type: °C") && day.contains("Description = ICTU day"))
    }

    /// Tests/Clients/qgis_check.py's answer on a run folder (headless QGIS).
    static func qgisCheck(_ run: String, extra: [String] = []) throws -> Data {
        var environment = ProcessInfo.processInfo.environment
        environment["QT_QPA_PLATFORM"] = "offscreen"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, run] + extra
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "run .ci/setup: it installs python3-qgis")
        return data
    }

    @Test func anExportedTileJSONWithABaseURLLoadsAsAnXYZLayerInQGIS() throws {
        let run = try SampleRun.copyOfRun()
        _ = try Process.output(IctuCommand.ictu, ["tiles", "--run", run, "--layer", "day", "--format", "xyz", "--zoom", "12-14",
                                                  "--base-url", "file://\(run)/tiles/", "--quiet"])
        let tilejson = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/tiles/day/tilejson.json"))) as! [String: Any]
        #expect((tilejson["tiles"] as? [String])?.first == "file://\(run)/tiles/day/{z}/{x}/{y}.png", "absolute, no double slash")
        struct XYZ: Decodable { struct Layer: Decodable { var url: String; var valid: Bool; var opaque: Int }; var xyz: Layer }
        let answer = try JSONDecoder().decode(XYZ.self, from: try Self.qgisCheck(run, extra: ["--xyz", run + "/tiles/day/tilejson.json"]))
        // QGIS draws the day map from the tiles (most of the 64 × 64 sampled pixels over the sample are opaque).
        #expect(answer.xyz.valid && answer.xyz.opaque > 1000, "\(answer.xyz)")
        #expect(throws: (any Error).self) { try Process.output(IctuCommand.ictu, ["tiles", "--run", run, "--layer", "day", "--base-url", "tiles/", "--force"]) }
    }

    struct QGISResult: Decodable {
        struct Layer: Decodable {
            var valid: Bool; var renderer: String?
            var colours: [[Entry]]?
            enum Entry: Decodable {
                case number(Double), text(String)
                init(from decoder: Decoder) throws {
                    let c = try decoder.singleValueContainer()
                    if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .text(try c.decode(String.self)) }
                }
                var text: String? { if case .text(let s) = self { s } else { nil } }
            }
        }
        var layers: [String: Layer]
        var classImageColours: [String: Int]
    }

    @Test func qgisOpensEveryMapStyledWithTheViewersColours() throws {
        let r = try JSONDecoder().decode(QGISResult.self, from: try Self.qgisCheck(SampleRun.folder + "/run"))
        // QGIS loads each map's .qml by default: the class map paletted, the others a pseudocolour ramp.
        #expect(r.layers.count == Self.maps.count && r.layers.values.allSatisfy(\.valid), "\(r.layers.keys.sorted())")
        #expect(r.layers["ictu_class"]?.renderer == "paletted" && r.layers["ictu_day"]?.renderer == "singlebandpseudocolor")
        // The class map as QGIS draws it has only the viewer's class colours (its legend's), and several of them.
        let viewer = Set(TileLayer(name: "classes", title: "", band: nil, kind: .utciClasses, ramp: .utci).legend.classes!.map(\.colour))
        #expect(r.classImageColours.count >= 2 && Set(r.classImageColours.keys).isSubset(of: viewer), "QGIS drew \(r.classImageColours); the viewer's: \(viewer)")
        // The day ramp in QGIS is the viewer's, stop for stop.
        let qgisDay = r.layers["ictu_day"]?.colours?.compactMap { $0[1].text } ?? []
        #expect(qgisDay == ColourRamp.utci.stops.map { MapStyle.hex($0.rgb) }, "\(qgisDay)")
    }
}

/// `run.qgs`: the project a GIS team opens — every layer valid and styled, grouped, named in the run's language,
/// with paths relative to the run (checked on a moved copy).
@Suite(.tags(.endToEnd)) struct QGISProjectTests {
    struct Result: Decodable {
        struct Project: Decodable {
            struct Layer: Decodable { var name: String; var valid: Bool; var renderer: String?; var source: String }
            var read: Bool; var layers: [String: Layer]; var groups: [String]; var title: String
        }
        var project: Project?
    }

    @Test func theProjectOpensTheRunInQGISWithEveryLayerValidAndStyled() throws {
        // A French run with its diagnosis and watering, then moved with its city: the project's relative paths hold.
        let city = TestFiles.root + "ictu-qgis-city-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: city, withIntermediateDirectories: true)
        for entry in ["Rasters", "SensorData"] { try FileManager.default.copyItem(atPath: SampleRun.folder + "/" + entry, toPath: city + "/" + entry) }
        try FileManager.default.copyItem(atPath: IctuCommand.city, toPath: city + "/city.yaml")
        let run = city + "/run"
        _ = try Process.output(IctuCommand.ictu, ["compute", "--city", city + "/city.yaml", "--out", run, "--lang", "fr", "--quiet"])
        _ = try Process.output(IctuCommand.ictu, ["diagnose", "--run", run, "--lang", "fr", "--quiet"])
        _ = try Process.output(IctuCommand.ictu, ["watering", "--run", run, "--budget", "5000", "--lang", "fr", "--quiet"])
        let moved = TestFiles.root + "ictu-qgis-moved-\(UUID().uuidString)"
        try FileManager.default.moveItem(atPath: city, toPath: moved)

        let data = try StyleTests.qgisCheck(moved + "/run")
        let project = try #require(try JSONDecoder().decode(Result.self, from: data).project, "run.qgs written and read")
        #expect(project.read && project.title.contains("Carte de température ressentie"))
        #expect(project.groups == ["Diagnostic", "Cartes", "Ville"], "\(project.groups)")
        let layers = project.layers.values
        #expect(layers.count >= 12 && layers.allSatisfy(\.valid), "invalid: \(layers.filter { !$0.valid }.map { "\($0.name) \($0.source)" })")
        // By their French names (QGIS may give the layers ids of its own).
        let named = Dictionary(layers.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(named["Classe de stress thermique UTCI (jour)"]?.renderer == "paletted" && named["ICTU de jour (14–17 h), °C"]?.renderer == "singlebandpseudocolor",
                "\(named.keys.sorted())")
        #expect(["Îlots de chaleur, jour", "Îlots de chaleur, nuit", "Îlots de fraîcheur", "Priorités d'arrosage (arbres)", "Bâtiments", "Sites des capteurs"].allSatisfy { named[$0]?.renderer == "singleSymbol" }, "\(named.keys.sorted())")
        // Its STAC Item, renewed by diagnose and watering, lists what they added, and stays valid after the move.
        _ = try Clients.run("stac_check.py", [moved + "/run/" + RunFolder.stacItemFileName])
        let item = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: moved + "/run/" + RunFolder.stacItemFileName))) as! [String: Any]
        #expect(["heat_islands", "cool_islands", "watering", "sensors"].allSatisfy { (item["assets"] as! [String: Any])[$0] != nil }, "\((item["assets"] as! [String: Any]).keys.sorted())")
        // The moved run's layers are read from where it now is (paths relative to the project).
        #expect(layers.allSatisfy { $0.source.hasPrefix(moved) }, "\(layers.map(\.source))")
    }

    /// The run as a STAC Item that PyPI's stac-validator accepts (core, projection and raster extensions; schemas
    /// mapped to local copies, Tests/Clients/stac_check.py), listing every file of the run with what GDAL says of it.
    @Test func theRunsSTACItemIsValidAndDescribesEveryFile() throws {
        let run = SampleRun.folder + "/run/"
        _ = try Clients.run("stac_check.py", [run + RunFolder.stacItemFileName])
        let item = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + RunFolder.stacItemFileName))) as! [String: Any]
        let assets = item["assets"] as! [String: [String: Any]]
        let hrefs = assets.values.compactMap { $0["href"] as? String }
        #expect(hrefs.allSatisfy { FileManager.default.fileExists(atPath: run + $0) }, "every href is a file of the run")
        // The folders later commands add (other suites write them into this shared run through the API, which does
        // not renew the Item; the CLI does: the project test below checks them) are left out here.
        let later = Set(RunFolder.derivedProducts.map(\.fileName))
        let files = try FileManager.default.contentsOfDirectory(atPath: run).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".aux.xml") && $0 != RunFolder.stacItemFileName && !later.contains($0) }
        #expect(Set(files).isSubset(of: Set(hrefs.map { String($0.dropFirst(2)) })), "every file is an asset: \(Set(files).subtracting(hrefs.map { String($0.dropFirst(2)) }))")
        for entry in RunFolder.runEntries where entry.fileName.hasSuffix(".tif") {
            let asset = try #require(assets[entry.stem], "\(entry)")
            let info = try Process.output("/usr/bin/gdalinfo", [run + entry.fileName])
            let bands = asset["raster:bands"] as? [[String: Any]] ?? []
            #expect(bands.count == info.components(separatedBy: "\nBand ").count - 1, "\(entry): a raster:bands entry per band")
            #expect(bands.allSatisfy { $0["spatial_resolution"] as? Double == 5 }, "the sample's 5 m cells")
            if let unit = RunFolder.bandUnit(entry) { #expect(bands.allSatisfy { $0["unit"] as? String == unit }, "\(entry): \(bands)") }
        }
        #expect(assets["ictu_day_qml"]?["roles"] as? [String] == ["style"] && assets["ictu_day_sld"] != nil)
        let properties = item["properties"] as! [String: Any]
        let record = try RunFolder(run).record
        #expect(properties["proj:epsg"] as? Int == 2154 && properties["proj:shape"] as? [Int] == [record.grid.height, record.grid.width])
        // Every sensor site lies inside the Item's bounding box (WGS 84).
        let bbox = item["bbox"] as! [Double]
        #expect(record.sites.allSatisfy { $0.longitude >= bbox[0] && $0.latitude >= bbox[1] && $0.longitude <= bbox[2] && $0.latitude <= bbox[3] })
    }
}
