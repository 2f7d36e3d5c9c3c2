
/// Counts of temperatures in 0.01 °C bins from −50 to 150 °C: the run's median day ICTU, exact to the bin,
/// from one streamed pass — and the same median from partitions, whose histograms add up to the whole run's.
public struct CelsiusHistogram: Codable, Sendable, Equatable {
    static let bins = 20_000
    public private(set) var counts = [Int](repeating: 0, count: bins)
    public private(set) var total = 0

    public init() {}

    public mutating func add(_ values: [Float]) {
        for v in values where !v.isNaN {
            counts[max(0, min(Self.bins - 1, Int(((Double(v) + 50) * 100).rounded())))] += 1; total += 1
        }
    }

    public mutating func add(_ other: CelsiusHistogram) {
        for i in 0..<Self.bins { counts[i] += other.counts[i] }
        total += other.total
    }

    /// The lower median, in °C (NaN when empty).
    public var median: Double {
        guard total > 0 else { return .nan }
        var seen = 0
        for (i, n) in counts.enumerated() { seen += n; if seen * 2 >= total { return Double(i) / 100 - 50 } }
        return .nan
    }

    // Stored sparsely (bin, count) in partition.json: a few thousand bins are used, not twenty thousand.
    enum CodingKeys: String, CodingKey { case bins }
    public init(from decoder: Decoder) throws {
        let pairs = try decoder.container(keyedBy: CodingKeys.self).decode([[Int]].self, forKey: .bins)
        for pair in pairs {
            guard pair.count == 2, (0..<Self.bins).contains(pair[0]), pair[1] >= 0 else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "histogram bin \(pair) is not [bin 0–19999, count ≥ 0]"))
            }
            counts[pair[0]] += pair[1]; total += pair[1]
        }
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(counts.enumerated().filter { $0.element > 0 }.map { [$0.offset, $0.element] }, forKey: .bins)
    }
}
