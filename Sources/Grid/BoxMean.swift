/// Mean over a (2·half + 1)² square around each cell, by a summed-area table: O(1) per cell. At the plane's
/// edges the mean is over the cells that exist (no padding bias).
public enum BoxMean {
    public static func mean(_ plane: Plane, halfWidthCells half: Int) -> Plane {
        let w = plane.width, h = plane.height
        guard half > 0 else { return plane }
        // sums[(r + 1) * (w + 1) + c + 1] = Σ values over rows ≤ r, columns ≤ c.
        var sums = [Double](repeating: 0, count: (w + 1) * (h + 1))
        for r in 0..<h {
            var row = 0.0
            for c in 0..<w {
                row += Double(plane.values[r * w + c])
                sums[(r + 1) * (w + 1) + c + 1] = sums[r * (w + 1) + c + 1] + row
            }
        }
        return Plane(width: w, height: h) { c, r in
            let c0 = max(0, c - half), c1 = min(w, c + half + 1), r0 = max(0, r - half), r1 = min(h, r + half + 1)
            let total = sums[r1 * (w + 1) + c1] - sums[r0 * (w + 1) + c1] - sums[r1 * (w + 1) + c0] + sums[r0 * (w + 1) + c0]
            return Float(total / Double((c1 - c0) * (r1 - r0)))
        }
    }
}
