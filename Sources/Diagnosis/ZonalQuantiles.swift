/// Exact quantiles of each zone's values, in two passes and without holding them: a histogram of the values' top 16
/// bits per zone (in an order-keeping key), then the values of the bins holding the wanted ranks, sorted. Each
/// quantile q is the sorted values' element round(q·(n − 1)), as a sort of them all would give.
struct ZonalQuantiles {
    typealias Target = (rank: Int, bin: UInt32, below: Int)
    private let zones: Int
    private var bins: [Int], counts: [Int]
    /// Per zone, the bins holding wanted ranks and the values met in each.
    private var wanted: [[UInt32]], collected: [[[Float]]]

    init(zones: Int) {
        self.zones = zones
        bins = [Int](repeating: 0, count: zones << 16); counts = [Int](repeating: 0, count: zones)
        wanted = [[UInt32]](repeating: [], count: zones); collected = [[[Float]]](repeating: [], count: zones)
    }

    /// A float's bits as an unsigned key in the floats' order (negative values flipped whole, positive ones' sign set).
    @inline(__always)
    static func key(_ v: Float) -> UInt32 { v.sign == .minus ? ~v.bitPattern : v.bitPattern | 0x8000_0000 }

    /// First pass: each value of a zone.
    mutating func count(_ v: Float, zone: Int) {
        guard v.isFinite else { return }
        bins[zone << 16 + Int(Self.key(v) >> 16)] += 1; counts[zone] += 1
    }

    /// Between the passes: for each zone and q, the rank wanted, its bin and how many values lie in the bins below
    /// (nil for a zone without values); the bins are then collected by the second pass.
    mutating func target(_ qs: [Double]) -> [[Target?]] {
        (0..<zones).map { z in
            qs.map { q -> Target? in
                guard counts[z] > 0 else { return nil }
                let rank = min(counts[z] - 1, Int((q * Double(counts[z] - 1)).rounded()))
                var below = 0, bin = 0
                while below + bins[z << 16 + bin] <= rank { below += bins[z << 16 + bin]; bin += 1 }
                if !wanted[z].contains(UInt32(bin)) { wanted[z].append(UInt32(bin)); collected[z].append([]) }
                return (rank, UInt32(bin), below)
            }
        }
    }

    /// Second pass: each value of a zone again.
    mutating func collect(_ v: Float, zone: Int) {
        guard v.isFinite else { return }
        let bin = Self.key(v) >> 16
        for (k, b) in wanted[zone].enumerated() where b == bin { collected[zone][k].append(v) }
    }

    /// The quantiles of the targets, per zone (NaN for a zone without values).
    func values(_ targets: [[Target?]]) -> [[Double]] {
        targets.enumerated().map { z, wanted in
            wanted.map { t in
                guard let t, let k = self.wanted[z].firstIndex(of: t.bin) else { return .nan }
                return Double(collected[z][k].sorted()[t.rank - t.below])
            }
        }
    }
}
