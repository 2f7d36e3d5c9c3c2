import Testing
@testable import Grid

@Suite struct DistanceTransformTests {
    @Test func matchesBruteForceEuclideanDistance() {
        let w = 37, h = 23
        let features = Set([5 * w + 3, 20 * w + 30, 11 * w + 17, 0])
        let (distance, nearest) = DistanceTransform.nearest(width: w, height: h) { features.contains($0) }
        for i in 0..<(w * h) {
            let (c, r) = (i % w, i / w)
            let best = features.map { f -> Double in
                let dc = Double(c - f % w), dr = Double(r - f / w)
                return (dc * dc + dr * dr).squareRoot()
            }.min()!
            #expect(abs(Double(distance[i]) - best) < 1e-4)
            let f = Int(nearest[i])
            let dc = Double(c - f % w), dr = Double(r - f / w)
            #expect(abs((dc * dc + dr * dr).squareRoot() - best) < 1e-4, "nearest feature is one of the closest")
        }
    }
}

@Suite struct StripedDistanceTests {
    /// Strips of 8 rows over a 61 × 50 grid whose few features lie far from most strips (a cell's nearest feature is
    /// up to 40 rows away, five strips): each strip's distances equal the whole grid's transform, to the bit; and a
    /// grid without features is infinite everywhere.
    @Test func stripsGiveTheWholeGridsDistances() {
        let w = 61, h = 50
        let features: Set<Int> = [2 * w + 7, 3 * w + 50, 45 * w + 30, 46 * w + 31]
        var bits = BitGrid(width: w, height: h)
        for f in features { bits[f % w, f / w] = true }
        let whole = DistanceTransform.nearest(width: w, height: h) { features.contains($0) }.distance
        let striped = StripedDistance(features: bits, stripRows: 8)
        var joined: [Float] = []
        for s in 0..<((h + 7) / 8) { joined += striped.distances(strip: s) }
        #expect(joined == whole)
        #expect(joined[24 * w] > 20, "a cell in the middle strip is far from every feature: \(joined[24 * w])")
        let none = StripedDistance(features: BitGrid(width: w, height: h), stripRows: 8).distances(strip: 3)
        #expect(none.count == 8 * w && none.allSatisfy { $0 == .infinity })
    }
}

@Suite struct ConnectedComponentsTests {
    @Test func diagonalNeighboursJoinOnlyWithEightConnectivity() {
        // Two 2×2 squares touching at one corner.
        let w = 6, h = 6
        let cells = Set([0, 1, 6, 7, 14, 15, 20, 21])
        let eight = ConnectedComponents.label(width: w, height: h, connectivity: .eight) { cells.contains($0) }
        let four = ConnectedComponents.label(width: w, height: h, connectivity: .four) { cells.contains($0) }
        #expect(eight.sizes.count - 1 == 1 && eight.sizes[1] == 8)
        #expect(four.sizes.count - 1 == 2 && four.sizes[1] == 4 && four.sizes[2] == 4)
    }

    @Test func uShapeMergesIntoOneRegion() {
        // A U: two arms joined at the bottom only (union–find must merge labels met late).
        let w = 5, h = 4
        let cells = Set([0, 4, 5, 9, 10, 14, 15, 16, 17, 18, 19])
        let result = ConnectedComponents.label(width: w, height: h, connectivity: .four) { cells.contains($0) }
        #expect(result.sizes.count - 1 == 1 && result.sizes[1] == cells.count)
    }
}

@Suite struct GridSpecTests {
    @Test func cellsAndCentresAgree() {
        let g = GridSpec(crs: "EPSG:2154", minX: 1000, minY: 2000, maxX: 1010, maxY: 2006, cellSize: 2)
        #expect(g.width == 5 && g.height == 3)
        let centre = g.centre(col: 4, row: 2)
        #expect(centre.x == 1009 && centre.y == 2001)
        #expect(g.cell(x: 1009, y: 2001)! == (4, 2))
        #expect(g.cell(x: 1010.5, y: 2001) == nil)
    }
}

@Suite struct CoarseSamplingTests {
    /// The engine samples the 10 m park grid at every fine cell of a block with precomputed weights: it must give
    /// `bilinear`'s values to the bit (partitions and scenarios compare runs bit for bit), edges and clamping included.
    @Test func sampledAtFineCellsEqualsBilinearCellByCell() {
        let coarse = Plane(width: 13, height: 9) { (c: Int, r: Int) -> Float in Float(c * c % 7) * 0.37 - Float(r * 5 % 9) * 1.1 }
        for factor in [1, 5, 10] {
            for window in [Window(x: 0, y: 0, width: 13 * factor, height: 9 * factor), Window(x: 3, y: 7, width: 17, height: 11),
                           Window(x: 13 * factor - 4, y: 9 * factor - 3, width: 4, height: 3)] {
                let fast = coarse.sampledAtFineCells(window, factor: factor)
                let slow = Plane(width: window.width, height: window.height) { (c: Int, r: Int) -> Float in
                    let x = (Double(window.x + c) + 0.5) / Double(factor), y = (Double(window.y + r) + 0.5) / Double(factor)
                    return coarse.bilinear(x: x, y: y)
                }
                let same = fast.values.map { $0.bitPattern } == slow.values.map { $0.bitPattern }
                #expect(same, "factor \(factor), \(window)")
            }
        }
    }
}
