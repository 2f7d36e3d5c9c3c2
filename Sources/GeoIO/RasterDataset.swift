import CGDAL
import Foundation

/// Pixel types the engine writes.
public enum PixelType: Sendable {
    case byte, int16, uint16, float32, float64
    var gdal: GDALDataType {
        switch self {
        case .byte: GDT_Byte
        case .int16: GDT_Int16
        case .uint16: GDT_UInt16
        case .float32: GDT_Float32
        case .float64: GDT_Float64
        }
    }
    init?(gdal: GDALDataType) {
        switch gdal {
        case GDT_Byte: self = .byte
        case GDT_Int16: self = .int16
        case GDT_UInt16: self = .uint16
        case GDT_Float32: self = .float32
        case GDT_Float64: self = .float64
        default: return nil
        }
    }
    public var name: String { String(cString: GDALGetDataTypeName(gdal)) }
}

/// An open GDAL raster dataset (file, /vsimem/ or in-memory). Closed when released.
/// Single-thread object: open one per task.
public final class RasterDataset {
    let handle: GDALDatasetH
    public let path: String
    /// Datasets this one reads through (a warped VRT's source): GDAL keeps a raw pointer to them, so they must
    /// outlive it. Closing a non-shared dataset frees it whatever its reference count, and the VRT's own close
    /// then writes into freed memory. `deinit` closes this handle first; the sources are released after it.
    private let sources: [RasterDataset]
    /// A /vsimem/ file of our own (a warped VRT's description, written at close) is deleted after closing.
    private let deletedOnClose: Bool

    init(handle: GDALDatasetH, path: String, readingThrough sources: [RasterDataset] = [], deletedOnClose: Bool = false) {
        self.handle = handle
        self.path = path
        self.sources = sources
        self.deletedOnClose = deletedOnClose
    }

    /// Opened read-only, in a layout `DirectTileReader` decodes: read through it (worked out at the first read).
    private lazy var directTiles: DirectTileReader? = GDALGetAccess(handle) == Int32(GA_ReadOnly.rawValue) ? DirectTileReader(self) : nil

    deinit {
        GDALClose(handle)
        if deletedOnClose { VSIUnlink(path) }
    }

    /// Opens an existing raster read-only (or for update).
    /// `options` are the driver's open options ("NUM_THREADS=2": a GeoTIFF decodes the blocks of one read on two threads).
    public static func open(_ path: String, update: Bool = false, options: [String] = []) throws -> RasterDataset {
        let handle = gdalCall {
            withCStringList(options) { list in
                GDALOpenEx(path, UInt32(GDAL_OF_RASTER | GDAL_OF_VERBOSE_ERROR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY)), nil,
                           UnsafeRawPointer(list).assumingMemoryBound(to: UnsafePointer<CChar>?.self), nil)
            }
        }
        guard let handle else {
            if !FileManager.default.fileExists(atPath: path) && !path.hasPrefix("/vsi") {
                throw GeoError("open raster \(path)", libraryMessage: "no such file")
            }
            throw GeoError.gdal("open raster \(path)")
        }
        return RasterDataset(handle: handle, path: path)
    }

    /// Creates a new raster with `driver` ("GTiff", "MEM"); `options` are creation options ("COMPRESS=DEFLATE").
    public static func create(_ path: String, driver: String = "GTiff", width: Int, height: Int, bands: Int,
                              type: PixelType, options: [String] = []) throws -> RasterDataset {
        _ = gdalRuntime
        guard let drv = GDALGetDriverByName(driver) else { throw GeoError("GDAL driver \(driver) not available") }
        let handle = gdalCall {
            withCStringList(options) { GDALCreate(drv, path, Int32(width), Int32(height), Int32(bands), type.gdal, $0) }
        }
        guard let handle else { throw GeoError.gdalWrite("create raster \(path)", path: path) }
        return RasterDataset(handle: handle, path: path)
    }

    /// An in-memory raster (GDAL MEM driver).
    public static func inMemory(width: Int, height: Int, bands: Int = 1, type: PixelType = .float32) throws -> RasterDataset {
        try create("", driver: "MEM", width: width, height: height, bands: bands, type: type)
    }

    public var width: Int { Int(GDALGetRasterXSize(handle)) }
    public var height: Int { Int(GDALGetRasterYSize(handle)) }
    public var bandCount: Int { Int(GDALGetRasterCount(handle)) }
    public var driverName: String {
        GDALGetDatasetDriver(handle).map { String(cString: GDALGetDriverShortName($0)) } ?? "?"
    }

    /// The affine georeference, or nil when the file has none.
    public var geoTransform: GeoTransform? {
        var c = [Double](repeating: 0, count: 6)
        guard GDALGetGeoTransform(handle, &c) == CE_None else { return nil }
        // GDAL returns the default (0,1,0,0,0,1) with CE_Failure; a real north-up raster has a negative cell height.
        return GeoTransform(coefficients: c)
    }

    public func setGeoTransform(_ transform: GeoTransform) throws {
        var c = transform.coefficients
        guard gdalCall({ GDALSetGeoTransform(handle, &c) }) == CE_None else { throw GeoError.gdal("set georeference of \(path)") }
    }

    /// The CRS, or nil when the raster has none.
    public var spatialReference: SpatialReference? {
        guard let srs = GDALGetSpatialRef(handle) else { return nil }
        return SpatialReference(cloning: srs)
    }

    public func setSpatialReference(_ srs: SpatialReference) throws {
        guard gdalCall({ GDALSetSpatialRef(handle, srs.handle) }) == CE_None else { throw GeoError.gdal("set CRS of \(path)") }
    }

    /// Every band's value at one pixel, in one read: a pixel-interleaved file decodes its block once for all bands
    /// (band by band, a block evicted from the cache in between would be decoded again for each).
    public func pixel(x: Int, y: Int) throws -> [Float] {
        var values = [Float](repeating: 0, count: bandCount)
        let count = Int32(bandCount)
        let status = values.withUnsafeMutableBufferPointer { buffer in
            gdalCall {
                GDALDatasetRasterIO(handle, GF_Read, Int32(x), Int32(y), 1, 1, buffer.baseAddress, 1, 1, GDT_Float32, count, nil, 0, 0, 4)
            }
        }
        guard status == CE_None else { throw GeoError.gdal("read pixel (\(x), \(y)) of \(path)") }
        return values
    }

    /// Every band (or the `bands` numbered from 1) over a window (each band `width × height` Float32 values,
    /// row-major). A raster laid out as ictu writes them is decoded here (`DirectTileReader`); any other is read by
    /// GDAL a strip of `stripRows` rows at a time for all the bands at once: a pixel-interleaved file decodes each
    /// block once for all its bands, and the strip's buffer is reused.
    public func readBands(x: Int, y: Int, width: Int, height: Int, bands numbers: [Int]? = nil, stripRows: Int = 128) throws -> [[Float]] {
        if let direct = directTiles, direct.covers(x: x, y: y, width: width, height: height, bands: numbers) {
            return try direct.read(x: x, y: y, width: width, height: height, bands: numbers)
        }
        return try readBandsThroughGDAL(x: x, y: y, width: width, height: height, bands: numbers, stripRows: stripRows)
    }

    func readBandsThroughGDAL(x: Int, y: Int, width: Int, height: Int, bands numbers: [Int]? = nil, stripRows: Int = 128) throws -> [[Float]] {
        var map = (numbers ?? Array(1...max(1, bandCount))).map(Int32.init)
        let bands = map.count, strip = min(stripRows, height)
        var out = (0..<bands).map { _ in [Float](unsafeUninitializedCapacity: width * height) { _, count in count = width * height } }
        var buffer = [Float](repeating: 0, count: width * strip * bands)
        for top in stride(from: 0, to: height, by: strip) {
            let rows = min(strip, height - top), count = width * rows
            let status = buffer.withUnsafeMutableBufferPointer { b in
                gdalCall {
                    GDALDatasetRasterIO(handle, GF_Read, Int32(x), Int32(y + top), Int32(width), Int32(rows), b.baseAddress, Int32(width), Int32(rows),
                                        GDT_Float32, Int32(bands), &map, 4, Int32(width * 4), Int32(count * 4))
                }
            }
            guard status == CE_None else { throw GeoError.gdal("read the \(bands) bands of a \(width)×\(rows) window at (\(x), \(y + top)) of \(path)") }
            for band in 0..<bands {
                out[band].withUnsafeMutableBufferPointer { o in
                    buffer.withUnsafeBufferPointer { b in
                        (o.baseAddress! + top * width).update(from: b.baseAddress! + band * count, count: count)
                    }
                }
            }
        }
        return out
    }

    /// The image's red, green, blue and alpha planes (0–255, row-major), whether it is stored as RGB(A) bands or as
    /// one band with a palette — what `gdal_translate -expand rgba` gives. Alpha is 255 where the image has none.
    public func rgbaPlanes() throws -> [[UInt8]] {
        let first = try band(1)
        let count = width * height
        if let palette = first.colourTable {
            let indices = try first.read(x: 0, y: 0, width: width, height: height)
            var planes = [[UInt8]](repeating: [UInt8](repeating: 0, count: count), count: 4)
            for (i, index) in indices.enumerated() {
                guard Int(index) < palette.count else { throw GeoError("\(path): pixel \(i % width), \(i / width) has index \(Int(index)), past its palette of \(palette.count)") }
                let c = palette[Int(index)]
                planes[0][i] = c.0; planes[1][i] = c.1; planes[2][i] = c.2; planes[3][i] = c.3
            }
            return planes
        }
        guard bandCount >= 3 else { throw GeoError("\(path) is neither RGB(A) nor paletted: \(bandCount) band(s) without a colour table") }
        return try (1...4).map { b in
            b <= bandCount ? try band(b).read(x: 0, y: 0, width: width, height: height).map { UInt8(clamping: Int($0)) } : [UInt8](repeating: 255, count: count)
        }
    }

    /// Band `index`, counted from 1 as GDAL does.
    public func band(_ index: Int) throws -> RasterBand {
        guard index >= 1, index <= bandCount, let band = GDALGetRasterBand(handle, Int32(index)) else {
            throw GeoError("band \(index) of \(path)", libraryMessage: "the raster has \(bandCount) band(s)")
        }
        return RasterBand(handle: band, dataset: self, index: index)
    }

    public func setMetadata(_ key: String, _ value: String) {
        GDALSetMetadataItem(handle, key, value, nil)
    }

    /// A metadata item; `domain` e.g. "IMAGE_STRUCTURE" (where GDAL reports LAYOUT=COG, COMPRESSION).
    public func metadata(_ key: String, domain: String? = nil) -> String? {
        GDALGetMetadataItem(handle, key, domain).map { String(cString: $0) }
    }

    /// Writes a copy with another driver (e.g. "COG", "PNG", "GTiff") and returns it (opened).
    @discardableResult
    public func copy(to path: String, driver: String, options: [String] = []) throws -> RasterDataset {
        _ = gdalRuntime
        guard let drv = GDALGetDriverByName(driver) else { throw GeoError("GDAL driver \(driver) not available") }
        let out = gdalCall { withCStringList(options) { GDALCreateCopy(drv, path, handle, 0, $0, nil, nil) } }
        guard let out else { throw GeoError.gdalWrite("write \(driver) \(path)", path: path) }
        return RasterDataset(handle: out, path: path)
    }

    /// Writes a Cloud-Optimized GeoTIFF (predictor for floating point), closing it before returning.
    /// Maps meant for display keep DEFLATE (read everywhere) and overviews; analysis stacks can use ZSTD without.
    /// Overviews are always computed from the full resolution (never copied from a source's own, e.g. a VRT
    /// over COGs, whose overviews would not be those of the whole). They average continuous values (no data left
    /// out) and take the most frequent of integer codes (classes), not the COG driver's default cubic, which
    /// overshoots: tiles and quick looks at coarse zooms read them as the mean of what they cover.
    /// `overviewCount` sets the number of overviews (GDAL's default stops at one block).
    public func writeCOG(to path: String, compression: String = "DEFLATE", overviews: Bool = true, overviewCount: Int? = nil, blockSize: Int = 512) throws {
        let type = try? band(1).pixelType
        let continuous = type == .float32 || type == .float64
        // BIGTIFF=IF_SAFER: the COG driver's default guesses the compressed size fits in 4 GiB and fails past it (the
        // 26-band components of a 25 km city at 2 m); IF_SAFER switches to BigTIFF once the raw size could exceed it.
        var options = ["COMPRESS=\(compression)", "BLOCKSIZE=\(blockSize)", "OVERVIEWS=\(overviews ? "IGNORE_EXISTING" : "NONE")", "NUM_THREADS=2",
                       "BIGTIFF=IF_SAFER", "RESAMPLING=\(continuous ? "AVERAGE" : "MODE")"]
        // Levels measured on a 12 500² float map (DEFLATE with the float predictor): 6 (GDAL's default) 9.8 s, 356 MB;
        // 3: 6.8 s, 365 MB; 1: 6.1 s, 371 MB. Level 3 keeps most of the time for 2.4 % more bytes.
        if compression == "ZSTD" { options.append("LEVEL=1") }
        if compression == "DEFLATE" { options.append("LEVEL=3") }
        if continuous { options.append("PREDICTOR=YES") }
        if overviews, let overviewCount { options.append("OVERVIEW_COUNT=\(overviewCount)") }
        _ = try copy(to: path, driver: "COG", options: options)
    }

    /// Lets go of this dataset's decoded blocks in GDAL's cache (a read-only dataset: nothing is written). A pass over
    /// a whole map read this way leaves in the cache what other datasets' readers put there.
    public func releaseCachedBlocks() {
        GDALFlushCache(handle)
    }

    /// Flushes pending writes to disk; GDAL reports write failures (disk full) here.
    public func flush() throws {
        GDALFlushCache(handle)
        if CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal {
            throw GeoError.gdalWrite("write \(path)", path: path)
        }
    }
}

/// One band of a raster dataset; keeps its dataset alive.
public struct RasterBand {
    let handle: GDALRasterBandH
    public let dataset: RasterDataset
    public let index: Int

    public var pixelType: PixelType? { PixelType(gdal: GDALGetRasterDataType(handle)) }
    public var pixelTypeName: String { String(cString: GDALGetDataTypeName(GDALGetRasterDataType(handle))) }

    /// The natural block size (tiles or strips) of the band.
    public var blockSize: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        GDALGetBlockSize(handle, &w, &h)
        return (Int(w), Int(h))
    }

    /// Whether the band's only invalid pixels are those equal to its nodata value (or none): no alpha band nor
    /// per-dataset mask that a warp would honour.
    public var maskIsNoDataOrNone: Bool {
        let flags = GDALGetMaskFlags(handle)
        return flags == GMF_ALL_VALID || flags == GMF_NODATA
    }

    public var noData: Double? {
        var has: Int32 = 0
        let value = GDALGetRasterNoDataValue(handle, &has)
        return has != 0 ? value : nil
    }

    public func setNoData(_ value: Double) throws {
        guard gdalCall({ GDALSetRasterNoDataValue(handle, value) }) == CE_None else { throw GeoError.gdal("set nodata of \(dataset.path)") }
    }

    /// GDAL's scale/offset metadata (value = raw·scale + offset), 1/0 when absent.
    public var scale: Double { GDALGetRasterScale(handle, nil) }
    public var offset: Double { GDALGetRasterOffset(handle, nil) }

    /// Sets GDAL's scale/offset metadata (readers such as QGIS show raw·scale + offset).
    public func setScale(_ scale: Double, offset: Double = 0) throws {
        guard gdalCall({ GDALSetRasterScale(handle, scale) }) == CE_None, gdalCall({ GDALSetRasterOffset(handle, offset) }) == CE_None else {
            throw GeoError.gdal("set scale of \(dataset.path)")
        }
    }

    /// The band's palette as RGBA entries (a paletted PNG's or GeoTIFF's), nil when it has none.
    public var colourTable: [(UInt8, UInt8, UInt8, UInt8)]? {
        guard let table = GDALGetRasterColorTable(handle) else { return nil }
        return (0..<GDALGetColorEntryCount(table)).map { i in
            let e = GDALGetColorEntry(table, i)!.pointee
            func byte(_ v: Int16) -> UInt8 { UInt8(clamping: v) }
            return (byte(e.c1), byte(e.c2), byte(e.c3), byte(e.c4))
        }
    }

    /// The band's overviews (reduced-resolution copies, e.g. a COG's), finest first.
    public var overviewCount: Int { Int(GDALGetOverviewCount(handle)) }

    /// Overview `index` (0 = the finest) as a band of its own, read like any band; it keeps the dataset alive.
    public func overview(_ index: Int) throws -> RasterBand {
        guard index >= 0, index < overviewCount, let overview = GDALGetOverview(handle, Int32(index)) else {
            throw GeoError("\(dataset.path) band \(self.index) has no overview \(index) (it has \(overviewCount))")
        }
        return RasterBand(handle: overview, dataset: dataset, index: self.index)
    }

    /// Width and height in pixels (an overview's are smaller than its dataset's).
    public var size: (width: Int, height: Int) { (Int(GDALGetRasterBandXSize(handle)), Int(GDALGetRasterBandYSize(handle))) }

    /// The overviews that halve the band level after level (a COG's: each about half the one before; a file may hold
    /// others, which are skipped), finest first: their index among the band's overviews and their size.
    public func halvingOverviews() throws -> [(index: Int, width: Int, height: Int)] {
        var levels: [(index: Int, width: Int, height: Int)] = []
        var width = size.width
        for k in 0..<overviewCount {
            let s = try overview(k).size
            if s.width == width / 2 || s.width == (width + 1) / 2 { levels.append((k, s.width, s.height)); width = s.width }
        }
        return levels
    }

    /// The band's palette: entry i colours value i (a GeoTIFF keeps it in the file, and its COG copy too).
    public func setColourTable(_ entries: [(UInt8, UInt8, UInt8, UInt8)]) throws {
        guard let table = GDALCreateColorTable(GPI_RGB) else { throw GeoError.gdal("create a colour table") }
        defer { GDALDestroyColorTable(table) }
        for (i, e) in entries.enumerated() {
            var entry = GDALColorEntry(c1: Int16(e.0), c2: Int16(e.1), c3: Int16(e.2), c4: Int16(e.3))
            GDALSetColorEntry(table, Int32(i), &entry)
        }
        guard gdalCall({ GDALSetRasterColorTable(handle, table) }) == CE_None else { throw GeoError.gdal("set the colour table of \(dataset.path)") }
    }

    /// A raster attribute table column: its name, and what it holds.
    public enum AttributeColumn: Sendable {
        case value(String), name(String), number(String), red, green, blue
    }

    /// The band's raster attribute table (one row per value: its name, its bounds, its colour). A GeoTIFF keeps it in
    /// its `.aux.xml` beside the file, written when the dataset is closed; QGIS and gdalinfo read it.
    public func setAttributeTable(columns: [AttributeColumn], rows: [[FieldValue]]) throws {
        guard let table = GDALCreateRasterAttributeTable() else { throw GeoError.gdal("create a raster attribute table") }
        defer { GDALDestroyRasterAttributeTable(table) }
        for column in columns {
            let (name, type, usage): (String, GDALRATFieldType, GDALRATFieldUsage) = switch column {
            case .value(let n): (n, GFT_Integer, GFU_MinMax)
            case .name(let n): (n, GFT_String, GFU_Name)
            case .number(let n): (n, GFT_Real, GFU_Generic)
            case .red: ("red", GFT_Integer, GFU_Red)
            case .green: ("green", GFT_Integer, GFU_Green)
            case .blue: ("blue", GFT_Integer, GFU_Blue)
            }
            guard GDALRATCreateColumn(table, name, type, usage) == CE_None else { throw GeoError.gdal("add column \(name) to a raster attribute table") }
        }
        GDALRATSetRowCount(table, Int32(rows.count))
        for (r, row) in rows.enumerated() {
            for (c, value) in row.enumerated() {
                switch value {
                case .integer(let v): GDALRATSetValueAsInt(table, Int32(r), Int32(c), Int32(v))
                case .real(let v): GDALRATSetValueAsDouble(table, Int32(r), Int32(c), v)
                case .string(let v): GDALRATSetValueAsString(table, Int32(r), Int32(c), v)
                }
            }
        }
        guard gdalCall({ GDALSetDefaultRAT(handle, table) }) == CE_None else { throw GeoError.gdal("set the attribute table of \(dataset.path)") }
    }

    /// The unit of the band's values ("°C"), shown by gdalinfo and QGIS.
    public var unit: String { String(cString: GDALGetRasterUnitType(handle)) }
    public func setUnit(_ unit: String) throws {
        guard gdalCall({ GDALSetRasterUnitType(handle, unit) }) == CE_None else { throw GeoError.gdal("set the unit of \(dataset.path)") }
    }

    public var bandDescription: String { String(cString: GDALGetDescription(handle)) }
    public func setDescription(_ text: String) { GDALSetDescription(handle, text) }

    /// Reads a window as Float32, row-major, `width × height` values.
    public func read(x: Int, y: Int, width: Int, height: Int) throws -> [Float] {
        var values = [Float](repeating: 0, count: width * height)
        try values.withUnsafeMutableBufferPointer { try read(x: x, y: y, width: width, height: height, into: $0) }
        return values
    }

    /// Reads a window resampled to `bufferWidth × bufferHeight` values by averaging (GDAL uses the overviews
    /// when the file has them): a quick look at a big raster.
    public func read(x: Int, y: Int, width: Int, height: Int, bufferWidth: Int, bufferHeight: Int) throws -> [Float] {
        var values = [Float](repeating: 0, count: bufferWidth * bufferHeight)
        var extra = GDALRasterIOExtraArg(nVersion: 1, eResampleAlg: GRIORA_Average, pfnProgress: nil, pProgressData: nil,
                                         bFloatingPointWindowValidity: 0, dfXOff: 0, dfYOff: 0, dfXSize: 0, dfYSize: 0)
        let status = values.withUnsafeMutableBufferPointer { buffer in
            gdalCall {
                GDALRasterIOEx(handle, GF_Read, Int32(x), Int32(y), Int32(width), Int32(height), buffer.baseAddress,
                               Int32(bufferWidth), Int32(bufferHeight), GDT_Float32, 0, 0, &extra)
            }
        }
        guard status == CE_None else { throw GeoError.gdal("read \(width)×\(height) window at (\(x), \(y)) of band \(index) of \(dataset.path) as \(bufferWidth)×\(bufferHeight)") }
        return values
    }

    /// Reads a window into a caller-owned buffer of `width × height` Float32 values.
    public func read(x: Int, y: Int, width: Int, height: Int, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        precondition(buffer.count >= width * height)
        let status = gdalCall {
            GDALRasterIO(handle, GF_Read, Int32(x), Int32(y), Int32(width), Int32(height),
                         buffer.baseAddress, Int32(width), Int32(height), GDT_Float32, 0, 0)
        }
        guard status == CE_None else { throw GeoError.gdal("read \(width)×\(height) window at (\(x), \(y)) of band \(index) of \(dataset.path)") }
    }

    /// Writes Float32 values (converted to the band's type) to a window.
    public func write(_ values: [Float], x: Int, y: Int, width: Int, height: Int) throws {
        precondition(values.count == width * height)
        try values.withUnsafeBufferPointer { try write($0, x: x, y: y, width: width, height: height) }
    }

    public func write(_ buffer: UnsafeBufferPointer<Float>, x: Int, y: Int, width: Int, height: Int) throws {
        let status = gdalCall {
            GDALRasterIO(handle, GF_Write, Int32(x), Int32(y), Int32(width), Int32(height),
                         UnsafeMutableRawPointer(mutating: buffer.baseAddress), Int32(width), Int32(height), GDT_Float32, 0, 0)
        }
        guard status == CE_None else { throw GeoError.gdalWrite("write window at (\(x), \(y)) of band \(index) of \(dataset.path)", path: dataset.path) }
    }

    /// Exact minimum, maximum and mean of valid pixels (nodata excluded), or nil when none is valid.
    public func statistics() throws -> (min: Double, max: Double, mean: Double)? {
        var minimum = 0.0, maximum = 0.0, mean = 0.0, deviation = 0.0
        let status = gdalCall { GDALComputeRasterStatistics(handle, 0, &minimum, &maximum, &mean, &deviation, nil, nil) }
        if status != CE_None {
            let message = String(cString: CPLGetLastErrorMsg())
            if message.lowercased().contains("valid pixel") || message.isEmpty { return nil }
            throw GeoError("statistics of band \(index) of \(dataset.path)", libraryMessage: message)
        }
        return (minimum, maximum, mean)
    }
}
