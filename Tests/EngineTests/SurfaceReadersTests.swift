import City
import Foundation
import Grid
import Model
import TestFixtures
import Testing
@testable import Engine

/// The layers read in strips on every reader at once are those of one read of the window, to the bit — the
/// canopy stress from NDMI included, whose box mean over a satellite pixel reaches across the strips' seams.
@Suite(.tags(.endToEnd)) struct SurfaceReadersTests {
    @Test func stripsReadTogetherGiveTheWindowsLayers() throws {
        let city = try City(manifestPath: SampleRun.folder + "/city.yaml")
        #expect(city.layersReachCells > 0, "the sample's canopy stress comes from NDMI: its reach is what the strips' rows must cover")
        let readers = try SurfaceReaders(city: city, count: 2)
        let grid = city.grid
        for window in [Window(x: 0, y: 0, width: grid.width, height: grid.height), Window(x: 37, y: 101, width: grid.width - 80, height: grid.height - 230)] {
            let whole = try readers.read(window), strips = try readers.readInStrips(window)
            for role in SurfaceLayers.roles {
                let a = whole[keyPath: role.keyPath].values, b = strips[keyPath: role.keyPath].values
                let differing = zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(a.count == b.count && differing == 0, "\(role.name) on \(window): \(differing) cells differ")
            }
        }
    }
}
