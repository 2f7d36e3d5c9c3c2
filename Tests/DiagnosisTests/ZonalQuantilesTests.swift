import Testing
@testable import Diagnosis

/// The districts' quantiles in two passes equal those of sorting each zone's values (the element round(q·(n − 1))),
/// over values spanning several powers of two of both signs, ties, a zone of one value and an empty zone.
@Suite struct ZonalQuantilesTests {
    @Test func twoPassesGiveTheSortedValuesRanks() {
        var generator = SystemRandomNumberGenerator()
        let zones = 5
        var values: [[Float]] = [
            (0..<20_000).map { _ in Float.random(in: 14...52, using: &generator) },
            (0..<5_000).map { _ in Float.random(in: -3...3, using: &generator) } + Array(repeating: 0, count: 700),
            (0..<3_000).map { _ in Float((Float.random(in: 20...40, using: &generator) * 4).rounded() / 4) },
            [27.5],
            []]
        values[0] += [.nan, .infinity]
        let qs = [0.1, 0.5, 0.9]
        var quantiles = ZonalQuantiles(zones: zones)
        for (z, vs) in values.enumerated() { for v in vs { quantiles.count(v, zone: z) } }
        let targets = quantiles.target(qs)
        for (z, vs) in values.enumerated() { for v in vs { quantiles.collect(v, zone: z) } }
        let found = quantiles.values(targets)
        for z in 0..<zones {
            let sorted = values[z].filter(\.isFinite).sorted()
            for (k, q) in qs.enumerated() {
                if sorted.isEmpty { #expect(found[z][k].isNaN); continue }
                let expected = Double(sorted[Int((q * Double(sorted.count - 1)).rounded())])
                #expect(found[z][k] == expected, "zone \(z), q \(q): \(found[z][k]) vs \(expected)")
            }
        }
    }
}
