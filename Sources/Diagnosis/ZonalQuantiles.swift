/// Exact quantiles of each zone's values, in two passes and without holding them: a histogram of the values' top 20
/// bits per zone (in an order-keeping key; 1/2048 of a power of two wide, 0.016 °C between 32 and 64 °C), then the
/// values of the bins holding the wanted ranks, sorted. Each quantile q is the sorted values' element
/// round(q·(n − 1)), as a sort of them all would give. A zone's histogram is kept in pages of 4096 bins, made when a
/// value first falls in them: maps span a few powers of two, so a zone holds a few pages (16 kB each) — 625
/// districts at 1 m hold 20 MB where one dense 16-bit histogram per zone held 330 MB and wider bins held more values.
struct ZonalQuantiles {
    typealias Target = (rank: Int, bin: UInt32, below: Int)
    static let keyBits = 20, pageBits = 12
    private static let pagesPerZone = 1 << (keyBits - pageBits), binsPerPage = 1 << pageBits
    private let zones: Int
    /// Per zone and page, the page's index in `pages` (−1: none yet).
    private var pageOf: [Int32]
    private var pages: [UInt32] = []
    private var counts: [Int]
    /// Per zone, the bins holding wanted ranks and the values met in each.
    private var wanted: [[UInt32]], collected: [[[Float]]]

    init(zones: Int) {
        self.zones = zones
        pageOf = [Int32](repeating: -1, count: zones * Self.pagesPerZone); counts = [Int](repeating: 0, count: zones)
        wanted = [[UInt32]](repeating: [], count: zones); collected = [[[Float]]](repeating: [], count: zones)
    }

    /// A float's bits as an unsigned key in the floats' order (negative values flipped whole, positive ones' sign set).
    @inline(__always)
    static func key(_ v: Float) -> UInt32 { v.sign == .minus ? ~v.bitPattern : v.bitPattern | 0x8000_0000 }

    /// First pass: each value of a zone.
    mutating func count(_ v: Float, zone: Int) {
        guard v.isFinite else { return }
        let bin = Int(Self.key(v) >> (32 - Self.keyBits)), slot = zone * Self.pagesPerZone + (bin >> Self.pageBits)
        if pageOf[slot] < 0 {
            pageOf[slot] = Int32(pages.count / Self.binsPerPage)
            pages.append(contentsOf: repeatElement(0, count: Self.binsPerPage))
        }
        pages[Int(pageOf[slot]) * Self.binsPerPage + (bin & (Self.binsPerPage - 1))] += 1; counts[zone] += 1
    }

    /// Values of zone `z` in `bin` (a key's top `keyBits` bits).
    private func binCount(_ z: Int, _ bin: Int) -> Int {
        let page = pageOf[z * Self.pagesPerZone + (bin >> Self.pageBits)]
        return page < 0 ? 0 : Int(pages[Int(page) * Self.binsPerPage + (bin & (Self.binsPerPage - 1))])
    }

    /// Between the passes: for each zone and q, the rank wanted, its bin and how many values lie in the bins below
    /// (nil for a zone without values); the bins are then collected by the second pass.
    mutating func target(_ qs: [Double]) -> [[Target?]] {
        (0..<zones).map { z in
            qs.map { q -> Target? in
                guard counts[z] > 0 else { return nil }
                let rank = min(counts[z] - 1, Int((q * Double(counts[z] - 1)).rounded()))
                var below = 0, bin = 0
                while below + binCount(z, bin) <= rank {
                    // A page never made holds nothing: skip it whole.
                    if bin & (Self.binsPerPage - 1) == 0, pageOf[z * Self.pagesPerZone + (bin >> Self.pageBits)] < 0 { bin += Self.binsPerPage; continue }
                    below += binCount(z, bin); bin += 1
                }
                if !wanted[z].contains(UInt32(bin)) { wanted[z].append(UInt32(bin)); collected[z].append([]) }
                return (rank, UInt32(bin), below)
            }
        }
    }

    /// Second pass: each value of a zone again.
    mutating func collect(_ v: Float, zone: Int) {
        guard v.isFinite else { return }
        let bin = Self.key(v) >> UInt32(32 - Self.keyBits)
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
