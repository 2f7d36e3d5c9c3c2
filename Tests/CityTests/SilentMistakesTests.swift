import Foundation
import GeoIO
import TestFixtures
import Testing
@testable import City

/// Mistakes that used to end in defaults with exit 0 and no word: each is now an error naming the file, the place
/// and the fix — or, when it may be meant, a warning the user sees.
@Suite struct SilentMistakesTests {
    static let manifest = FixtureCity.manifestText

    func error(_ breakIt: (FixtureCity) throws -> Void) throws -> String? {
        let fixture = try FixtureCity()
        try breakIt(fixture)
        return fixture.error()
    }

    @Test func unknownManifestKeysAreErrorsWithTheNearestKey() throws {
        let cases: [(String, String, [String])] = [
            ("timezone: Europe/Paris", "time_zone: Europe/Paris", ["unknown key 'time_zone'", "did you mean `timezone`", "line 2"]),
            ("cell_size_m: 2", "cellsize_m: 2", ["unknown key 'cellsize_m' in `grid`", "did you mean `cell_size_m`"]),
            ("scale: 0.01}", "scael: 0.01}", ["unknown key 'scael' in `rasters.tree_canopy`", "did you mean `scale`"]),
            ("height_attribute: hauteur", "height_atribute: hauteur", ["`vectors.buildings`", "did you mean `height_attribute`"]),
            ("reference: SensorData/reference.csv", "refrence: SensorData/reference.csv", ["`sensors`", "did you mean `reference`"]),
        ]
        for (valid, typo, expected) in cases {
            let message = try #require(try error { try $0.write("city.yaml", Self.manifest.replacingOccurrences(of: valid, with: typo)) }, "\(typo) accepted")
            for part in expected { #expect(message.contains(part), "«\(message)» should say «\(part)»") }
        }
    }

    @Test func windowsLineEndingsAndALeadingCommentAreAManifest() throws {
        let crlf = ("# the fixture city, saved on Windows\n" + Self.manifest).replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try error { try $0.write("city.yaml", crlf) } == nil)
    }

    /// Kelvins, degrees Fahrenheit and humidity fractions, in a measurements file and in the reference station's.
    @Test func unitMistakesAreRecognisedWithTheFix() throws {
        func convert(_ file: String, _ transform: @escaping (Double) -> Double, column: Int) -> (FixtureCity) throws -> Void {
            { fixture in
                try fixture.edit(file) { text in
                    text.split(separator: "\n").enumerated().map { k, line in
                        guard k > 0 else { return String(line) }
                        var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                        fields[column] = String(transform(Double(fields[column])!))
                        return fields.joined(separator: ",")
                    }.joined(separator: "\n") + "\n"
                }
            }
        }
        let cases: [(String, (FixtureCity) throws -> Void, [String])] = [
            ("kelvin", convert("SensorData/measurements.csv", { $0 + 273.15 }, column: 2), ["measurements.csv", "temperature_c", "kelvins", "subtract 273.15"]),
            ("fahrenheit", convert("SensorData/measurements.csv", { $0 * 9 / 5 + 32 }, column: 2), ["measurements.csv", "Fahrenheit", "(°F − 32) × 5/9"]),
            ("fraction", convert("SensorData/measurements.csv", { $0 / 100 }, column: 3), ["measurements.csv", "humidity_pct", "fractions", "multiply by 100"]),
            ("reference in kelvin", convert("SensorData/reference.csv", { $0 + 273.15 }, column: 1), ["reference.csv", "kelvins"]),
        ]
        for (what, breakIt, expected) in cases {
            let fixture = try FixtureCity()
            try breakIt(fixture)
            let message: String
            do { _ = try City(manifestPath: fixture.manifest); Issue.record("\(what): accepted"); continue } catch { message = "\(error)" }
            for part in expected { #expect(message.contains(part), "\(what): «\(message)» should say «\(part)»") }
        }
    }

    @Test func aMeasurementsFileListedTwiceIsRefused() throws {
        let fixture = try FixtureCity()
        try fixture.write("city.yaml", Self.manifest.replacingOccurrences(of: "[SensorData/measurements.csv]", with: "[SensorData/measurements.csv, ./SensorData/measurements.csv]"))
        let message = try #require(fixture.error())
        #expect(message.contains("listed twice") && message.contains("sensors.measurements"), "\(message)")
    }

    @Test func oneFileInTwoRolesIsSaid() throws {
        let fixture = try FixtureCity()
        try fixture.write("city.yaml", Self.manifest.replacingOccurrences(of: "rasters:\n", with: "rasters:\n  grass: {path: Rasters/tree_canopy.tif, scale: 0.01}\n"))
        let city = try City(manifestPath: fixture.manifest)
        #expect(city.warnings.count == 1 && city.warnings[0].contains("grass and tree_canopy"), "\(city.warnings)")
    }

    /// A district run of a metropolitan network: sensors off the grid are left out, said, and their rows skipped.
    @Test func sensorsOutsideTheGridAreLeftOutAndSaid() throws {
        let fixture = try FixtureCity()
        try fixture.edit("SensorData/sensors.csv") { $0 + "FAR,s9,Paris,2.35,48.85,3\n" }
        try fixture.edit("SensorData/measurements.csv") { $0 + "FAR,2022-07-18T12:00:00Z,30,40\n" }
        let city = try City(manifestPath: fixture.manifest)
        #expect(city.stations.map(\.station.id) == ["A", "B"])
        #expect(city.warnings.contains { $0.contains("1 sensor is outside the grid") && $0.contains("FAR") }, "\(city.warnings)")
    }

    @Test func aRasterCoveringPartOfTheGridIsSaidAndOneWithNoDataIsRefused() throws {
        let fixture = try FixtureCity()
        try fixture.writeRaster("Rasters/tree_canopy.tif", values: (0..<400).map { Float($0 % 100) }, originX: FixtureCity.minX + 24)
        let city = try City(manifestPath: fixture.manifest)
        #expect(city.warnings.contains { $0.contains("tree_canopy.tif (tree_canopy) covers 40 % of the grid") }, "\(city.warnings)")
        try fixture.writeRaster("Rasters/tree_canopy.tif", values: [Float](repeating: .nan, count: 400))
        let message = try #require(fixture.error())
        #expect(message.contains("tree_canopy.tif") && message.contains("has no data over the analysis grid"), "\(message)")
    }

    /// A VRT declaring 10⁶ × 10⁶ pixels of 2 m (a whole region) with the fixture's canopy at the grid's place: only the
    /// pixels under the grid are read and checked (the whole would be 4 TB of float32 to scan).
    @Test func aHugeSourceIsReadOverTheGridOnly() throws {
        let fixture = try FixtureCity()
        let side = 1_000_000, col = side / 2, row = side / 2
        let vrt = """
        <VRTDataset rasterXSize="\(side)" rasterYSize="\(side)">
          <SRS>EPSG:2154</SRS>
          <GeoTransform>\(FixtureCity.minX - Double(col) * 2), 2, 0, \(FixtureCity.maxY + Double(row) * 2), 0, -2</GeoTransform>
          <VRTRasterBand dataType="Float32" band="1">
            <NoDataValue>-1</NoDataValue>
            <SimpleSource>
              <SourceFilename relativeToVRT="1">tree_canopy.tif</SourceFilename>
              <SourceBand>1</SourceBand>
              <SrcRect xOff="0" yOff="0" xSize="20" ySize="20"/>
              <DstRect xOff="\(col)" yOff="\(row)" xSize="20" ySize="20"/>
            </SimpleSource>
          </VRTRasterBand>
        </VRTDataset>
        """
        try fixture.write("Rasters/region.vrt", vrt)
        try fixture.write("city.yaml", Self.manifest.replacingOccurrences(of: "Rasters/tree_canopy.tif", with: "Rasters/region.vrt"))
        let city = try City(manifestPath: fixture.manifest)
        let canopy = try #require(city.rasters[.treeCanopy])
        #expect(canopy.sourceWindow.width <= 24 && canopy.sourceWindow.height <= 24, "\(canopy.sourceWindow)")
        #expect(canopy.valueRange?.max == 0.99)
    }

    /// Messages a person can act on: each names the file, the place and the fix.
    @Test func messagesSayWhatIsWrongAndTheFix() throws {
        let cases: [(String, (FixtureCity) throws -> Void, [String])] = [
            ("unknown time zone", { try $0.write("city.yaml", Self.manifest.replacingOccurrences(of: "Europe/Paris", with: "Europe/Pariss")) },
             ["city.yaml (timezone)", "unknown time zone 'Europe/Pariss'", "did you mean Europe/Paris"]),
            ("semicolons", { try $0.edit("SensorData/sensors.csv") { $0.replacingOccurrences(of: ",", with: ";") } },
             ["sensors.csv (line 1)", "separated by ';'", "commas"]),
            ("decimal comma", { try $0.edit("SensorData/sensors.csv") { $0.replacingOccurrences(of: ",3\n", with: ",\"3,5\"\n") } },
             ["sensors.csv (line 2, column height_m)", "decimal comma"]),
            ("duplicated column", { try $0.edit("SensorData/reference.csv") { $0.replacingOccurrences(of: "wind_ms,", with: "wind_ms,wind_ms,") } },
             ["reference.csv (line 1, columns 4 and 5)", "'wind_ms' appears twice"]),
            ("rotated raster", { fixture in
                let ds = try RasterDataset.open(fixture.folder + "/Rasters/tree_canopy.tif", update: true)
                try ds.setGeoTransform(GeoTransform(coefficients: [FixtureCity.minX, 2, 0.5, FixtureCity.maxY, 0.5, -2]))
                try ds.flush()
            }, ["tree_canopy.tif", "rotated georeference", "gdalwarp"]),
        ]
        for (what, breakIt, expected) in cases {
            let message = try #require(try error(breakIt), "\(what): accepted")
            for part in expected { #expect(message.contains(part), "\(what): «\(message)» should say «\(part)»") }
        }
    }
}

