import Foundation
import GeoIO
import Model
import Reports
import Run

/// How each map of a run is drawn — one definition, rendered to the viewer's tiles (TileLayer), the reports and the
/// QGIS (.qml) and OGC (.sld) styles written beside each map.
public struct MapStyle: Sendable {
    public enum Kind: Sendable { case ramp(ColourRamp), classes }
    public let title: String
    public let kind: Kind

    /// The run's maps and their styles (the analysis stacks have none: they are many bands of one unit).
    public static func of(_ entry: RunFolder.Entry) -> MapStyle? {
        switch entry {
        case .dayMap: MapStyle(title: "ICTU day (14–17 h), °C", kind: .ramp(.utci))
        case .nightMap: MapStyle(title: "ICTU night (22–06 h), °C", kind: .ramp(.utciNight))
        case .classes: MapStyle(title: "UTCI heat-stress class (day)", kind: .classes)
        case .relativeToMedian: MapStyle(title: "Day ICTU relative to the median, °C", kind: .ramp(.difference(range: 6)))
        case .uncertainty: MapStyle(title: "Uncertainty of the day ICTU (1 σ), °C", kind: .ramp(.uncertainty))
        case .hydricStress: MapStyle(title: "Canopy hydric stress (0–1)", kind: .ramp(.stress))
        case .delta: MapStyle(title: "Change by the scenario, day (after − before), °C", kind: .ramp(.difference(range: 3)))
        default: nil
        }
    }

    /// The codes of `ictu_class.tif` (a UTCI class's number + 5: 0 extreme cold … 9 extreme heat), each with its
    /// name, its range and its colour: the day ramp's at the class's middle, as the viewer's class layer draws it.
    public static let classes: [(code: Int, name: String, range: String, from: Double, to: Double, rgb: (UInt8, UInt8, UInt8))] = UTCI.StressClass.allCases.map { c in
        let (r, g, b, _) = ColourRamp.utci.rgba(Float(classMiddle(c)))
        let bounds = classBounds(c)
        return (c.rawValue + 5, c.label, classRange(c), bounds.from, bounds.to, (r, g, b))
    }

    /// The class map's palette: each code in its class's colour (QGIS and gdalinfo show it without a style).
    public static var classColourTable: [(UInt8, UInt8, UInt8, UInt8)] {
        var table = [(UInt8, UInt8, UInt8, UInt8)](repeating: (0, 0, 0, 0), count: 256)
        for c in classes { table[c.code] = (c.rgb.0, c.rgb.1, c.rgb.2, 255) }
        return table
    }

    /// The class map's attribute table: each code's class name, its UTCI bounds in °C and its colour.
    public static var classAttributeTable: (columns: [RasterBand.AttributeColumn], rows: [[FieldValue]]) {
        ([.value("value"), .name("class"), .number("utci_from_c"), .number("utci_to_c"), .red, .green, .blue],
         classes.map { c in [.integer(c.code), .string(c.name), .real(c.from), .real(c.to), .integer(Int(c.rgb.0)), .integer(Int(c.rgb.1)), .integer(Int(c.rgb.2))] })
    }

    /// A class's UTCI bounds in °C (the open ends: ±∞).
    public static func classBounds(_ c: UTCI.StressClass) -> (from: Double, to: Double) {
        switch c {
        case .extremeCold: (-.infinity, -40); case .veryStrongCold: (-40, -27); case .strongCold: (-27, -13); case .moderateCold: (-13, 0)
        case .slightCold: (0, 9); case .none: (9, 26); case .moderateHeat: (26, 32); case .strongHeat: (32, 38)
        case .veryStrongHeat: (38, 46); case .extremeHeat: (46, .infinity)
        }
    }

    /// The middle of a class's range (the open-ended ones: a value inside), where its colour is taken.
    public static func classMiddle(_ c: UTCI.StressClass) -> Double {
        switch c {
        case .extremeCold: -45; case .veryStrongCold: -33.5; case .strongCold: -20; case .moderateCold: -6.5; case .slightCold: 4.5
        case .none: 17.5; case .moderateHeat: 29; case .strongHeat: 35; case .veryStrongHeat: 42; case .extremeHeat: 49
        }
    }

    public static func classRange(_ c: UTCI.StressClass) -> String {
        switch c {
        case .extremeCold: "< −40 °C"; case .veryStrongCold: "−40–−27 °C"; case .strongCold: "−27–−13 °C"; case .moderateCold: "−13–0 °C"
        case .slightCold: "0–9 °C"; case .none: "9–26 °C"; case .moderateHeat: "26–32 °C"; case .strongHeat: "32–38 °C"
        case .veryStrongHeat: "38–46 °C"; case .extremeHeat: "> 46 °C"
        }
    }

    public static func hex(_ rgb: (UInt8, UInt8, UInt8)) -> String {
        "#" + [rgb.0, rgb.1, rgb.2].map { String(format: "%02x", $0) }.joined()
    }

    public static func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A number for a style file: as short as it is exact.
    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    /// The colour entries of a ramp: its stops, labelled by their value and unit.
    func entries(_ ramp: ColourRamp) -> [(value: Double, colour: String, label: String)] {
        ramp.stops.map { s in (s.value, Self.hex(s.rgb), "\(Self.number(s.value)) \(ramp.unit)") }
    }

    /// The QGIS rendering (the `pipe` of a style or a project's layer) of band 1: a pseudocolour ramp interpolated
    /// between the stops, or the palette of classes.
    public var pipe: String {
        let renderer: String
        switch kind {
        case .ramp(let ramp):
            let items = entries(ramp).map { "          <item alpha=\"255\" value=\"\(Self.number($0.value))\" label=\"\(Self.xml($0.label))\" color=\"\($0.colour)\"/>" }.joined(separator: "\n")
            let lo = Self.number(ramp.stops.first!.value), hi = Self.number(ramp.stops.last!.value)
            renderer = """
                <rasterrenderer type="singlebandpseudocolor" band="1" opacity="1" alphaBand="-1" nodataColor="" classificationMin="\(lo)" classificationMax="\(hi)">
                  <rasterTransparency/>
                  <minMaxOrigin><limits>None</limits><extent>WholeRaster</extent><statAccuracy>Estimated</statAccuracy><cumulativeCutLower>0.02</cumulativeCutLower><cumulativeCutUpper>0.98</cumulativeCutUpper><stdDevFactor>2</stdDevFactor></minMaxOrigin>
                  <rastershader>
                    <colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="0" minimumValue="\(lo)" maximumValue="\(hi)">
            \(items)
                    </colorrampshader>
                  </rastershader>
                </rasterrenderer>
            """
        case .classes:
            let entries = Self.classes.map { "        <paletteEntry value=\"\($0.code)\" alpha=\"255\" color=\"\(Self.hex($0.rgb))\" label=\"\(Self.xml("\($0.name) (\($0.range))"))\"/>" }.joined(separator: "\n")
            renderer = """
                <rasterrenderer type="paletted" band="1" opacity="1" alphaBand="-1" nodataColor="">
                  <rasterTransparency/>
                  <colorPalette>
            \(entries)
                  </colorPalette>
                </rasterrenderer>
            """
        }
        return """
          <pipe>
        \(renderer)
            <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
            <huesaturation saturation="0" colorizeOn="0" grayscaleMode="0" colorizeStrength="100" colorizeRed="255" colorizeGreen="128" colorizeBlue="128"/>
            <rasterresampler maxOversample="2"/>
          </pipe>
        """
    }

    public var qml: String {
        """
        <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
        <qgis version="3.22.16" styleCategories="Symbology">
        \(pipe)
          <blendMode>0</blendMode>
        </qgis>

        """
    }

    /// The OGC style (SLD 1.0, as GeoServer and QGIS read it) of band 1: a colour map ramp, or values for classes.
    public func sld(name: String) -> String {
        let map: String
        switch kind {
        case .ramp(let ramp):
            map = "<ColorMap type=\"ramp\">\n" + entries(ramp).map { "              <ColorMapEntry color=\"\($0.colour)\" quantity=\"\(Self.number($0.value))\" label=\"\(Self.xml($0.label))\"/>" }.joined(separator: "\n") + "\n            </ColorMap>"
        case .classes:
            map = "<ColorMap type=\"values\">\n" + Self.classes.map { "              <ColorMapEntry color=\"\(Self.hex($0.rgb))\" quantity=\"\($0.code)\" label=\"\(Self.xml("\($0.name) (\($0.range))"))\"/>" }.joined(separator: "\n") + "\n            </ColorMap>"
        }
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">
          <NamedLayer>
            <Name>\(Self.xml(name))</Name>
            <UserStyle>
              <Title>\(Self.xml(title))</Title>
              <FeatureTypeStyle>
                <Rule>
                  <RasterSymbolizer>
                    <Opacity>1.0</Opacity>
                    \(map)
                  </RasterSymbolizer>
                </Rule>
              </FeatureTypeStyle>
            </UserStyle>
          </NamedLayer>
        </StyledLayerDescriptor>

        """
    }

    /// Writes `NAME.qml` and `NAME.sld` beside each map of `entries` that has a style, under `folder` (a run's
    /// staging folder: they are committed with the maps).
    public static func write(for entries: [RunFolder.Entry], into folder: (String) throws -> String) throws {
        for entry in entries where RunFolder.styledEntries.contains(entry) {
            guard let style = of(entry) else { continue }
            try style.qml.write(toFile: try folder(entry.stem + ".qml"), atomically: false, encoding: .utf8)
            try style.sld(name: entry.stem).write(toFile: try folder(entry.stem + ".sld"), atomically: false, encoding: .utf8)
        }
    }
}
