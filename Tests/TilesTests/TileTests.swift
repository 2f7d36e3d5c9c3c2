import Foundation
import GeoIO
import Grid
import TestFixtures
import Testing
@testable import Run
@testable import Tiles

/// Tile export of the calibrated sample run (SampleRecoveryTests' 5 m city): geometry against PROJ, pixels
/// against the COG, MBTiles read by GDAL.
@Suite(.serialized, .tags(.endToEnd)) struct TileTests {
    static let run: String = {
        let run = SampleRun.folder + "/run"
        var options = TileExportOptions()
        options.layers = ["day", "classes"]
        do { _ = try TileExport.run(run: run, options: options) } catch { Issue.record("tile export failed: \(error)") }
        return run
    }()

    @Test func tileBoundsAreTheWebMercatorBoundsPROJGives() throws {
        // The XYZ scheme's corners in degrees (OSM's formulas), projected to EPSG:3857 by PROJ.
        let toMercator = try CoordinateTransform(from: "EPSG:4326", to: "EPSG:3857")
        for tile in [WebMercator.Tile(z: 15, x: 16330, y: 11808), WebMercator.Tile(z: 3, x: 3, y: 2), WebMercator.Tile(z: 0, x: 0, y: 0)] {
            let n = Double(1 << tile.z)
            func lon(_ x: Int) -> Double { Double(x) / n * 360 - 180 }
            func lat(_ y: Int) -> Double { atan(sinh(.pi * (1 - 2 * Double(y) / n))) * 180 / .pi }
            let nw = try toMercator.transform(x: lon(tile.x), y: lat(tile.y)), se = try toMercator.transform(x: lon(tile.x + 1), y: lat(tile.y + 1))
            let b = tile.bounds
            #expect(abs(b.minX - nw.x) < 1e-6 && abs(b.maxY - nw.y) < 1e-6 && abs(b.maxX - se.x) < 1e-6 && abs(b.minY - se.y) < 1e-6, "\(tile): \(b) vs PROJ \(nw), \(se)")
        }
    }

    @Test func tilePixelsShowTheCOGValueAtTheirPlace() throws {
        let map = try TileCatalogue(try RunFolder(Self.run))
        let grid = map.record.grid
        let cog = try RasterDataset.open(Self.run + "/ictu_day.tif").band(1).read(x: 0, y: 0, width: grid.width, height: grid.height)
        let toGrid = try CoordinateTransform(from: "EPSG:3857", to: grid.crs)
        let layer = try #require(map.layer("day"))
        let z = map.zooms.upperBound
        var compared = 0, transparent = 0
        for tile in WebMercator.tiles(z: z, west: map.bounds.west, south: map.bounds.south, east: map.bounds.east, north: map.bounds.north).prefix(40) {
            let path = Self.run + "/tiles/day/\(tile.z)/\(tile.x)/\(tile.y).png"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let png = try RasterDataset.open(path)
            let rgba = try png.rgbaPlanes().map { $0.map(Float.init) }
            let b = tile.bounds, size = (b.maxX - b.minX) / 256
            for py in stride(from: 3, to: 256, by: 7) { for px in stride(from: 5, to: 256, by: 9) {
                let p = try toGrid.transform(x: b.minX + (Double(px) + 0.5) * size, y: b.maxY - (Double(py) + 0.5) * size)
                let col = Int(((p.x - grid.originX) / grid.cellSize).rounded(.down)), row = Int(((grid.originY - p.y) / grid.cellSize).rounded(.down))
                let i = py * 256 + px
                guard col >= 1, row >= 1, col < grid.width - 1, row < grid.height - 1 else {
                    if col < -1 || row < -1 || col > grid.width || row > grid.height { #expect(rgba[3][i] == 0, "outside the grid is transparent"); transparent += 1 }
                    continue
                }
                // Only where the 3 × 3 cells around agree (then every sampling gives the same value).
                let around = (-1...1).flatMap { dy in (-1...1).map { dx in cog[(row + dy) * grid.width + col + dx] } }
                if around.allSatisfy(\.isNaN) { #expect(rgba[3][i] == 0, "no data is transparent"); transparent += 1; continue }
                guard !around.contains(where: \.isNaN), around.max()! - around.min()! < 0.05 else { continue }
                let expected = layer.rgba(cog[row * grid.width + col])
                let got = (rgba[0][i], rgba[1][i], rgba[2][i], rgba[3][i])
                #expect(abs(Float(expected.0) - got.0) <= 2 && abs(Float(expected.1) - got.1) <= 2 && abs(Float(expected.2) - got.2) <= 2 && got.3 == 255,
                        "tile \(tile) pixel (\(px), \(py)) → cell (\(col), \(row)) = \(cog[row * grid.width + col]) °C: expected \(expected), got \(got)")
                compared += 1
            } }
        }
        #expect(compared > 200 && transparent > 20, "compared \(compared) coloured and \(transparent) transparent pixels")
    }

    /// Tiles are drawn from windows of the COG and its own overviews (memory bounded by GDAL's cache at any grid
    /// size). They must be the tiles of the whole layer held in memory with its halved levels: to the bit at full
    /// resolution, and at coarser zooms to float rounding, because the COG's overviews average 2 × 2 cells leaving
    /// no data out (the 800-cell grid halves exactly), as the in-memory levels do. The COG driver's default cubic
    /// overviews would be off by tenths of a degree next to buildings' holes.
    @Test func tilesFromCOGWindowsAreThoseOfTheWholeLayerInMemory() throws {
        let map = try TileCatalogue(try RunFolder(Self.run))
        let grid = map.record.grid
        let band = try RasterDataset.open(Self.run + "/ictu_day.tif").band(1)
        let whole = LayerPyramid(plane: Plane(width: grid.width, height: grid.height, values: try band.read(x: 0, y: 0, width: grid.width, height: grid.height)), grid: grid)
        let windows = try COGLayer(path: Self.run + "/ictu_day.tif", band: 1, grid: grid)
        #expect(windows.fileLevels.count >= 2, "the COG has overviews")
        let renderer = try TileRenderer(grid: grid)
        var levels = Set<Int>(), exact = 0, close = 0
        for z in map.zooms {
            for tile in WebMercator.tiles(z: z, west: map.bounds.west, south: map.bounds.south, east: map.bounds.east, north: map.bounds.north).prefix(12) {
                let footprint = try renderer.gridCoordinates(tile).footprint
                let level = pyramidLevel(footprint: footprint, levels: whole.levels.count)
                levels.insert(level)
                let a = try renderer.values(tile, layer: windows), b = try renderer.values(tile, layer: whole)
                #expect(zip(a, b).allSatisfy { $0.isNaN == $1.isNaN }, "tile \(tile): the same pixels have data")
                let worst = zip(a, b).filter { !$0.0.isNaN }.map { abs($0.0 - $0.1) }.max() ?? 0
                if level == 0 { #expect(worst == 0, "tile \(tile) at full resolution: off by \(worst)"); exact += 1 }
                else { #expect(worst < 1e-3, "tile \(tile) at level \(level): off by \(worst) °C"); close += 1 }
            }
        }
        #expect(levels.contains(0) && levels.count >= 3 && exact > 0 && close > 0, "levels compared: \(levels.sorted())")
    }

    @Test func mbtilesOpensInGDALAndHoldsTheSameTilesFlippedToTMS() throws {
        let path = Self.run + "/tiles/day.mbtiles"
        let info = try Process.output("/usr/bin/gdalinfo", [path])
        #expect(info.contains("Driver: MBTiles/MBTiles"), "\(info.prefix(300))")
        let ds = try RasterDataset.open(path)
        #expect(ds.spatialReference?.authorityCode == "EPSG:3857")
        let db = try SQLiteDatabase(reading: path)
        let metadata = Dictionary(uniqueKeysWithValues: try db.query("SELECT name, value FROM metadata").map { ($0[0], $0[1]) })
        for key in ["name", "format", "bounds", "center", "minzoom", "maxzoom"] { #expect(metadata[key] != nil, "metadata \(key)") }
        #expect(metadata["format"] == "png")
        let map = try TileCatalogue(try RunFolder(Self.run))
        #expect(metadata["maxzoom"] == "\(map.zooms.upperBound)" && metadata["minzoom"] == "\(map.zooms.lowerBound)")
        // One tile: the XYZ file's bytes are the MBTiles row 2^z − 1 − y.
        let folder = Self.run + "/tiles/day/\(map.zooms.upperBound)"
        let x = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).sorted().first)
        let y = try #require(try FileManager.default.contentsOfDirectory(atPath: folder + "/" + x).sorted().first?.dropLast(4))
        let file = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(x)/\(y).png"))
        let z = map.zooms.upperBound
        let blob = try db.blob("SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3", [z, Int(x)!, (1 << z) - 1 - Int(y)!])
        #expect(blob == file)
        let tilejson = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.run + "/tiles/day/tilejson.json"))) as! [String: Any]
        #expect(tilejson["tilejson"] as? String == "3.0.0" && (tilejson["tiles"] as? [String]) == ["{z}/{x}/{y}.png"])
    }

    @Test func classesAreFlatColoursOfTheUTCIClasses() throws {
        let map = try TileCatalogue(try RunFolder(Self.run))
        let layer = try #require(map.layer("classes"))
        // 33 °C and 37 °C are both strong heat stress (32–38): one colour; 38.5 is very strong: another.
        #expect(layer.rgba(33) == layer.rgba(37))
        #expect(layer.rgba(37) != layer.rgba(38.5))
        #expect(layer.rgba(.nan).3 == 0)
    }

    @Test func unknownLayerIsRefusedWithTheListOfLayers() throws {
        var options = TileExportOptions()
        options.layers = ["dya"]
        #expect { try TileExport.run(run: Self.run, options: options) } throws: { "\($0)".contains("no layer \"dya\"") && "\($0)".contains("day, night") }
    }
}


/// PMTiles export checked by Protomaps' own Python reader (PyPI `pmtiles`): header, directories and every tile.
@Suite(.serialized, .tags(.endToEnd)) struct PMTilesExportTests {
    struct Check: Decodable {
        struct Header: Decodable {
            var version: Int, clustered: Bool, tile_type: String, tile_compression: String, internal_compression: String
            var min_zoom: Int, max_zoom: Int, addressed_tiles_count: Int, tile_entries_count: Int, tile_contents_count: Int
            var leaf_directory_length: Int
            var min_lon_e7: Int, min_lat_e7: Int, max_lon_e7: Int, max_lat_e7: Int
        }
        struct Metadata: Decodable { var name: String; var format: String; var bounds: [Double]; var minzoom: Int; var maxzoom: Int }
        var header: Header, metadata: Metadata
        var tiles: Int, distinct: Int, zooms: [Int]
        var unequal_to_xyz: [String], lookup_failures: [String]
        var xyz_files: Int?
    }

    static func check(_ archive: String, xyz: String? = nil) throws -> Check {
        try JSONDecoder().decode(Check.self, from: try Clients.run("pmtiles_check.py", [archive] + (xyz.map { ["--xyz", $0] } ?? [])))
    }

    @Test(arguments: ["day", "classes"])
    func theSamplesArchiveIsReadBackTileForTileEqualToTheXYZTiles(layer: String) throws {
        let folder = TileTests.run + "/tiles"
        let map = try TileCatalogue(try RunFolder(TileTests.run))
        let check = try Self.check("\(folder)/\(layer).pmtiles", xyz: "\(folder)/\(layer)")
        #expect(check.header.version == 3 && check.header.clustered && check.header.tile_type == "PNG" && check.header.tile_compression == "NONE")
        #expect(check.tiles > 0 && check.tiles == check.xyz_files, "every XYZ tile is in the archive: \(check.tiles) of \(check.xyz_files ?? -1)")
        #expect(check.unequal_to_xyz.isEmpty && check.lookup_failures.isEmpty, "\(check.unequal_to_xyz) \(check.lookup_failures)")
        #expect(check.zooms == Array(map.zooms) && check.header.min_zoom == map.zooms.lowerBound && check.header.max_zoom == map.zooms.upperBound)
        #expect(check.header.addressed_tiles_count == check.tiles && check.header.tile_contents_count == check.distinct)
        // Bounds as the TileJSON gives them, to the format's 10⁻⁷ degree.
        #expect(abs(Double(check.header.min_lon_e7) / 1e7 - map.bounds.west) < 1e-7 && abs(Double(check.header.max_lat_e7) / 1e7 - map.bounds.north) < 1e-7)
        #expect(check.metadata.format == "png" && check.metadata.name == "ictu \(layer)" && check.metadata.minzoom == map.zooms.lowerBound)
    }

    /// Many tiles, most of them alike: identical tiles stored once (consecutive ones as one run), leaf directories
    /// when the root would pass 16 KiB, and the same bytes found by the Python reader and by ictu's own.
    @Test func aLargeArchiveHasLeafDirectoriesAndStoresIdenticalTilesOnce() throws {
        let path = TestFiles.root + "synthetic.pmtiles"
        let writer = try PMTilesWriter(path: path)
        var expected: [WebMercator.Tile: Data] = [:]
        // Zooms 0–8 whole: 87 381 tiles.
        for z in 0...8 {
            for x in 0..<(1 << z) { for y in 0..<(1 << z) { expected[WebMercator.Tile(z: z, x: x, y: y)] = Data() } }
        }
        let ordered = expected.keys.map { (PMTiles.tileID($0), $0) }.sorted { $0.0 < $1.0 }
        for (i, (id, tile)) in ordered.enumerated() {
            // Three tiles in four are "uniform" (sea, land, land); the others unique, of varied lengths as PNGs are.
            let bytes = i % 4 == 3 ? Data(("tile \(tile)" + String(repeating: "~", count: i % 251)).utf8) : Data("uniform \(i % 4 == 0 ? "sea" : "land")".utf8)
            expected[tile] = bytes
            try writer.append(id, bytes)
        }
        try writer.finish(header: PMTiles.Header(), metadata: Data("{\"name\":\"synthetic\",\"format\":\"png\",\"bounds\":[-180,-85,180,85],\"minzoom\":0,\"maxzoom\":8}".utf8))
        let check = try Self.check(path)
        #expect(check.tiles == expected.count && check.lookup_failures.isEmpty)
        #expect(check.header.leaf_directory_length > 0, "65 536 entries do not fit a 16 KiB root")
        #expect(check.header.tile_contents_count == check.distinct && check.distinct == expected.count / 4 + 2)
        #expect(check.header.tile_entries_count < check.header.addressed_tiles_count, "runs of one content are one entry")
        let reader = try PMTilesReader(path: path)
        for (tile, bytes) in expected where tile.x % 5 == 0 && tile.y % 3 == 0 { #expect(try reader.tile(tile) == bytes, "\(tile)") }
        #expect(try reader.tile(WebMercator.Tile(z: 9, x: 0, y: 0)) == nil, "a zoom the archive does not have")
    }

    /// The spec's numbering: zoom 0 is 0; zoom 1 runs (0,0) (0,1) (1,1) (1,0) along the Hilbert curve; and ids turn
    /// back into their tiles up to zoom 20.
    @Test func tileIDsFollowTheHilbertCurveZoomByZoom() {
        #expect(PMTiles.tileID(.init(z: 0, x: 0, y: 0)) == 0)
        #expect([(0, 0), (0, 1), (1, 1), (1, 0)].map { PMTiles.tileID(.init(z: 1, x: $0.0, y: $0.1)) } == [1, 2, 3, 4])
        #expect(PMTiles.tileID(.init(z: 2, x: 0, y: 0)) == 5)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let z = Int.random(in: 0...20, using: &generator)
            let tile = WebMercator.Tile(z: z, x: Int.random(in: 0..<(1 << z), using: &generator), y: Int.random(in: 0..<(1 << z), using: &generator))
            #expect(PMTiles.tile(PMTiles.tileID(tile)) == tile)
        }
    }
}
