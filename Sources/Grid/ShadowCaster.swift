import Foundation

/// Cast shadows on a height model for one sun position, by a line sweep: O(1) per cell.
///
/// A point at height z above cell p is shaded when some cell j toward the sun, at distance d_j, rises above the
/// sun ray: H_j − d_j·tan β > z. Along a line parallel to the sun's azimuth with positions s (metres),
/// d_j = s_p − s_j, so the test is max_j (H_j + s_j·tan β) > z + s_p·tan β: a running maximum as the sweep walks
/// away from the sun. Lines step one cell along the dominant axis, so every cell is visited once.
public enum ShadowCaster {
    /// Shadow (1 shaded, 0 sunlit) at height `observerMetres` above every cell, from obstacles of height `heights` (m).
    /// `opacity` (0–1, optional) is how much sun an obstacle stops (1 for a wall, (1 − τ)… for a crown): a cell takes
    /// the opacity of the obstacle that currently defines the horizon.
    /// `bases` (m, optional): obstacles that stand on a trunk, blocking only between their base and their top (crowns:
    /// the sun passes under a crown's edge). An obstacle j stops the ray from a point p farther from the sun when
    /// B_j + s_j·tan β ≤ z + s_p·tan β; as s_p only grows along the sweep, j joins the running maximum a fixed number of
    /// cells after itself, (B_j − z)/(tan β·step) (less ½ for volumes), so a ring of pending maxima keeps the sweep
    /// O(1) per cell.
    /// `origin` is the grid position of the plane's cell (0, 0): ray lines are anchored to the whole grid, so a
    /// cell gets the same shadow whatever block it is computed in.
    /// `volumes`: the obstacles fill their cells (crowns): the ray is stopped if it crosses one anywhere between its
    /// base and top, rising half a step on each side of the cell's centre — as SOLWEIG tests the ray between its
    /// steps against its canopy. Tested at the cells' centres alone, small crowns' shadows came out half a cell short.
    /// Without it obstacles are tested at their centres (buildings, as SOLWEIG's).
    public static func shadow(heights: Plane, bases: Plane? = nil, opacity: Plane? = nil, volumes: Bool = false, cellSize: Double, sunAzimuthDegrees: Double,
                              sunElevationDegrees: Double, observerMetres: Double = 1.1, origin: (col: Int, row: Int) = (0, 0)) -> Plane {
        let w = heights.width, h = heights.height
        var out = Plane(width: w, height: h)
        guard sunElevationDegrees > 0 else { return Plane(width: w, height: h, value: 1) }
        let az = sunAzimuthDegrees * .pi / 180
        // Direction toward the sun in (col, row): east = +col, north = −row.
        let towardSun = (dx: sin(az), dy: -cos(az))
        let rise = tan(sunElevationDegrees * .pi / 180)
        let xDominant = abs(towardSun.dx) >= abs(towardSun.dy)
        let along = xDominant ? w : h, across = xDominant ? h : w
        let major = xDominant ? towardSun.dx : towardSun.dy, minor = xDominant ? towardSun.dy : towardSun.dx
        let slope = minor / major                      // minor-axis cells per major-axis cell
        let stepMetres = cellSize * (1 + slope * slope).squareRoot()
        // Walk away from the sun: start on the sun side of the major axis.
        let start = major > 0 ? along - 1 : 0, step = major > 0 ? -1 : 1
        let majorOrigin = xDominant ? origin.col : origin.row, minorOrigin = xDominant ? origin.row : origin.col
        // Line b holds the cells whose global minor index is round(b + slope · global major index).
        let intercepts = [0, along - 1].flatMap { m in [0, across - 1].map { n in Double(n + minorOrigin) - slope * Double(m + majorOrigin) } }
        let firstLine = Int(intercepts.min()!.rounded(.down)) - 1, lastLine = Int(intercepts.max()!.rounded(.up)) + 1
        // A volume is crossed over one step, the ray rising `halfStep` on each side of the cell's centre: stopped by
        // its top up to half a step farther, by its base from half a step sooner.
        let halfStep = volumes ? rise * stepMetres / 2 : 0
        let halfStepDelay = volumes ? 0.5 : 0
        // Pending obstacles on trunks: slot k holds the highest top (and its opacity) joining the maximum at step k.
        let delayPerMetre = 1 / (rise * stepMetres)
        let ring = bases.map { b in max(0, Int(((Double(b.values.max() ?? 0) - observerMetres) * delayPerMetre - halfStepDelay).rounded(.up))) + 2 } ?? 1
        var pendingTop = [Double](repeating: -.infinity, count: ring), pendingOpacity = [Double](repeating: 1, count: ring)
        heights.values.withUnsafeBufferPointer { H in
            out.values.withUnsafeMutableBufferPointer { S in
                for line in firstLine...lastLine {
                    var best = -Double.infinity, bestOpacity = 1.0
                    if bases != nil { for k in 0..<ring { pendingTop[k] = -.infinity } }
                    for k in 0..<along {
                        if bases != nil {
                            let slot = k % ring
                            if pendingTop[slot] > best { best = pendingTop[slot]; bestOpacity = pendingOpacity[slot] }
                            pendingTop[slot] = -.infinity
                        }
                        let m = start + k * step
                        let n = Int((Double(line) + slope * Double(m + majorOrigin)).rounded()) - minorOrigin
                        guard n >= 0, n < across else { continue }
                        let i = xDominant ? n * w + m : m * w + n
                        let s = Double(k) * stepMetres
                        if best > observerMetres + s * rise { S[i] = Float(bestOpacity) }
                        let top = Double(H[i]) + s * rise + halfStep
                        let stops = opacity.map { Double($0.values[i]) } ?? 1
                        if let bases, H[i] > 0 {
                            let delay = max(1, Int(((Double(bases.values[i]) - observerMetres) * delayPerMetre - halfStepDelay).rounded(.up)))
                            let slot = (k + delay) % ring
                            if top > pendingTop[slot] { pendingTop[slot] = top; pendingOpacity[slot] = stops }
                        } else if top > best {
                            best = top
                            bestOpacity = stops
                        }
                    }
                }
            }
        }
        return out
    }

    /// Sky view factor at `observerMetres` above each cell, from horizon angles in `directions` azimuths
    /// sampled out to `reachMetres`: SVF = 1 − mean(sin² γ) (isotropic sky). O(directions · reach) per cell.
    /// With `only`, the result covers just that window of cells (obstacles are still read all around it); cells
    /// `skip` marks (same cells as `heights`) are not computed and are NaN.
    public static func skyViewFactor(heights: Plane, cellSize: Double, directions: Int = 8, reachMetres: Double = 60,
                                     observerMetres: Double = 1.1, only: Window? = nil, skipping skip: [Bool]? = nil) -> Plane {
        skyViewFactors(buildings: heights, crowns: nil, cellSize: cellSize, directions: directions, reachMetres: reachMetres,
                       observerMetres: observerMetres, only: only, skipping: skip).buildings
    }

    /// Per cell of a `width` × `height` plane, the directions of `skyViewFactors` (with these `directions` and
    /// `reachMetres`) whose ray visits one of `cells` (an obstacle's cells), as bits; every direction for the cells
    /// themselves. A cell with none cannot see its sky view change with the obstacle.
    public static func raysMeeting(_ cells: [(col: Int, row: Int)], width: Int, height: Int, cellSize: Double, directions: Int,
                                   reachMetres: Double) -> [UInt32] {
        precondition(directions <= 32, "directions are kept as bits of a UInt32")
        var rays = [UInt32](repeating: 0, count: width * height)
        let steps = max(1, Int(reachMetres / cellSize))
        let offsets = (0..<directions).map { k -> [(dc: Int, dr: Int)] in
            let a = 2 * Double.pi * Double(k) / Double(directions)
            let (dx, dy) = (sin(a), -cos(a))
            return (1...steps).map { t in (Int((dx * Double(t)).rounded()), Int((dy * Double(t)).rounded())) }
        }
        for cell in cells {
            if cell.col >= 0, cell.col < width, cell.row >= 0, cell.row < height { rays[cell.row * width + cell.col] = .max }
            for (k, ray) in offsets.enumerated() {
                for o in ray {
                    let c = cell.col - o.dc, r = cell.row - o.dr
                    if c >= 0, c < width, r >= 0, r < height { rays[r * width + c] |= 1 << UInt32(k) }
                }
            }
        }
        return rays
    }

    /// The sky view factor left by `buildings`, and the one left by buildings and `crowns` together, in one sweep; and
    /// the same two for a standing body's sides (the share of a vertical surface's view of the upper half-space that
    /// is sky, by direction: obstacles low on the horizon count more for them than for the ground).
    /// Buildings hide the sky below their horizon. Crowns stand on trunks (`crowns.bases`): one hides, in its
    /// direction, the elevations between its base and its top as seen from the cell, so the sky under a crown's edge
    /// stays in view. The crowns' part is kept per elevation band (`crownBands` equal bands from the horizon to the
    /// zenith, each hidden when its middle elevation meets a crown), as SOLWEIG tests its sky patches against its
    /// canopy; the buildings' horizon is exact. Without crowns the second view equals the first.
    /// `rays` (per cell of `heights`, as bits): only those directions are scanned, the others count as open sky, and a
    /// cell with none is NaN — for the difference two obstacle sets make (`raysMeeting`), exact at a fraction of the cost.
    public static func skyViewFactors(buildings heights: Plane, crowns: (tops: Plane, bases: Plane)?, cellSize: Double, directions: Int = 8,
                                      reachMetres: Double = 60, observerMetres: Double = 1.1, crownBands: Int = 8,
                                      only: Window? = nil, skipping skip: [Bool]? = nil, rays scannedRays: [UInt32]? = nil)
        -> (buildings: Plane, withCrowns: Plane, sidesBuildings: Plane, sidesWithCrowns: Plane) {
        precondition(crownBands >= 1 && crownBands <= 32, "the bands hidden are kept as bits of a UInt32")
        let w = heights.width, h = heights.height
        let area = only ?? Window(x: 0, y: 0, width: w, height: h)
        var out = Plane(width: area.width, height: area.height)
        var outCrowns = Plane(width: area.width, height: area.height)
        var outSides = Plane(width: area.width, height: area.height)
        var outSidesCrowns = Plane(width: area.width, height: area.height)
        let steps = max(1, Int(reachMetres / cellSize))
        // The cells each direction's ray visits, as offsets (and 1 / distance), computed once: the sweep itself is
        // then integer indexing, without bounds checks for cells whose whole reach is inside the plane.
        struct Sample { var dc: Int, dr: Int, offset: Int, inverseDistance: Double }
        let rays: [[Sample]] = (0..<directions).map { k in
            let a = 2 * Double.pi * Double(k) / Double(directions)
            let (dx, dy) = (sin(a), -cos(a))
            return (1...steps).map { t in
                let dc = Int((dx * Double(t)).rounded()), dr = Int((dy * Double(t)).rounded())
                return Sample(dc: dc, dr: dr, offset: dr * w + dc, inverseDistance: 1 / (Double(t) * cellSize))
            }
        }
        let reach = rays.flatMap { $0 }.map { max(abs($0.dc), abs($0.dr)) }.max() ?? 0
        // The rays as one flat array of plain values (an array of arrays would be retained per cell and ray).
        let flat = rays.flatMap { $0 }
        // The elevation bands: the tangent of each one's middle, and sin² of its edges (the share of a direction's sky
        // below an elevation γ is sin² γ).
        let bandWidth = Double.pi / 2 / Double(crownBands)
        let middleTangents = (0..<crownBands).map { tan((Double($0) + 0.5) * bandWidth) }
        let edgeSines = (0...crownBands).map { k in pow(sin(Double(k) * bandWidth), 2) }
        let upperTangents = (0..<crownBands).map { k in k == crownBands - 1 ? Double.infinity : tan(Double(k + 1) * bandWidth) }
        let edgeSides = (0...crownBands).map { k in sidesBelow(elevation: Double(k) * bandWidth) }
        let sidesTable = Self.sidesTable
        let crownTops = crowns?.tops.values ?? [Float](repeating: 0, count: w * h)
        let crownBases = crowns?.bases.values ?? [Float](repeating: 0, count: w * h)
        // Early exit, exact: past a sample, no obstacle can rise above the highest rise near the cell (`bound`)
        // seen from at least that distance, so once the ray's tangent reaches bound / distance it is final; a crown
        // can no longer hide a band whose middle tangent is above its bound / distance. The bounds are the tallest
        // building and the tallest crown within reach of the cell's 16² tile (from tile maxima): 0 in open ground,
        // where every ray is then skipped.
        let tile = 16, tilesX = (w + tile - 1) / tile, tilesY = (h + tile - 1) / tile
        let reachTiles = (reach + tile - 1) / tile
        func nearMaxima(_ values: [Float]) -> [Float] {
            var tileMax = [Float](repeating: -.infinity, count: tilesX * tilesY)
            for r in 0..<h { for c in 0..<w { tileMax[r / tile * tilesX + c / tile] = max(tileMax[r / tile * tilesX + c / tile], values[r * w + c]) } }
            var nearMax = [Float](repeating: -.infinity, count: tilesX * tilesY)
            for ty in 0..<tilesY { for tx in 0..<tilesX {
                var m = -Float.infinity
                for y in max(0, ty - reachTiles)...min(tilesY - 1, ty + reachTiles) { for x in max(0, tx - reachTiles)...min(tilesX - 1, tx + reachTiles) { m = max(m, tileMax[y * tilesX + x]) } }
                nearMax[ty * tilesX + tx] = m
            } }
            return nearMax
        }
        let nearMax = nearMaxima(heights.values), nearMaxCrown = crowns == nil ? [Float](repeating: 0, count: tilesX * tilesY) : nearMaxima(crownTops)
        // Skipping open ground, exactly: a ray's consecutive samples are at most one cell apart (Chebyshev), so from a
        // cell `free` cells from the nearest obstacle the next `free` − 1 samples see none and are passed over.
        let free = chebyshevDistances(width: w, height: h) { Double(heights.values[$0]) - observerMetres > 0 || Double(crownTops[$0]) - observerMetres > 0 }
        free.withUnsafeBufferPointer { F in
        flat.withUnsafeBufferPointer { R in
        heights.values.withUnsafeBufferPointer { H in
        crownTops.withUnsafeBufferPointer { T in
        crownBases.withUnsafeBufferPointer { B in
        middleTangents.withUnsafeBufferPointer { M in
        upperTangents.withUnsafeBufferPointer { U in
            out.values.withUnsafeMutableBufferPointer { S in
            outCrowns.values.withUnsafeMutableBufferPointer { SC in
            outSides.values.withUnsafeMutableBufferPointer { V in
            outSidesCrowns.values.withUnsafeMutableBufferPointer { VC in
                for row in area.y..<(area.y + area.height) {
                    for col in area.x..<(area.x + area.width) {
                        let here = row * w + col, o = (row - area.y) * area.width + col - area.x
                        let scanned = scannedRays?[here] ?? .max
                        if scanned == 0 || skip?[here] == true { S[o] = .nan; SC[o] = .nan; V[o] = .nan; VC[o] = .nan; continue }
                        let inside = col >= reach && col < w - reach && row >= reach && row < h - reach
                        let bound = Double(nearMax[row / tile * tilesX + col / tile]) - observerMetres
                        let boundCrown = Double(nearMaxCrown[row / tile * tilesX + col / tile]) - observerMetres
                        var sum = 0.0, sumCrowns = 0.0, sides = 0.0, sidesCrowns = 0.0
                        if bound > 0 || boundCrown > 0 {
                            for d in 0..<directions where scanned & (1 << UInt32(d)) != 0 {
                                var maxTangent = 0.0
                                // Crown bands hidden, and the lowest band that can still be: neither hidden nor wholly below
                                // the buildings' horizon (which only rises along the ray).
                                var hidden: UInt32 = 0, lowestOpen = 0
                                var t = d * steps
                                let end = (d + 1) * steps
                                while t < end {
                                    let sample = R[t]
                                    let crownsFinal = lowestOpen == crownBands || boundCrown * sample.inverseDistance < M[lowestOpen]
                                    if crownsFinal && maxTangent >= bound * sample.inverseDistance { break }
                                    if !inside {
                                        let c = col + sample.dc, r = row + sample.dr
                                        guard c >= 0, c < w, r >= 0, r < h else { break }
                                    }
                                    let j = here + sample.offset
                                    if F[j] > 0 { t += Int(F[j]); continue }
                                    t += 1
                                    let rise = Double(H[j]) - observerMetres
                                    if rise > 0 { maxTangent = max(maxTangent, rise * sample.inverseDistance) }
                                    let top = Double(T[j]) - observerMetres
                                    if top > 0 && !crownsFinal {
                                        let high = top * sample.inverseDistance, low = max(0, Double(B[j]) - observerMetres) * sample.inverseDistance
                                        var k = lowestOpen
                                        while k < crownBands && M[k] <= high {
                                            if M[k] >= low { hidden |= 1 << UInt32(k) }
                                            k += 1
                                        }
                                    }
                                    while lowestOpen < crownBands && (hidden & (1 << UInt32(lowestOpen)) != 0 || U[lowestOpen] <= maxTangent) { lowestOpen += 1 }
                                }
                                let below = maxTangent * maxTangent / (1 + maxTangent * maxTangent) // sin² of the buildings' horizon
                                sum += below
                                sumCrowns += Self.hiddenWithBands(below: below, edges: edgeSines, hidden: hidden, bands: crownBands)
                                // The same for a standing body's sides, which weigh an elevation e by cos² e.
                                let sideBelow = Self.sidesBelow(sineSquared: below, table: sidesTable)
                                sides += sideBelow
                                sidesCrowns += Self.hiddenWithBands(below: sideBelow, edges: edgeSides, hidden: hidden, bands: crownBands)
                            }
                        }
                        S[o] = Float(1 - sum / Double(directions))
                        SC[o] = Float(1 - sumCrowns / Double(directions))
                        V[o] = Float(1 - sides / Double(directions))
                        VC[o] = Float(1 - sidesCrowns / Double(directions))
                    }
                }
            }
            }
            }
            }
        }
        }
        }
        }
        }
        }
        }
        return (out, outCrowns, outSides, outSidesCrowns)
    }

    /// The share of a vertical surface's view of the upper half-space, in one direction, below elevation `elevation`
    /// (radians): it weighs an elevation e by cos² e (a horizontal surface, by sin e·cos e), so (2e + sin 2e)/π.
    static func sidesBelow(elevation e: Double) -> Double { (2 * e + sin(2 * e)) / .pi }

    /// `sidesBelow` against s = sin e in 512 equal steps: smooth in s (its slope is 4·cos e/π), so linear
    /// interpolation is exact to 1e-5.
    static let sidesTable: [Double] = (0...512).map { k in sidesBelow(elevation: asin(Double(k) / 512)) }

    /// The share of a direction's view hidden by the buildings (`below`) and the crowns' `hidden` bands above them,
    /// with `edges` each band's lower and upper edge in the same measure of the view.
    @inline(__always)
    static func hiddenWithBands(below: Double, edges: [Double], hidden: UInt32, bands: Int) -> Double {
        var all = below
        if hidden != 0 { for k in 0..<bands where hidden & (1 << UInt32(k)) != 0 { all += max(0, edges[k + 1] - max(edges[k], below)) } }
        return all
    }

    /// `sidesBelow` of the elevation whose sin² is `sineSquared`.
    @inline(__always)
    static func sidesBelow(sineSquared: Double, table: [Double]) -> Double {
        let x = min(1, max(0, sineSquared)).squareRoot() * 512
        let k = min(Int(x), 511), f = x - Double(k)
        return table[k] + (table[k + 1] - table[k]) * f
    }

    /// Each cell's Chebyshev distance to the nearest cell where `isObstacle` holds (0 on it), at most 255; cells off
    /// the plane count as open. Two passes of the 3 × 3 chamfer, exact for this metric.
    static func chebyshevDistances(width w: Int, height h: Int, isObstacle: (Int) -> Bool) -> [UInt8] {
        var d = [UInt8](repeating: 255, count: w * h)
        func beyond(_ v: UInt8) -> UInt8 { v < 255 ? v + 1 : 255 }
        for r in 0..<h { for c in 0..<w {
            let i = r * w + c
            if isObstacle(i) { d[i] = 0; continue }
            var m = d[i]
            if c > 0 { m = min(m, beyond(d[i - 1])) }
            if r > 0 { for k in max(0, c - 1)...min(w - 1, c + 1) { m = min(m, beyond(d[i - w - c + k])) } }
            d[i] = m
        } }
        for r in stride(from: h - 1, through: 0, by: -1) { for c in stride(from: w - 1, through: 0, by: -1) {
            let i = r * w + c
            guard d[i] > 0 else { continue }
            var m = d[i]
            if c < w - 1 { m = min(m, beyond(d[i + 1])) }
            if r < h - 1 { for k in max(0, c - 1)...min(w - 1, c + 1) { m = min(m, beyond(d[i + w - c + k])) } }
            d[i] = m
        } }
        return d
    }
}
