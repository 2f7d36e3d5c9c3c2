import Foundation
import GeoIO
import TestFixtures
import Testing
@testable import Diagnosis
@testable import Engine
@testable import Run
@testable import Scenario
@testable import Tiles
@testable import Watering

/// `ictu compute --maps-only` (a metropolis's run without its 36-band analysis stacks): the same maps as a full
/// run, to the bit; the stacks of a run it replaces withdrawn, never left beside maps they do not belong to; and
/// what reads the stacks refusing the run with the reason.
@Suite(.serialized, .tags(.endToEnd)) struct MapsOnlyTests {
    static let maps = ["ictu_day.tif", "ictu_night.tif", "ictu_class.tif", "ictu_delta_median.tif", "uncertainty.tif", "hydric_stress.tif"]

    /// A copy of PartitionTests' one-machine run (same city, same blocks), recomputed over itself with --maps-only.
    static let computed: (full: String, mapsOnly: String, refusedWithoutForce: (status: Int32, errors: String)) = {
        let full = PartitionTests.computed.single
        let folder = TestFiles.root + "ictu-maps-only-\(UUID().uuidString)"
        var refused: (Int32, String) = (0, "")
        do {
            try FileManager.default.copyItem(atPath: full, toPath: folder)
            let arguments = ["compute", "--city", SampleRun.folder + "/city.yaml", "--out", folder, "--block", "256", "--maps-only"]
            let first = try IctuCommand.ictu(arguments)
            refused = (first.status, first.errors)
            let run = try IctuCommand.ictu(arguments + ["--force"])
            if run.status != 0 { Issue.record("compute --maps-only failed: \(run.errors)") }
        } catch { Issue.record("\(error)") }
        return (full, folder, refused)
    }()

    @Test func theMapsAreThoseOfTheFullRunAndTheStacksAreWithdrawn() throws {
        let (full, folder, _) = Self.computed
        for map in Self.maps {
            let a = try RasterDataset.open(full + "/" + map).band(1), b = try RasterDataset.open(folder + "/" + map).band(1)
            let size = a.size
            let x = try a.read(x: 0, y: 0, width: size.width, height: size.height), y = try b.read(x: 0, y: 0, width: size.width, height: size.height)
            #expect(b.size == size && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(map) differs from the full run's")
        }
        for stack in ["components.tif", "intermediate.tif"] {
            #expect(!FileManager.default.fileExists(atPath: folder + "/" + stack), "\(stack) of the replaced run is left beside the new maps")
        }
        let record = try RunFolder(folder).record
        #expect(record.mapsOnly == true && record.bands.isEmpty)
        #expect(try RunFolder(full).record.mapsOnly == false)
        // The viewer and tile export offer the maps, not the terms.
        let layers = TileLayer.catalogue(try RunFolder(folder)).map(\.name)
        #expect(layers.contains("day") && layers.contains("uncertainty") && !layers.contains { $0.hasPrefix("day-") }, "\(layers)")
    }

    @Test func withoutForceTheFullRunIsNotTouched() throws {
        let (_, _, refused) = Self.computed
        #expect(refused.status != 0 && refused.errors.contains("components.tif") && refused.errors.contains("--force"), "\(refused.errors)")
    }

    @Test func whatReadsTheStacksRefusesTheRunWithTheReason() throws {
        let (_, folder, _) = Self.computed
        func refuses(_ what: String, _ body: () throws -> Void) {
            #expect(throws: (any Error).self, "\(what)") { try body() }
            do { try body() } catch { #expect("\(error)".contains("--maps-only") && "\(error)".contains(what), "\(what): \(error)") }
        }
        refuses("ictu explain") { _ = try PointReader(run: folder) }
        refuses("ictu diagnose") { _ = try Diagnosis.run(run: folder) }
        refuses("ictu watering") { _ = try Watering.run(run: folder) }
        refuses("ictu simulate") { _ = try SimulationBase(run: folder) }
        let cli = try IctuCommand.ictu(["diagnose", "--run", folder])
        #expect(cli.status != 0 && cli.errors.contains("--maps-only"), "\(cli.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/diagnosis"), "a refused diagnosis writes nothing")
    }
}
