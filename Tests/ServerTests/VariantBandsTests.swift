import Foundation
import Grid
import Run
import TestFixtures
import Testing
@testable import Server

/// A variant's bands leave memory for a temporary file once its summary is complete: a click reads the same values
/// from it (to the bit, no data included), and the file is gone from the directory as soon as it is written.
@Suite struct VariantBandsTests {
    @Test func theBandsReadTheSameFromTheirFileAndLeaveNothingOnDisk() throws {
        let region = Window(x: 300, y: 200, width: 130, height: 70)
        func plane(_ seed: Float) -> Plane {
            Plane(width: region.width, height: region.height, values: (0..<region.cellCount).map { i in i % 97 == 0 ? .nan : seed + Float(i) * 0.001 - Float(i % 13) * 0.37 })
        }
        let bands = VariantBands([.dayMap: [plane(31.5)], .components: (0..<26).map { plane(Float($0)) }, .intermediate: (0..<10).map { plane(-Float($0)) }], region: region)
        let cells = [(300, 200), (429, 269), (365, 233), (397, 200), (310, 201)]
        func values() throws -> [Float?] {
            try cells.flatMap { c, r in
                try [bands.value(.dayMap, band: 0, col: c, row: r), bands.value(.components, band: 25, col: c, row: r),
                     bands.value(.intermediate, band: 3, col: c, row: r), bands.value(.nightMap, band: 0, col: c, row: r)]
            }
        }
        let inMemory = try values()
        #expect(inMemory.contains { $0 != nil && !$0!.isNaN } && inMemory.contains { $0?.isNaN == true })
        let directory = TestFiles.root + "variant-bands-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try bands.spill(directory: directory)
        #expect(bands.spilled)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "the file is unlinked once written")
        let fromFile = try values()
        #expect(zip(inMemory, fromFile).allSatisfy { a, b in a == nil ? b == nil : b != nil && a!.bitPattern == b!.bitPattern }, "\(inMemory) vs \(fromFile)")
        #expect(try bands.value(.dayMap, band: 0, col: 299, row: 200) == nil, "outside the region: the run's value")
    }
}
