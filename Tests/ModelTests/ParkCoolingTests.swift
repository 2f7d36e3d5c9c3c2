import Grid
import Testing
@testable import Model

/// A scenario finds the parks again around its edits only (`ParkCooling.influence(updating:…)`). On a 12 km coarse
/// grid of 10 m cells, each kind of edit a designer makes — a green area grown into a park, two parks joined by a
/// green corridor (both decay lengths change, so the influence moves kilometres away), a park cut in two by a
/// building, an edit far from any green — gives the same influence and park count as finding the parks over the
/// whole grid, to the negligible influence the update is built on (1e-4), and recomputes a window, not the grid.
struct ParkCoolingTests {
    static let size = 1200, cell = 10.0

    /// Vegetation and building fractions: a 2 ha park, a 12 ha park 300 m east of it, a green area of 0.5 ha
    /// (not a park) far south, on bare ground.
    static func city() -> (vegetation: Plane, building: Plane) {
        var vegetation = Plane(width: size, height: size)
        let building = Plane(width: size, height: size)
        func fill(_ plane: inout Plane, _ w: Window, _ value: Float) {
            for row in w.y..<(w.y + w.height) { for col in w.x..<(w.x + w.width) { plane[col, row] = value } }
        }
        fill(&vegetation, Window(x: 300, y: 300, width: 10, height: 20), 0.9)   // 2 ha
        fill(&vegetation, Window(x: 340, y: 290, width: 30, height: 40), 0.8)   // 12 ha
        fill(&vegetation, Window(x: 500, y: 900, width: 5, height: 10), 0.9)    // 0.5 ha
        return (vegetation, building)
    }

    @Test(arguments: ["grown into a park", "two parks joined", "a park cut in two", "far from any green"])
    func anUpdateEqualsTheWholeGridsParks(edit: String) {
        let settings = ParkCooling()
        var (vegetation, building) = Self.city()
        let before = settings.parks(vegetation: vegetation, building: building, cellMetres: Self.cell)
        #expect(before.parks == 2)
        let touched: Window
        switch edit {
        case "grown into a park": touched = Window(x: 505, y: 900, width: 10, height: 10)  // 0.5 → 1.5 ha
        case "two parks joined": touched = Window(x: 310, y: 305, width: 30, height: 4)   // 2 + 12 ha → one of 15.2 ha
        case "a park cut in two": touched = Window(x: 354, y: 290, width: 2, height: 40)  // a building strip
        default: touched = Window(x: 1000, y: 100, width: 20, height: 20)
        }
        for row in touched.y..<(touched.y + touched.height) {
            for col in touched.x..<(touched.x + touched.width) {
                if edit == "a park cut in two" { building[col, row] = 0.5 } else if edit == "far from any green" { building[col, row] = 0.4 } else { vegetation[col, row] = 0.9 }
            }
        }
        let whole = settings.parks(vegetation: vegetation, building: building, cellMetres: Self.cell)
        let local = settings.influence(updating: before.influence, parks: before.parks, areas: before.areas, vegetation: vegetation, building: building,
                                       touched: touched, cellMetres: Self.cell)
        #expect(local.parks == whole.parks, "parks: \(local.parks) locally, \(whole.parks) over the whole grid")
        var worst: Float = 0, moved: Float = 0
        for i in whole.influence.values.indices {
            worst = max(worst, abs(local.influence.values[i] - whole.influence.values[i]))
            moved = max(moved, abs(whole.influence.values[i] - before.influence.values[i]))
        }
        #expect(Double(worst) <= ParkCooling.negligibleInfluence, "largest difference to the whole grid's \(worst)")
        switch edit {
        case "far from any green":
            #expect(moved == 0 && local.window == nil)
        case "grown into a park":
            #expect(whole.parks == 3 && moved > 0.5)
        case "two parks joined":
            #expect(whole.parks == 1 && moved > 0.1)
        default: // the halves' decay lengths shorten from 350 to 212 m: 0.42 → 0.24 at 300 m
            #expect(whole.parks == 3 && moved > 0.1)
        }
        if let window = local.window { #expect(window.cellCount < Self.size * Self.size / 2, "recomputed \(window)") }
    }
}
