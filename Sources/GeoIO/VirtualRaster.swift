import Foundation
import Grid

/// A GDAL virtual raster (VRT, https://gdal.org/drivers/raster/vrt.html): an XML file whose bands are mosaics of
/// other rasters' windows, which GDAL, QGIS and every GDAL client open as one raster. Later sources of a band are
/// drawn over earlier ones. Each source states its size, type and blocks, so GDAL opens it only when its pixels are
/// read (a VRT over a whole run's stacks opens in a millisecond, and can be opened before its sources are in place).
public struct VirtualRaster: Sendable {
    public var width: Int, height: Int
    public var geoTransform: GeoTransform
    /// The CRS as WKT.
    public var crs: String
    public var bands: [Band]

    public init(width: Int, height: Int, geoTransform: GeoTransform, crs: String, bands: [Band]) {
        self.width = width; self.height = height; self.geoTransform = geoTransform; self.crs = crs; self.bands = bands
    }

    public struct Band: Sendable {
        /// GDAL's name of the data type: "Float32", "Byte".
        public var type: String
        public var noData: Double?
        public var description: String?
        public var unit: String?
        public var colourTable: [(UInt8, UInt8, UInt8, UInt8)]?
        public var attributeTable: (columns: [RasterBand.AttributeColumn], rows: [[FieldValue]])?
        public var sources: [Source]
        /// Its overviews, finest first: each a band of another raster.
        public var overviews: [(file: String, band: Int)]

        public init(type: String, noData: Double?, description: String? = nil, unit: String? = nil, sources: [Source], overviews: [(file: String, band: Int)] = []) {
            self.type = type; self.noData = noData; self.description = description; self.unit = unit; self.sources = sources; self.overviews = overviews
        }
    }

    /// A window of one band of another raster, placed in the virtual one.
    public struct Source: Sendable {
        /// The raster's path, relative to the folder of the VRT.
        public var file: String
        public var band: Int
        /// That raster's size (its overview's, at `overviewLevel`), data type and block size.
        public var rasterWidth: Int, rasterHeight: Int, type: String, blockWidth: Int, blockHeight: Int
        /// One of the raster's overviews (0 the first) instead of its full resolution (GDAL's OVERVIEW_LEVEL).
        public var overviewLevel: Int?
        /// The window read, and where it goes in the virtual raster (same size: no resampling).
        public var from: Window, to: Window
        /// When set, each value is multiplied by it and the source's no data (NaN) is left out: 0 makes the source
        /// zero wherever it has a value.
        public var scale: Double?

        public init(file: String, band: Int, rasterWidth: Int, rasterHeight: Int, type: String, blockWidth: Int, blockHeight: Int,
                    overviewLevel: Int? = nil, from: Window, to: Window, scale: Double? = nil) {
            self.file = file; self.band = band; self.rasterWidth = rasterWidth; self.rasterHeight = rasterHeight; self.type = type
            self.blockWidth = blockWidth; self.blockHeight = blockHeight; self.overviewLevel = overviewLevel; self.from = from; self.to = to; self.scale = scale
        }
    }

    public func write(to path: String) throws {
        do { try Data(xml().utf8).write(to: URL(fileURLWithPath: path)) } catch { throw GeoError("\(path): cannot be written (\(error.localizedDescription))") }
    }

    public func xml() -> String {
        var lines = ["<VRTDataset rasterXSize=\"\(width)\" rasterYSize=\"\(height)\">",
                     "  <SRS dataAxisToSRSAxisMapping=\"1,2\">\(Self.escaped(crs))</SRS>",
                     "  <GeoTransform>\(geoTransform.coefficients.map { String(format: "%.17g", $0) }.joined(separator: ", "))</GeoTransform>"]
        for (k, band) in bands.enumerated() {
            lines.append("  <VRTRasterBand dataType=\"\(band.type)\" band=\"\(k + 1)\">")
            if let text = band.description { lines.append("    <Description>\(Self.escaped(text))</Description>") }
            if let noData = band.noData { lines.append("    <NoDataValue>\(noData.isNaN ? "nan" : String(format: "%.17g", noData))</NoDataValue>") }
            if let unit = band.unit { lines.append("    <UnitType>\(Self.escaped(unit))</UnitType>") }
            if let table = band.colourTable {
                lines.append("    <ColorInterp>Palette</ColorInterp>")
                lines.append("    <ColorTable>")
                for e in table { lines.append("      <Entry c1=\"\(e.0)\" c2=\"\(e.1)\" c3=\"\(e.2)\" c4=\"\(e.3)\"/>") }
                lines.append("    </ColorTable>")
            }
            if let table = band.attributeTable { lines += Self.attributeTable(table.columns, table.rows) }
            for s in band.sources { lines += Self.source(s) }
            for o in band.overviews {
                lines.append("    <Overview><SourceFilename relativeToVRT=\"1\">\(Self.escaped(o.file))</SourceFilename><SourceBand>\(o.band)</SourceBand></Overview>")
            }
            lines.append("  </VRTRasterBand>")
        }
        lines.append("</VRTDataset>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func source(_ s: Source) -> [String] {
        let element = s.scale == nil ? "SimpleSource" : "ComplexSource"
        var lines = ["    <\(element)>",
                     "      <SourceFilename relativeToVRT=\"1\">\(escaped(s.file))</SourceFilename>"]
        if let level = s.overviewLevel { lines.append("      <OpenOptions><OOI key=\"OVERVIEW_LEVEL\">\(level)</OOI></OpenOptions>") }
        lines += ["      <SourceBand>\(s.band)</SourceBand>",
                  "      <SourceProperties RasterXSize=\"\(s.rasterWidth)\" RasterYSize=\"\(s.rasterHeight)\" DataType=\"\(s.type)\" BlockXSize=\"\(s.blockWidth)\" BlockYSize=\"\(s.blockHeight)\"/>",
                  "      <SrcRect xOff=\"\(s.from.x)\" yOff=\"\(s.from.y)\" xSize=\"\(s.from.width)\" ySize=\"\(s.from.height)\"/>",
                  "      <DstRect xOff=\"\(s.to.x)\" yOff=\"\(s.to.y)\" xSize=\"\(s.to.width)\" ySize=\"\(s.to.height)\"/>"]
        if let scale = s.scale { lines += ["      <ScaleOffset>0</ScaleOffset>", "      <ScaleRatio>\(scale)</ScaleRatio>", "      <NODATA>nan</NODATA>"] }
        lines.append("    </\(element)>")
        return lines
    }

    /// GDAL's serialisation of a raster attribute table (field types: 0 integer, 1 real, 2 string; usages as
    /// GDALRATFieldUsage).
    static func attributeTable(_ columns: [RasterBand.AttributeColumn], _ rows: [[FieldValue]]) -> [String] {
        var lines = ["    <GDALRasterAttributeTable tableType=\"thematic\">"]
        for (k, column) in columns.enumerated() {
            let (name, type, usage): (String, Int, Int) = switch column {
            case .value(let n): (n, 0, 5)
            case .name(let n): (n, 2, 2)
            case .number(let n): (n, 1, 0)
            case .red: ("red", 0, 6)
            case .green: ("green", 0, 7)
            case .blue: ("blue", 0, 8)
            }
            lines.append("      <FieldDefn index=\"\(k)\"><Name>\(escaped(name))</Name><Type>\(type)</Type><Usage>\(usage)</Usage></FieldDefn>")
        }
        for (r, row) in rows.enumerated() {
            let fields = row.map { value -> String in
                switch value {
                case .integer(let v): "<F>\(v)</F>"
                case .real(let v): "<F>\(String(format: "%.17g", v))</F>"
                case .string(let v): "<F>\(escaped(v))</F>"
                }
            }
            lines.append("      <Row index=\"\(r)\">\(fields.joined())</Row>")
        }
        lines.append("    </GDALRasterAttributeTable>")
        return lines
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
