import Foundation
import Testing
@testable import City
import Model

/// The measurements are read from their bytes, not as text fields (470 000 rows of the sample in a fraction of a
/// second): what is read must be what `Double` and the text reader read.
@Suite struct MeasurementReadingTests {
    /// Plain decimals are the Double that `Double(String)` reads, to the bit, over the shapes a sensor file holds
    /// (signs, zeros, up to 15 digits); anything else is left to `Double`.
    @Test func plainDecimalsAreReadAsDoubleReadsThem() {
        var state: UInt64 = 11
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        var checked = 0
        for _ in 0..<200_000 {
            let integer = next() % 100_000, decimals = Int(next() % 8)
            var text = (next() % 5 == 0 ? "-" : "") + String(integer)
            if decimals > 0 { text += "." + String((0..<decimals).map { _ in Character(String(next() % 10)) }) }
            let read = Array(text.utf8).withUnsafeBufferPointer { PlainNumber($0) }
            guard case .value(let v) = read else { Issue.record("\(text) not read as plain"); return }
            #expect(v.bitPattern == Double(text)!.bitPattern, "\(text): \(v) vs \(Double(text)!)")
            checked += 1
        }
        #expect(checked == 200_000)
        for other in ["1e3", "+2", ".5", "5.", "1 2", "nan", "inf", "12,5", "1234567890123456", "--1"] {
            #expect(Array(other.utf8).withUnsafeBufferPointer { PlainNumber($0) } == .other, "\(other) is left to Double")
        }
        #expect(Array("".utf8).withUnsafeBufferPointer { PlainNumber($0) } == .empty)
    }

    /// A file with the shapes the byte reader hands to the text reader (quoted fields, spaces, a Windows line end,
    /// 10-minute rows, an exponent, an empty humidity, a duplicate and a conflict) reads as the text reader reads it.
    @Test func unusualRowsReadAsTheTextReaderReadsThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ictu-measurements-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("m.csv").path
        try """
        sensor_id,time,temperature_c,humidity_pct\r
        A,2022-07-18T00:00:00Z,20.5,60\r
        "A",2022-07-18T00:10:00Z,21.5,62\r
         A ,2022-07-18T01:00:00+02:00, 19.25 ,\r
        B,2022-07-18T00:00:00Z,2.2e1,55.5\r
        B,2022-07-18T00:00:00Z,2.2e1,55.5\r
        B,2022-07-18T01:00:00Z,23,50\r
        B,2022-07-18T01:00:00Z,24,50\r

        C,2022-07-18T02:00:00Z,-1.5,99\r
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let stations = ["A", "B", "C"].map { Station(id: $0, site: $0, commune: "x", longitude: 0, latitude: 45, heightMetres: 3) }
        let start = 1_658_102_400 / 3600 - 1
        let reference = ReferenceSeries(startHour: start, hours: 6)
        let network = try SensorFiles.readMeasurements(files: [(path, "m.csv")], stations: stations, clock: reference)
        let a = try #require(network.series["A"]), b = try #require(network.series["B"]), c = try #require(network.series["C"])
        #expect(a.temperature[0] == 19.25 && a.humidity[0].isNaN, "23:00 UTC (01:00+02:00): \(a.temperature[0])")
        #expect(a.temperature[1] == 21 && a.humidity[1] == 61, "the 10-minute rows averaged: \(a.temperature[1]), \(a.humidity[1])")
        #expect(b.temperature[1] == 22 && b.humidity[1] == 55.5)
        #expect(b.temperature[2].isNaN, "conflicting rows dropped")
        #expect(network.duplicateRows["B"] == 1 && network.conflictingRows["B"] == 1)
        #expect(c.temperature[3] == -1.5 && c.humidity[3] == 99)
    }
}
