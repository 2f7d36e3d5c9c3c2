import Testing
@testable import Grid

@Suite struct FocalMeanTests {
    /// A land-cover-like fraction layer: a sharp step (a district edge), blocks of 0/1 cover a few cells wide
    /// (buildings, lawns) and per-cell noise, so kernel and edge errors show.
    func landCoverField(width: Int, height: Int) -> Plane {
        var state: UInt64 = 7
        return Plane(width: width, height: height) { c, r in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Float(state >> 40) / Float(1 << 24)
            let block: Float = ((c / 4 + r / 3) % 3 == 0) ? 0.5 : 0
            return (c > width / 2 ? 0.4 : 0) + block + 0.1 * noise
        }
    }

    @Test(arguments: [3.0, 8.0, 15.0])
    func matchesExactKernelWithinOnePercentOfRange(radius: Double) {
        let plane = landCoverField(width: 90, height: 70)
        let fast = FocalMean.gaussian(plane, radiusCells: radius)
        let exact = FocalMean.exactGaussian(plane, radiusCells: radius)
        let range = plane.range!.max - plane.range!.min
        var worst: Float = 0
        for i in 0..<plane.count { worst = max(worst, abs(fast.values[i] - exact.values[i])) }
        // docs/model.md: any O(1) approximation must match the exact kernel within 1 % of the layer's range.
        #expect(worst <= 0.01 * range, "max error \(worst) for range \(range) at radius \(radius)")
    }

    @Test func constantFieldStaysConstantUpToTheEdges() {
        // Normalising by the in-grid weights means edges are neither darker nor brighter.
        let plane = Plane(width: 40, height: 25, value: 3.5)
        let out = FocalMean.gaussian(plane, radiusCells: 12)
        for v in out.values { #expect(abs(v - 3.5) < 1e-5) }
    }

    @Test func noDataCellsCarryNoWeight() {
        var plane = Plane(width: 30, height: 30, value: 2)
        for c in 0..<15 { plane[c, 10] = .nan }
        let out = FocalMean.gaussian(plane, radiusCells: 5)
        #expect(out.values.allSatisfy { abs($0 - 2) < 1e-5 })
    }

    @Test func boxWidthsReproduceTheGaussianVariance() {
        for sigma in [1.5, 4.0, 25.0, 125.0] {
            let boxes = FocalMean.extendedBoxes(sigma: sigma, passes: FocalMean.passes)
            let variance = boxes.reduce(0.0) { $0 + $1.variance }
            #expect(abs(variance - sigma * sigma) / (sigma * sigma) < 1e-9, "σ \(sigma) → boxes \(boxes)")
        }
    }

    @Test func sharedNormalisationEqualsOnePlaneAtATime() {
        let a = landCoverField(width: 50, height: 40), b = a.mapped { 1 - $0 }
        let together = FocalMean.gaussian([a, b], radiusCells: 9)
        for (plane, shared) in zip([a, b], together) {
            let alone = FocalMean.gaussian(plane, radiusCells: 9)
            #expect(zip(alone.values, shared.values).allSatisfy { abs($0 - $1) < 1e-6 })
        }
    }

    @Test func isolatedPeakIsWithinTheDocumentedBoxFilterBound() {
        // Box composites have the right variance but a flatter top (excess kurtosis −1.2/n): an isolated
        // impulse's peak comes out ≈ (1 − 0.3/n)² of the Gaussian's (≈ 0.94 with n = 5). This bounds that worst case.
        var plane = Plane(width: 101, height: 101, value: 0)
        plane[50, 50] = 1
        let fast = FocalMean.gaussian(plane, radiusCells: 15)
        let exact = FocalMean.exactGaussian(plane, radiusCells: 15)
        let ratio = fast[50, 50] / exact[50, 50]
        #expect(ratio > 0.92 && ratio < 1.0, "peak ratio \(ratio)")
    }
}
