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
}
