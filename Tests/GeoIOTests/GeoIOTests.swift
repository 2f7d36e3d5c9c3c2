import Foundation
import Testing
import XCTest
@testable import GeoIO

/// Keeps the XCTest harness's summary meaningful (Swift Testing runs the rest).
final class HarnessTests: XCTestCase {
    func testGDALIsAvailable() { XCTAssertTrue(gdalVersion.hasPrefix("3.")) }
}

func temporaryFolder() -> String {
    let path = TestFiles.root + "ictu-test-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct RasterTests {
    @Test func writeReadWindowAndGeoreference() throws {
        let folder = temporaryFolder()
        let ds = try RasterDataset.create(folder + "/a.tif", width: 10, height: 8, bands: 1, type: .float32, options: ["COMPRESS=DEFLATE"])
        try ds.setGeoTransform(GeoTransform(originX: 416000, cellWidth: 2, originY: 6423000, cellHeight: -2))
        try ds.setSpatialReference(SpatialReference(epsg: 2154))
        let band = try ds.band(1)
        try band.setNoData(-9999)
        try band.write((0..<80).map(Float.init), x: 0, y: 0, width: 10, height: 8)
        try ds.flush()
        let reopened = try RasterDataset.open(folder + "/a.tif")
        #expect(reopened.width == 10 && reopened.height == 8)
        #expect(reopened.geoTransform?.cellWidth == 2)
        #expect(reopened.spatialReference?.authorityCode == "EPSG:2154")
        #expect(try reopened.band(1).noData == -9999)
        // Window (x 2…4, y 3…4): row-major values 3·10+2 …
        #expect(try reopened.band(1).read(x: 2, y: 3, width: 3, height: 2) == [32, 33, 34, 42, 43, 44])
    }

    @Test func missingAndCorruptFilesGiveGDALsMessage() throws {
        #expect(throws: GeoError.self) { try RasterDataset.open("/nonexistent/x.tif") }
        let folder = temporaryFolder()
        try Data("not a tiff".utf8).write(to: URL(fileURLWithPath: folder + "/bad.tif"))
        do { _ = try RasterDataset.open(folder + "/bad.tif"); Issue.record("opened a corrupt file") } catch let error as GeoError {
            #expect(!error.libraryMessage.isEmpty, "GDAL's own message is carried")
        }
    }

    @Test func cloudOptimisedCopyIsACOG() throws {
        let folder = temporaryFolder()
        let mem = try RasterDataset.inMemory(width: 600, height: 600)
        try mem.setGeoTransform(GeoTransform(originX: 0, cellWidth: 1, originY: 600, cellHeight: -1))
        try mem.setSpatialReference(SpatialReference(epsg: 2154))
        try mem.band(1).write((0..<360_000).map { Float($0 % 97) }, x: 0, y: 0, width: 600, height: 600)
        try mem.writeCOG(to: folder + "/c.tif")
        let cog = try RasterDataset.open(folder + "/c.tif")
        #expect(cog.metadata("LAYOUT", domain: "IMAGE_STRUCTURE") == "COG")
        #expect(cog.metadata("COMPRESSION", domain: "IMAGE_STRUCTURE") == "DEFLATE")
        #expect(try cog.band(1).read(x: 5, y: 0, width: 1, height: 1) == [5])
    }

    @Test func aCOGThatMightPass4GiBIsABigTIFF() throws {
        // A 25 km city at 2 m writes 26 float bands of 156 M cells: a classic TIFF's 32-bit offsets cannot hold it,
        // and the COG driver's default only guesses from the compressed size (the run failed at its last step).
        // 24 000² float32 = 2.3 GB raw (all zero, written sparse, so it compresses to nothing).
        let folder = temporaryFolder()
        let sparse = try RasterDataset.create(folder + "/sparse.tif", width: 24_000, height: 24_000, bands: 1, type: .float32,
                                              options: ["SPARSE_OK=TRUE", "TILED=YES", "COMPRESS=ZSTD"])
        try sparse.setGeoTransform(GeoTransform(originX: 0, cellWidth: 1, originY: 24_000, cellHeight: -1))
        try sparse.setSpatialReference(SpatialReference(epsg: 2154))
        try sparse.writeCOG(to: folder + "/big.tif", compression: "ZSTD", overviews: false)
        let header = try #require(FileHandle(forReadingAtPath: folder + "/big.tif")).readData(ofLength: 4)
        #expect(Array(header) == [0x49, 0x49, 0x2B, 0x00], "BigTIFF magic (II+), not classic TIFF (II*): \(Array(header))")
    }

    @Test func warpAveragesFineCellsOntoACoarserGrid() throws {
        let fine = try RasterDataset.inMemory(width: 4, height: 4)
        try fine.setGeoTransform(GeoTransform(originX: 0, cellWidth: 1, originY: 4, cellHeight: -1))
        try fine.setSpatialReference(SpatialReference(epsg: 2154))
        try fine.band(1).write([1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 8, 8, 0, 0, 8, 8], x: 0, y: 0, width: 4, height: 4)
        let coarse = try fine.warped(onto: WarpTarget(crsDefinition: "EPSG:2154", originX: 0, originY: 4, cellSize: 2, width: 2, height: 2), resampling: .average)
        #expect(try coarse.band(1).read(x: 0, y: 0, width: 2, height: 2) == [2.5, 0, 0, 8])
    }

    /// A warped view holds a raw pointer to its source: the source must stay open as long as the view, whatever
    /// the caller keeps (a source freed first made the view's reads and close use freed memory: a crash in CI).
    @Test func aWarpedViewKeepsItsSourceOpen() throws {
        weak var released: RasterDataset?
        var coarse: RasterDataset?
        do {
            let fine = try RasterDataset.inMemory(width: 2, height: 2)
            try fine.setGeoTransform(GeoTransform(originX: 0, cellWidth: 1, originY: 2, cellHeight: -1))
            try fine.setSpatialReference(SpatialReference(epsg: 2154))
            try fine.band(1).write([1, 2, 3, 6], x: 0, y: 0, width: 2, height: 2)
            coarse = try fine.warped(onto: WarpTarget(crsDefinition: "EPSG:2154", originX: 0, originY: 2, cellSize: 2, width: 1, height: 1), resampling: .average)
            released = fine
        }
        #expect(released != nil, "the view's source was closed while the view is open")
        #expect(try coarse?.band(1).read(x: 0, y: 0, width: 1, height: 1) == [3])
        let path = try #require(coarse?.path)
        coarse = nil
        #expect(released == nil, "the source is released with its view")
        #expect(throws: GeoError.self, "the view's /vsimem/ description is deleted") { try RasterDataset.open(path) }
    }
}

@Suite struct ProjectionTests {
    @Test func lambert93MatchesIGNsReferencePoint() throws {
        // IGN: the Lambert-93 projection origin is 3°E, 46.5°N at (700 000, 6 600 000).
        let t = try CoordinateTransform(from: "EPSG:4326", to: "EPSG:2154")
        let (x, y) = try t.transform(x: 3, y: 46.5)
        #expect(abs(x - 700_000) < 0.01 && abs(y - 6_600_000) < 0.01)
        let back = try CoordinateTransform(from: "EPSG:2154", to: "EPSG:4326")
        let (lon, lat) = try back.transform(x: 700_000, y: 6_600_000)
        #expect(abs(lon - 3) < 1e-9 && abs(lat - 46.5) < 1e-9)
    }

    @Test func unknownCRSIsAnError() {
        #expect(throws: GeoError.self) { try CoordinateTransform(from: "EPSG:999999", to: "EPSG:4326") }
        #expect(throws: GeoError.self) { try SpatialReference(definition: "not a crs") }
    }
}

@Suite struct VectorAndGeometryTests {
    @Test func geoPackageRoundTripAndRasterize() throws {
        let folder = temporaryFolder()
        let ds = try VectorDataset.create(folder + "/b.gpkg", driver: "GPKG")
        let layer = try ds.createLayer("buildings", crs: SpatialReference(epsg: 2154), geometry: .polygon, fields: [("hauteur", .real), ("usage", .string)])
        try ds.inTransaction {
            try layer.addFeature(wkb: WKB.rectangle(minX: 2, minY: 2, maxX: 6, maxY: 6), values: ["hauteur": .real(12.5), "usage": .string("school")])
        }
        let read = try VectorDataset.open(folder + "/b.gpkg").layer(0)
        #expect(read.featureCount == 1)
        var heights: [Double] = []
        try read.forEachFeature { heights.append($0.fields["hauteur"]!!.doubleValue!) }
        #expect(heights == [12.5])
        let grid = try RasterDataset.inMemory(width: 10, height: 10)
        try grid.setGeoTransform(GeoTransform(originX: 0, cellWidth: 1, originY: 10, cellHeight: -1))
        try grid.setSpatialReference(SpatialReference(epsg: 2154))
        try grid.rasterize(read, attribute: "hauteur")
        let values = try grid.band(1).read(x: 0, y: 0, width: 10, height: 10)
        // A 4 × 4 m footprint burns exactly 16 cells (cell-centre rule) with its height.
        #expect(values.filter { $0 == 12.5 }.count == 16)
        #expect(values[4 * 10 + 2] == 12.5 && values[3 * 10 + 2] == 0)
    }

    @Test func geometryValidityAreaBufferIntersection() throws {
        let square = try Geometry(wkt: "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))")
        #expect(square.isValid && square.area == 100)
        let bowtie = try Geometry(wkt: "POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))")
        #expect(!bowtie.isValid && bowtie.validityReason.contains("Self-intersection"))
        let other = try Geometry(wkt: "POLYGON((5 5, 15 5, 15 15, 5 15, 5 5))", context: square.context)
        #expect(try square.intersection(other).area == 25)
        // Buffer of a square by 1: area 100 + perimeter·1 + π·1² (within the polygonal approximation).
        let grown = try square.buffer(1, quadrantSegments: 64).area
        #expect(abs(grown - (100 + 40 + Double.pi)) < 0.01)
        let fromWKB = try Geometry(wkb: WKB.rectangle(minX: 0, minY: 0, maxX: 2, maxY: 3))
        #expect(fromWKB.area == 6)
    }
}

@Suite struct TextFileTests {
    @Test func gzipRoundTripLineByLine() throws {
        let path = temporaryFolder() + "/t.csv.gz"
        let w = try TextFileWriter(path: path)
        for i in 0..<10_000 { try w.write("row,\(i)\r\n") }
        try w.close()
        let r = try TextLineReader(path: path)
        var n = 0
        while let line = try r.nextLine() { #expect(line == "row,\(n)"); n += 1 }
        #expect(n == 10_000 && r.lineNumber == 10_000)
    }

    @Test func nonUTF8AndEndlessLinesAreErrors() throws {
        let folder = temporaryFolder()
        try Data([0x61, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: folder + "/bad.csv"))
        #expect(throws: GeoError.self) { _ = try TextLineReader(path: folder + "/bad.csv").nextLine() }
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: folder + "/long.csv"))
        #expect(throws: GeoError.self) { _ = try TextLineReader(path: folder + "/long.csv", maxLineBytes: 1000).nextLine() }
    }
}

/// Our PNG encoder, read back by GDAL's PNG driver (libpng): every byte of every band survives.
@Suite struct PNGImageTests {
    /// Writes `rgba` as PNG, has GDAL decode it, and checks every byte; returns the PNG's colour type (IHDR byte 25).
    func roundTrip(_ rgba: [UInt8], width: Int, height: Int) throws -> UInt8 {
        let png = try PNGImage.encode(rgba: rgba, width: width, height: height, compression: 1)
        let path = TestFiles.root + "png-\(UUID().uuidString).png"
        try png.write(to: URL(fileURLWithPath: path))
        let ds = try RasterDataset.open(path)
        #expect(ds.width == width && ds.height == height)
        let planes = try ds.rgbaPlanes()
        for band in 0..<4 {
            #expect(planes[band].enumerated().allSatisfy { $0.element == rgba[4 * $0.offset + band] }, "band \(band + 1)")
        }
        return png[25]
    }

    /// More than 256 colours: RGBA with Paeth rows.
    @Test func gdalDecodesWhatWeEncodeExactly() throws {
        let width = 37, height = 23
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        for i in 0..<(width * height) {
            rgba[4 * i] = UInt8(i % 256); rgba[4 * i + 1] = UInt8((i * 7) % 256); rgba[4 * i + 2] = UInt8((i * 13 + 5) % 256)
            rgba[4 * i + 3] = i % 5 == 0 ? 0 : 255
        }
        #expect(try roundTrip(rgba, width: width, height: height) == 6, "851 colours: RGBA")
    }

    /// Exactly 256 colours, in runs and scattered, one of them transparent: a palette, and the same pixels decoded.
    /// One colour more falls back to RGBA.
    @Test func upTo256ColoursArePalettedLosslessly() throws {
        let width = 64, height = 40
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        for i in 0..<(width * height) {
            let k = (i / 3 + (i * 37) % 11) % 256 // runs of 3, interleaved: every colour appears, not in order
            rgba[4 * i] = UInt8(k); rgba[4 * i + 1] = UInt8(255 - k); rgba[4 * i + 2] = UInt8((k * 5) % 256)
            rgba[4 * i + 3] = k == 17 ? 0 : (k == 40 ? 128 : 255)
        }
        let distinct = Set(stride(from: 0, to: rgba.count, by: 4).map { rgba[$0..<$0 + 4].reduce(0) { $0 << 8 | UInt32($1) } })
        #expect(distinct.count == 256)
        #expect(try roundTrip(rgba, width: width, height: height) == 3, "256 colours: a palette")
        rgba[0] = 1; rgba[1] = 2; rgba[2] = 3 // a 257th colour
        #expect(try roundTrip(rgba, width: width, height: height) == 6, "257 colours: RGBA")
    }
}

@Suite struct DirectTileReaderTests {
    /// Values whose four bytes all vary (signs, exponents, mantissas, NaN), so a byte plane decoded wrong shows.
    static func values(_ count: Int, band: Int) -> [Float] {
        (0..<count).map { i in
            let k = i &* 2_654_435_761 &+ band &* 40_503
            if k % 97 == 0 { return .nan }
            return Float(k % 20_011 - 10_000) * Float(pow(2.0, Double(k % 23 - 11))) / 7
        }
    }

    /// Each layout ictu writes (many bands: 32-byte vectors; ten: 16-byte; a few and one: byte by byte), in tiles
    /// that do not divide the raster: every window, band subset included, reads what GDAL reads, bit for bit.
    @Test(arguments: [(26, "ZSTD", 64), (10, "ZSTD", 64), (5, "ZSTD", 32), (1, "DEFLATE", 128)])
    func decodesWhatGDALDecodes(bands: Int, compression: String, tile: Int) throws {
        let path = temporaryFolder() + "/stack.tif", width = 300, height = 190
        do { // closed at the end of the block: the tiles' offsets are written then
            let ds = try RasterDataset.create(path, width: width, height: height, bands: bands, type: .float32,
                                              options: ["TILED=YES", "BLOCKXSIZE=\(tile)", "BLOCKYSIZE=\(tile)", "COMPRESS=\(compression)", "PREDICTOR=3",
                                                        "INTERLEAVE=PIXEL"])
            for b in 1...bands { try ds.band(b).write(Self.values(width * height, band: b), x: 0, y: 0, width: width, height: height) }
        }
        let file = try RasterDataset.open(path)
        let reader = try #require(DirectTileReader(file), "the layout is one the reader decodes")
        let windows = [(0, 0, width, height), (tile - 3, tile / 2 + 1, min(tile + 9, width - tile + 3), min(2 * tile + 1, height - tile / 2 - 1)),
                       (width - 17, height - 11, 17, 11), (7, 9, 1, 1)]
        for (x, y, w, h) in windows {
            for subset in [nil, [bands], Array(stride(from: bands, through: 1, by: -2))] as [[Int]?] {
                let direct = try reader.read(x: x, y: y, width: w, height: h, bands: subset)
                let gdal = try file.readBandsThroughGDAL(x: x, y: y, width: w, height: h, bands: subset)
                let differing = zip(direct.joined(), gdal.joined()).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(direct.map(\.count) == gdal.map(\.count) && differing == 0, "window \(x), \(y), \(w)×\(h), bands \(subset ?? [])")
            }
        }
    }

    @Test func otherLayoutsAreLeftToGDAL() throws {
        let folder = temporaryFolder()
        for (name, options) in [("lzw", ["TILED=YES", "COMPRESS=LZW", "PREDICTOR=3"]), ("no predictor", ["TILED=YES", "COMPRESS=ZSTD"]),
                                ("strips", ["COMPRESS=ZSTD", "PREDICTOR=3"]), ("band-interleaved", ["TILED=YES", "COMPRESS=ZSTD", "PREDICTOR=3", "INTERLEAVE=BAND"])] {
            let path = folder + "/\(name).tif"
            do {
                let ds = try RasterDataset.create(path, width: 40, height: 40, bands: 2, type: .float32, options: options)
                for b in 1...2 { try ds.band(b).write(Self.values(1600, band: b), x: 0, y: 0, width: 40, height: 40) }
            }
            #expect(DirectTileReader(try RasterDataset.open(path)) == nil, "\(name)")
        }
    }
}
