import Foundation
import GeoIO
import Grid
import TestFixtures
import Testing
@testable import City

/// A raster already on the grid's cells is read straight from the file instead of through GDAL's warper: the
/// values must be the warper's, to the bit, including no data, a source offset from the grid, and windows
/// reaching past the source's edge.
@Suite struct AlignedReadTests {
    @Test func directReadEqualsTheWarpedRead() throws {
        let fixture = try FixtureCity()
        // Byte grass fraction shifted 3 cells east and 2 south of the grid (so it overhangs two edges), nodata 255.
        let grass = try RasterDataset.create(fixture.folder + "/Rasters/grass.tif", width: 20, height: 20, bands: 1, type: .byte)
        try grass.setGeoTransform(GeoTransform(originX: FixtureCity.minX + 6, cellWidth: 2, originY: FixtureCity.maxY - 4, cellHeight: -2))
        try grass.setSpatialReference(SpatialReference(epsg: 2154))
        try grass.band(1).setNoData(255)
        let grassValues: [Float] = (0..<400).map { (i: Int) -> Float in i % 7 == 0 ? 255 : Float(i % 101) }
        try grass.band(1).write(grassValues, x: 0, y: 0, width: 20, height: 20)
        try grass.flush()
        // Float32 impervious fraction on the grid's own cells, nodata −1 given in the manifest, some NaN.
        let sealed = try RasterDataset.create(fixture.folder + "/Rasters/impervious.tif", width: 20, height: 20, bands: 1, type: .float32)
        try sealed.setGeoTransform(GeoTransform(originX: FixtureCity.minX, cellWidth: 2, originY: FixtureCity.maxY, cellHeight: -2))
        try sealed.setSpatialReference(SpatialReference(epsg: 2154))
        let sealedValues: [Float] = (0..<400).map { (i: Int) -> Float in i % 5 == 0 ? -1 : (i % 11 == 0 ? Float.nan : Float(i) / 400) }
        try sealed.band(1).write(sealedValues, x: 0, y: 0, width: 20, height: 20)
        try sealed.flush()
        // A raster on other cells (half a cell off) is warped, not read directly.
        try fixture.writeRaster("Rasters/water.tif", values: (0..<400).map { Float($0 % 2) }, originX: FixtureCity.minX + 1)
        try fixture.edit("city.yaml") {
            $0.replacingOccurrences(of: "rasters:\n", with: """
            rasters:
              grass: {path: Rasters/grass.tif, scale: 0.01}
              impervious: {path: Rasters/impervious.tif, nodata: -1}
              water: {path: Rasters/water.tif}

            """)
        }
        let city = try City(manifestPath: fixture.manifest)
        let grassInput = try #require(city.rasters[.grass]), sealedInput = try #require(city.rasters[.impervious])
        #expect(grassInput.aligned?.col == 3 && grassInput.aligned?.row == 2)
        #expect(sealedInput.aligned?.col == 0 && sealedInput.aligned?.row == 0)
        #expect(city.rasters[.water]?.aligned == nil, "half a cell off the grid: warped")
        let windows = [Window(x: 0, y: 0, width: 20, height: 20), Window(x: 4, y: 5, width: 9, height: 7), Window(x: 15, y: 0, width: 5, height: 20),
                       Window(x: 0, y: 0, width: 3, height: 2)]
        for input in [grassInput, sealedInput] {
            for window in windows {
                let direct = try input.readAligned(window, at: try #require(input.aligned)), warped = try input.readWarped(window)
                #expect(direct.map(\.bitPattern) == warped.map(\.bitPattern), "\(input.role) on \(window)")
            }
        }
        // And through the public read: no data is NaN, values scaled.
        let plane = try grassInput.read(Window(x: 0, y: 0, width: 20, height: 20))
        #expect(plane[0, 0].isNaN && plane[2, 1].isNaN, "outside the source")
        #expect(plane[3, 2].isNaN, "source pixel 0 holds the nodata value 255")
        #expect(abs(plane[4, 2] - 0.01) < 1e-6, "source pixel 1 holds 1 (percent)")
    }

    /// A coarser raster whose pixels are whole numbers of cells (10 m stress, 20 m NDMI on 2 m cells) is made bilinear
    /// from its pixels: GDAL's warp to float rounding, with the same no data, off the source and along its edges; a
    /// cell whose pixels include no data takes GDAL's value, so a cell reads the same in any window.
    @Test func upsampledReadEqualsTheWarpedRead() throws {
        let fixture = try FixtureCity()
        // 10 m Byte shrub stress reaching past the grid on every side (2 pixels west, 1 north), a nodata pixel far in
        // its south-east; 20 m Int16 NDMI whose west edge is the grid's and that stops short of its south and east
        // (edges of pixels on cell edges).
        let stress = try RasterDataset.create(fixture.folder + "/Rasters/stress.tif", width: 8, height: 8, bands: 1, type: .byte)
        try stress.setGeoTransform(GeoTransform(originX: FixtureCity.minX - 20, cellWidth: 10, originY: FixtureCity.maxY + 10, cellHeight: -10))
        try stress.setSpatialReference(SpatialReference(epsg: 2154))
        try stress.band(1).setNoData(255)
        try stress.band(1).write((0..<64).map { $0 == 28 ? 255 : Float(($0 * 37) % 101) }, x: 0, y: 0, width: 8, height: 8)
        try stress.flush()
        let ndmi = try RasterDataset.create(fixture.folder + "/Rasters/ndmi.tif", width: 3, height: 3, bands: 1, type: .int16)
        try ndmi.setGeoTransform(GeoTransform(originX: FixtureCity.minX - 30, cellWidth: 20, originY: FixtureCity.maxY + 10, cellHeight: -20))
        try ndmi.setSpatialReference(SpatialReference(epsg: 2154))
        try ndmi.band(1).write([1200, -300, 2500, 800, 4100, -1500, 0, 3333, 999], x: 0, y: 0, width: 3, height: 3)
        try ndmi.flush()
        try fixture.edit("city.yaml") {
            $0.replacingOccurrences(of: "rasters:\n", with: """
            rasters:
              hydric_stress_shrub: {path: Rasters/stress.tif, scale: 0.01}
              ndmi: {path: Rasters/ndmi.tif, scale: 0.0001}
              ndmi_baseline: {path: Rasters/ndmi.tif, scale: 0.0001}

            """)
        }
        let city = try City(manifestPath: fixture.manifest)
        let stressInput = try #require(city.rasters[.hydricStressShrub]), ndmiInput = try #require(city.rasters[.ndmi])
        #expect(stressInput.upsampled?.factor == 5 && stressInput.upsampled?.col == -10 && stressInput.upsampled?.row == -5)
        #expect(ndmiInput.upsampled?.factor == 10 && ndmiInput.upsampled?.col == -15)
        for input in [stressInput, ndmiInput] {
            for window in [Window(x: 0, y: 0, width: 20, height: 20), Window(x: 3, y: 2, width: 9, height: 11), Window(x: 12, y: 12, width: 8, height: 8),
                           Window(x: 6, y: 0, width: 5, height: 3)] {
                let reference = try input.readWarped(window), upsampled = try input.readUpsampled(window, try #require(input.upsampled))
                #expect(zip(upsampled, reference).allSatisfy { $0.isNaN ? $1.isNaN : !$1.isNaN && abs($0 - $1) <= 1e-6 * max(1, abs($1)) },
                        "\(input.role) on \(window): largest difference \(zip(upsampled, reference).map { abs($0 - $1) }.max() ?? 0)")
                #expect(try input.read(window).values.map(\.bitPattern) == upsampled.map { Float(Double($0) * input.scale + input.offset) }.map(\.bitPattern))
            }
        }
        // The same cells read in a window that does not need the no-data pixel and in one that does.
        let clean = try stressInput.readUpsampled(Window(x: 0, y: 0, width: 8, height: 8), try #require(stressInput.upsampled))
        let withHole = try stressInput.readUpsampled(Window(x: 0, y: 0, width: 20, height: 20), try #require(stressInput.upsampled))
        #expect((0..<64).allSatisfy { clean[$0].bitPattern == withHole[($0 / 8) * 20 + $0 % 8].bitPattern }, "a cell's value does not depend on its window")
    }
}
