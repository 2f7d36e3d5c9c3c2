import Foundation
import Testing
@testable import Grid

@Suite struct ShadowTests {
    /// A north–south wall of height H shades, under a sun from the west (azimuth 270°) at elevation β, a strip
    /// east of it of length (H − z)·cot β at observer height z.
    @Test(arguments: [20.0, 35.0, 60.0])
    func wallShadowLengthIsHCotBeta(elevation: Double) {
        let cell = 0.5, wallHeight = 12.0, observer = 0.0
        var heights = Plane(width: 200, height: 10)
        for r in 0..<10 { heights[20, r] = Float(wallHeight) }
        let shade = ShadowCaster.shadow(heights: heights, cellSize: cell, sunAzimuthDegrees: 270, sunElevationDegrees: elevation, observerMetres: observer)
        let expected = wallHeight / tan(elevation * .pi / 180)
        let shaded = (21..<200).filter { shade[$0, 5] == 1 }.count
        #expect(abs(Double(shaded) * cell - expected) <= cell, "β \(elevation)°: shadow \(Double(shaded) * cell) m, H·cot β = \(expected) m")
        #expect(shade[19, 5] == 0, "the sunny side is lit")
    }

    @Test func obliqueSunShadesAlongTheAzimuth() {
        // A single 10 m pillar, sun from the south-west (225°) at 45°: the shadow runs north-east, √2·7 m cells long.
        var heights = Plane(width: 60, height: 60)
        heights[20, 40] = 10
        let shade = ShadowCaster.shadow(heights: heights, cellSize: 1, sunAzimuthDegrees: 225, sunElevationDegrees: 45, observerMetres: 0)
        #expect(shade[25, 35] == 1 && shade[27, 33] == 1, "north-east of the pillar is shaded")
        #expect(shade[15, 45] == 0 && shade[25, 45] == 0 && shade[15, 35] == 0, "other directions are lit")
        #expect(shade[28, 32] == 0, "beyond 10·cot 45° = 10 m (diagonal cells 7.07 m each) the sun is back")
    }

    @Test func treeOpacityIsCarried() {
        var heights = Plane(width: 40, height: 5)
        heights[10, 2] = 8
        let opacity = Plane(width: 40, height: 5, value: 0.6)
        let shade = ShadowCaster.shadow(heights: heights, opacity: opacity, cellSize: 1, sunAzimuthDegrees: 270, sunElevationDegrees: 45, observerMetres: 0)
        #expect(abs(shade[12, 2] - 0.6) < 1e-6)
    }

    @Test func theSunPassesUnderACrownsEdge() {
        // A crown 10 m tall on a 2.5 m trunk over x = 10–20 m (cols 10–19, 1 m cells), sun from the west at 45°, a
        // point at 1.1 m: the ray rises 1 m per metre toward the sun, so it passes under the crown for points up to
        // 1.4 m inside it (2.5 − 1.1: col 10's centre at 0.5 m, not col 11's at 1.5 m), and clears its top for points
        // more than 8.9 m beyond it (10 − 1.1: col 28's centre at 8.5 m is shaded, col 29's at 9.5 m is not) — as
        // SOLWEIG's trunk zone does.
        var tops = Plane(width: 40, height: 3), bases = Plane(width: 40, height: 3)
        for c in 10..<20 { for r in 0..<3 { tops[c, r] = 10; bases[c, r] = 2.5 } }
        let shade = ShadowCaster.shadow(heights: tops, bases: bases, volumes: true, cellSize: 1, sunAzimuthDegrees: 270, sunElevationDegrees: 45, observerMetres: 1.1)
        #expect(shade[10, 1] == 0, "the sun-side edge of the crown is lit")
        #expect((11...28).allSatisfy { shade[$0, 1] == 1 }, "under the crown and its shadow beyond: \((11...28).map { shade[$0, 1] })")
        #expect(shade[29, 1] == 0 && shade[9, 1] == 0, "past the shadow, and on the sun side, the sun is back")
        // Without a trunk the crown is a solid column: its whole footprint (past the first cell) is shaded.
        let solid = ShadowCaster.shadow(heights: tops, cellSize: 1, sunAzimuthDegrees: 270, sunElevationDegrees: 45, observerMetres: 1.1)
        #expect(solid[11, 1] == 1)
    }

    @Test func crownsHideSkyOnlyInTheirOwnView() {
        // A row of 8 m crowns beside an open street: the sky view with crowns drops next to them, the buildings' own
        // stays 1 (no building); without crowns the two are the same.
        var crowns = Plane(width: 60, height: 60)
        for r in 0..<60 { crowns[30, r] = 8 }
        let open = Plane(width: 60, height: 60)
        let views = ShadowCaster.skyViewFactors(buildings: open, crowns: (crowns, Plane(width: 60, height: 60)), cellSize: 1, reachMetres: 40, observerMetres: 1.1)
        #expect(views.buildings[28, 30] == 1)
        #expect(views.withCrowns[28, 30] < 0.9 && views.withCrowns[10, 30] > views.withCrowns[28, 30], "near \(views.withCrowns[28, 30]), far \(views.withCrowns[10, 30])")
        let none = ShadowCaster.skyViewFactors(buildings: crowns, crowns: nil, cellSize: 1, reachMetres: 40, observerMetres: 1.1)
        #expect(none.buildings.values == none.withCrowns.values)
    }

    /// A hedge of crowns on trunks (top 12 m, base 6 m) 3 m east of a person on the ground, with the four cardinal
    /// directions: looking east the crowns hide the elevations between atan(6/3) and atan(12/3), not the sky under
    /// them; along the hedge and away from it the sky is open. SVF = 1 − (sin² 76.0° − sin² 63.4°)/4 = 0.965, where
    /// a crown down to the ground would leave 1 − sin² 76.0°/4 = 0.765. The bands only approximate it: 32 of them
    /// within 0.01.
    @Test func theSkyUnderACrownsEdgeStaysInView() {
        var tops = Plane(width: 40, height: 40), bases = Plane(width: 40, height: 40)
        for r in 0..<40 { tops[30, r] = 12; bases[30, r] = 6 }
        func view(bases: Plane) -> Double {
            Double(ShadowCaster.skyViewFactors(buildings: Plane(width: 40, height: 40), crowns: (tops, bases), cellSize: 1, directions: 4,
                                               reachMetres: 20, observerMetres: 0, crownBands: 32).withCrowns[27, 20])
        }
        func sin2(_ tangent: Double) -> Double { tangent * tangent / (1 + tangent * tangent) }
        let onTrunks = 1 - (sin2(12.0 / 3) - sin2(6.0 / 3)) / 4, solid = 1 - sin2(12.0 / 3) / 4
        #expect(abs(view(bases: bases) - onTrunks) < 0.01, "on trunks \(view(bases: bases)) vs \(onTrunks)")
        #expect(abs(view(bases: Plane(width: 40, height: 40)) - solid) < 0.01, "down to the ground \(view(bases: Plane(width: 40, height: 40))) vs \(solid)")
    }

    /// With crowns the rays stop early too (once no crown near the cell can hide a band still open above the buildings'
    /// horizon): the result must be, to the bit, every ray marched to its full reach, on a field of buildings and
    /// crowns on trunks.
    @Test func crownBandsStopEarlyExactly() {
        var state: UInt64 = 3
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let w = 120, h = 90
        let buildings = Plane(width: w, height: h) { c, r in c < 40 && next() % 100 < 8 ? Float(6 + next() % 30) : 0 }
        let tops = Plane(width: w, height: h) { c, r in buildings[c, r] == 0 && c > 25 && next() % 100 < 30 ? Float(4 + next() % 18) : 0 }
        let bases = Plane(width: w, height: h, values: tops.values.map { $0 * 0.25 })
        let cellSize = 2.0, reach = 60.0, z = 1.1, directions = 8, bands = 8
        let views = ShadowCaster.skyViewFactors(buildings: buildings, crowns: (tops, bases), cellSize: cellSize, directions: directions,
                                                reachMetres: reach, observerMetres: z, crownBands: bands)
        let width = Double.pi / 2 / Double(bands)
        func marched(_ col: Int, _ row: Int) -> Float {
            var sum = 0.0
            for k in 0..<directions {
                let a = 2 * Double.pi * Double(k) / Double(directions)
                var maxTangent = 0.0, hidden = [Bool](repeating: false, count: bands)
                for t in 1...Int(reach / cellSize) {
                    let c = col + Int((sin(a) * Double(t)).rounded()), r = row + Int((-cos(a) * Double(t)).rounded())
                    guard c >= 0, c < w, r >= 0, r < h else { break }
                    let inverse = 1 / (Double(t) * cellSize)
                    if Double(buildings[c, r]) - z > 0 { maxTangent = max(maxTangent, (Double(buildings[c, r]) - z) * inverse) }
                    let top = Double(tops[c, r]) - z
                    guard top > 0 else { continue }
                    for b in 0..<bands {
                        let m = tan((Double(b) + 0.5) * width)
                        if m <= top * inverse && m >= max(0, Double(bases[c, r]) - z) * inverse { hidden[b] = true }
                    }
                }
                let below = maxTangent * maxTangent / (1 + maxTangent * maxTangent)
                var all = below
                for b in 0..<bands where hidden[b] {
                    all += max(0, pow(sin(Double(b + 1) * width), 2) - max(pow(sin(Double(b) * width), 2), below))
                }
                sum += all
            }
            return Float(1 - sum / Double(directions))
        }
        var mismatches = 0, differs = 0
        for r in 0..<h { for c in 0..<w {
            if views.withCrowns[c, r] != marched(c, r) { mismatches += 1 }
            if views.withCrowns[c, r] < views.buildings[c, r] { differs += 1 }
        } }
        #expect(mismatches == 0)
        #expect(differs > w * h / 2, "the crowns hide sky in most cells (\(differs))")
    }

    @Test func skyViewFactorOfACanyon() {
        // Infinite canyon H/W = 1, observer at the centre on the ground: in the 8 azimuths the walls subtend
        // 63.4° (across, 4 directions… 2 exactly across) — open sky along the canyon. SVF(flat) = 1.
        let flat = ShadowCaster.skyViewFactor(heights: Plane(width: 30, height: 30), cellSize: 1)
        #expect(flat.values.allSatisfy { $0 == 1 })
        var canyon = Plane(width: 41, height: 41)
        for r in 0..<41 { canyon[10, r] = 20; canyon[30, r] = 20 }
        let svf = ShadowCaster.skyViewFactor(heights: canyon, cellSize: 1, reachMetres: 200, observerMetres: 0)
        // Across (E, W): tan γ = 20/10 → sin² = 0.8; diagonals: horizontal distance 10√2, tan = √2 → sin² = 2/3.
        let expected = 1 - (2 * 0.8 + 4 * (2.0 / 3.0)) / 8
        #expect(abs(Double(svf[20, 20]) - expected) < 0.03, "SVF \(svf[20, 20]) vs \(expected)")
    }

    /// The sky view stops a ray once no obstacle near the cell could raise its horizon, and skips open ground: it
    /// must equal, to the bit, every ray marched to its full reach (here written out plainly), on a field of
    /// scattered towers, low blocks and open ground, with and without `only`.
    @Test func earlyExitsGiveTheFullRayMarchToTheBit() {
        var state: UInt64 = 7
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let heights = Plane(width: 160, height: 120) { c, r in
            if c > 100 && r > 60 { return 0 } // open ground: a park
            let v = next() % 100
            return v < 2 ? Float(30 + next() % 40) : v < 15 ? Float(next() % 12) : 0
        }
        let cellSize = 2.0, reach = 60.0, observer = 1.1, directions = 8
        let steps = Int(reach / cellSize)
        func marched(_ col: Int, _ row: Int) -> Float {
            var sum = 0.0
            for k in 0..<directions {
                let a = 2 * Double.pi * Double(k) / Double(directions)
                var maxTangent = 0.0
                for t in 1...steps {
                    let c = col + Int((sin(a) * Double(t)).rounded()), r = row + Int((-cos(a) * Double(t)).rounded())
                    guard c >= 0, c < heights.width, r >= 0, r < heights.height else { break }
                    let rise = Double(heights[c, r]) - observer
                    if rise > 0 { maxTangent = max(maxTangent, rise * (1 / (Double(t) * cellSize))) }
                }
                sum += maxTangent * maxTangent / (1 + maxTangent * maxTangent)
            }
            return Float(1 - sum / Double(directions))
        }
        let svf = ShadowCaster.skyViewFactor(heights: heights, cellSize: cellSize, reachMetres: reach, observerMetres: observer)
        var mismatches = 0, open = 0
        for r in 0..<heights.height { for c in 0..<heights.width {
            if svf[c, r] != marched(c, r) { mismatches += 1 }
            if svf[c, r] == 1 { open += 1 }
        } }
        #expect(mismatches == 0)
        #expect(open > 500, "the park's inner cells see the whole sky (\(open))")
        let window = Window(x: 37, y: 21, width: 90, height: 80)
        let part = ShadowCaster.skyViewFactor(heights: heights, cellSize: cellSize, reachMetres: reach, observerMetres: observer, only: window)
        #expect((0..<window.height).allSatisfy { r in (0..<window.width).allSatisfy { c in part[c, r] == svf[window.x + c, window.y + r] } })
        // Skipped cells (buildings, which are no data) are NaN; the others are unchanged: they are still obstacles.
        let skip = heights.values.map { $0 >= 30 }
        let skipping = ShadowCaster.skyViewFactor(heights: heights, cellSize: cellSize, reachMetres: reach, observerMetres: observer, only: window, skipping: skip)
        var skipped = 0, kept = 0
        for r in 0..<window.height { for c in 0..<window.width {
            if skip[(window.y + r) * heights.width + window.x + c] { skipped += skipping[c, r].isNaN ? 1 : 0 }
            else if skipping[c, r] == svf[window.x + c, window.y + r] { kept += 1 }
        } }
        let marked = (0..<window.height).reduce(0) { n, r in n + (0..<window.width).filter { skip[(window.y + r) * heights.width + window.x + $0] }.count }
        #expect(marked > 20 && skipped == marked && kept == window.width * window.height - marked, "\(marked) marked, \(skipped) NaN, \(kept) equal")
    }

    /// The sky view passes over open ground by each cell's Chebyshev distance to the nearest obstacle: the two-pass
    /// chamfer must give, on scattered obstacles, the distance a search of every obstacle gives (capped at 255).
    @Test func chebyshevDistancesAreThoseOfABruteForceSearch() {
        var state: UInt64 = 11
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let w = 70, h = 50
        let obstacle = (0..<(w * h)).map { _ in next() % 100 < 2 }
        let d = ShadowCaster.chebyshevDistances(width: w, height: h) { obstacle[$0] }
        let obstacles = obstacle.indices.filter { obstacle[$0] }
        #expect(!obstacles.isEmpty)
        var mismatches = 0
        for i in 0..<(w * h) {
            let nearest = obstacles.map { max(abs($0 % w - i % w), abs($0 / w - i / w)) }.min()!
            if Int(d[i]) != min(nearest, 255) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(ShadowCaster.chebyshevDistances(width: 300, height: 2) { $0 == 0 }[299] == 255, "capped at 255")
    }
}

@Suite struct ShadowBlockIndependenceTests {
    @Test func aCellsShadowDoesNotDependOnTheBlockItIsComputedIn() {
        // Random obstacles; the shadow of an inner window computed alone (with its grid origin) equals the
        // same cells of the whole-grid shadow, for several sun positions.
        var state: UInt64 = 11
        let heights = Plane(width: 200, height: 150) { _, _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 60) < 2 ? Float((state >> 40) % 20) : 0
        }
        for (azimuth, elevation) in [(200.0, 55.0), (250.0, 35.0), (95.0, 40.0), (340.0, 30.0)] {
            let whole = ShadowCaster.shadow(heights: heights, cellSize: 1, sunAzimuthDegrees: azimuth, sunElevationDegrees: elevation)
            let window = Window(x: 41, y: 27, width: 110, height: 100)
            let part = ShadowCaster.shadow(heights: heights.cropped(to: window), cellSize: 1, sunAzimuthDegrees: azimuth,
                                           sunElevationDegrees: elevation, origin: (window.x, window.y))
            // Cells far enough inside the window that every blocker within reach (20 m / tan β) is in it.
            let margin = Int((20 / tan(elevation * .pi / 180)).rounded(.up)) + 1
            var differing = 0
            for r in margin..<(window.height - margin) { for c in margin..<(window.width - margin) where part[c, r] != whole[window.x + c, window.y + r] { differing += 1 } }
            #expect(differing == 0, "sun \(azimuth)°/\(elevation)°: \(differing) cells differ")
        }
    }

    /// A standing body's sides see a horizon's obstacles as a vertical surface does (each elevation e weighed by cos² e,
    /// so 1 − (2θ + sin 2θ)/π of their view is sky under a horizon at θ all around), the ground as a horizontal one
    /// (cos² θ): a round courtyard's wall, 16 m tall at 30 m, seen from 1.1 m at its centre.
    @Test func theSidesSeeALowHorizonAsALargerShareThanTheGround() {
        let n = 81, centre = 40, radius = 30.0, height: Float = 16
        let wall = Plane(width: n, height: n) { c, r in
            let d = hypot(Double(c - centre), Double(r - centre))
            return d >= radius && d < radius + 2 ? height : 0
        }
        let views = ShadowCaster.skyViewFactors(buildings: wall, crowns: nil, cellSize: 1, directions: 8, reachMetres: 40, observerMetres: 1.1)
        let theta = atan((Double(height) - 1.1) / radius)
        let ground = Double(views.buildings[centre, centre]), sides = Double(views.sidesBuildings[centre, centre])
        #expect(abs(ground - cos(theta) * cos(theta)) < 0.02, "ground \(ground) against \(cos(theta) * cos(theta))")
        #expect(abs(sides - (1 - (2 * theta + sin(2 * theta)) / .pi)) < 0.02, "sides \(sides) against \(1 - (2 * theta + sin(2 * theta)) / .pi)")
        #expect(sides < ground - 0.2, "the sides see the wall as a larger share than the ground: \(sides) against \(ground)")
        // An open field: all sky, for both.
        let open = ShadowCaster.skyViewFactors(buildings: Plane(width: n, height: n), crowns: nil, cellSize: 1)
        #expect(open.sidesBuildings[centre, centre] == 1 && open.sidesWithCrowns[centre, centre] == 1)
    }
}
