import Foundation
import Testing
@testable import Tiles

/// A tile's pixels sampled from a level window: the fast path (positions stepped in fixed point) gives the
/// definition's values — bilinear over the valid cells among the four around a pixel, no data where the nearest cell
/// has none — at the pixels' exact positions.
@Suite struct TileSamplingTests {
    /// The definition at level position (x, y) (cell centres at integers), on a window that is the whole level.
    static func defined(_ v: [Float], width: Int, height: Int, x: Double, y: Double) -> Float {
        let cx = Int(x.rounded(.down)), cy = Int(y.rounded(.down))
        let fx = Float(x - Double(cx)), fy = Float(y - Double(cy))
        let nx = min(width - 1, max(0, Int((x + 0.5).rounded(.down)))), ny = min(height - 1, max(0, Int((y + 0.5).rounded(.down))))
        guard !v[ny * width + nx].isNaN else { return .nan }
        var sum: Float = 0, weight: Float = 0
        for (dx, dy, w) in [(0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)] {
            let ax = cx + dx, ay = cy + dy
            guard w > 0, ax >= 0, ay >= 0, ax < width, ay < height, !v[ay * width + ax].isNaN else { continue }
            sum += w * v[ay * width + ax]; weight += w
        }
        return weight > 0 ? sum / weight : v[ny * width + nx]
    }

    @Test func theFastPathGivesTheDefinitionsValues() {
        let width = 300, height = 280
        var state: UInt64 = 7
        func random() -> Double { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Double(state >> 11) / Double(1 << 53) }
        // A smooth field with rectangular holes (buildings), one in eight cells or so.
        var values = (0..<(width * height)).map { i in Float(30 + 4 * sin(Double(i % width) / 17) + 3 * cos(Double(i / width) / 11)) }
        for _ in 0..<300 {
            let x = Int(random() * Double(width - 8)), y = Int(random() * Double(height - 8)), w = 2 + Int(random() * 6), h = 2 + Int(random() * 6)
            for r in y..<(y + h) { for c in x..<(x + w) { values[r * width + c] = .nan } }
        }
        let window = LevelWindow(values: values, x0: 0, y0: 0, width: width, height: height, levelWidth: width, levelHeight: height, scaleX: 1, scaleY: 1)
        // A lattice of a rotated, slightly curved mapping (as a projection's is), reaching past the level's edges.
        let size = 256, step = 16, lattice = size / step + 1
        var cols: [Double] = [], rows: [Double] = []
        for j in 0..<lattice { for i in 0..<lattice {
            let u = Double(i * step) + 0.5, w = Double(j * step) + 0.5
            cols.append(-3 + 1.13 * u + 0.07 * w + 1e-4 * u * w); rows.append(2 + 1.09 * w - 0.05 * u + 2e-5 * u * u)
        } }
        let pixels = TilePixels(size: size, step: step, cols: cols, rows: rows, footprint: 1.1)
        let sampled = window.sample(pixels, gridWidth: width, gridHeight: height)
        var compared = 0, holes = 0, worst: Float = 0
        pixels.forEachRun { first, col0, row0, dCol, dRow in
            for s in 0..<step {
                let col = col0 + Double(s) * dCol, row = row0 + Double(s) * dRow
                guard col >= 0, row >= 0, col < Double(width), row < Double(height) else { continue }
                let x = col - 0.5, y = row - 0.5
                // Positions within 2⁻¹² of a cell's edge or of half-way (where the nearest cell changes) may fall either side.
                let near = [x, y].contains { p in let f = p - p.rounded(.down); return min(f, 1 - f) < 3e-4 || abs(f - 0.5) < 3e-4 }
                guard !near else { continue }
                let expected = Self.defined(values, width: width, height: height, x: x, y: y), got = sampled[first + s]
                #expect(expected.isNaN == got.isNaN, "pixel \(first + s) at (\(x), \(y)): \(got) for \(expected)")
                if expected.isNaN { holes += 1 } else { worst = max(worst, abs(expected - got)); compared += 1 }
            }
        }
        // 2⁻¹² of a cell on a field changing at most 0.3 °C a cell: under 1e-4 °C, plus float rounding.
        #expect(worst < 2e-4, "largest difference \(worst) °C")
        #expect(compared > 40_000 && holes > 2_000, "compared \(compared) values and \(holes) holes")
    }
}
