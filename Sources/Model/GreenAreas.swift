import Foundation
import Grid

/// The connected green areas of a coarse grid (8-connected cells green enough for a park, smaller areas included):
/// each cell's area, each area's cell count and bounds. A park field keeps them so a scenario finds the parks again
/// around its edits only (`ParkCooling.influence(updating:…)`), not over the whole city.
public struct GreenAreas: Sendable {
    public let width: Int, height: Int
    /// Each cell's area (0: not green).
    var labels: [Int32]
    /// Cells per area (index 0 unused; 0 for an area an update withdrew).
    var sizes: [Int]
    var bounds: [Window]

    init(width: Int, height: Int, labels: [Int32], sizes: [Int]) {
        self.width = width; self.height = height; self.labels = labels; self.sizes = sizes
        var x0 = [Int](repeating: .max, count: sizes.count), y0 = x0, x1 = [Int](repeating: -1, count: sizes.count), y1 = x1
        for row in 0..<height {
            for col in 0..<width {
                let l = Int(labels[row * width + col])
                guard l != 0 else { continue }
                x0[l] = min(x0[l], col); x1[l] = max(x1[l], col); y0[l] = min(y0[l], row); y1[l] = max(y1[l], row)
            }
        }
        bounds = sizes.indices.map { l in x1[l] < 0 ? Window(x: 0, y: 0, width: 0, height: 0) : Window(x: x0[l], y: y0[l], width: x1[l] - x0[l] + 1, height: y1[l] - y0[l] + 1) }
    }
}

extension ParkCooling {
    /// Influence below which a park's cooling counts as nothing when a field is updated locally: 1e-4 of the park
    /// cool-island intensity (about 1 °C) is well under the 0.001 °C the engine's results are compared at.
    public static let negligibleInfluence = 1e-4

    /// The parks found on a coarse grid from its vegetation and building fractions: the unit influence exp(−d/L),
    /// the number of parks, and the green areas they were found from.
    public func parks(vegetation: Plane, building: Plane, cellMetres: Double) -> (influence: Plane, parks: Int, areas: GreenAreas) {
        let (labels, sizes) = ConnectedComponents.label(width: vegetation.width, height: vegetation.height, connectivity: .eight) { i in
            isGreen(vegetation.values[i], building.values[i])
        }
        let areas = GreenAreas(width: vegetation.width, height: vegetation.height, labels: labels, sizes: sizes)
        let whole = Window(x: 0, y: 0, width: vegetation.width, height: vegetation.height)
        var influence = Plane(width: whole.width, height: whole.height)
        fill(&influence.values, areas: areas, window: whole, seen: whole, cellMetres: cellMetres)
        return (influence, sizes.indices.dropFirst().filter { isPark(areas, Int32($0), cellMetres: cellMetres) }.count, areas)
    }

    /// The parks after the coarse cells of `touched` changed (`vegetation` and `building` are the edited planes;
    /// `base`, `parks` and `areas` what was found before). The green areas touching the edits are withdrawn and
    /// found again by flood fill; the influence is recomputed within the reach of the parks that changed (their
    /// bounds grown by the distance at which the widest park's influence falls to `negligibleInfluence`). Beyond
    /// it a cell's nearest park is unchanged, or so far away that its influence is negligible before and after.
    /// `window`: the coarse cells recomputed, nil when no green area changed (the base's field is returned).
    public func influence(updating base: Plane, parks: Int, areas: GreenAreas, vegetation: Plane, building: Plane, touched: Window,
                          cellMetres: Double) -> (influence: Plane, parks: Int, areas: GreenAreas, window: Window?) {
        let width = areas.width, height = areas.height
        var areas = areas, parks = parks
        // An area that changes touches an edited cell or one next to it (8-connected): every other is the same.
        let ring = touched.expanded(by: 1, within: width, height)
        var withdrawn = Set<Int32>()
        for row in ring.y..<(ring.y + ring.height) {
            for col in ring.x..<(ring.x + ring.width) where areas.labels[row * width + col] != 0 { withdrawn.insert(areas.labels[row * width + col]) }
        }
        var changed = ring, anyChange = !withdrawn.isEmpty
        for label in withdrawn {
            if isPark(areas, label, cellMetres: cellMetres) { parks -= 1 }
            let b = areas.bounds[Int(label)]
            changed = changed.union(b)
            for row in b.y..<(b.y + b.height) {
                for col in b.x..<(b.x + b.width) where areas.labels[row * width + col] == label { areas.labels[row * width + col] = 0 }
            }
            areas.sizes[Int(label)] = 0
        }
        var stack: [Int] = []
        for row in ring.y..<(ring.y + ring.height) {
            for col in ring.x..<(ring.x + ring.width) {
                let start = row * width + col
                guard areas.labels[start] == 0, isGreen(vegetation.values[start], building.values[start]) else { continue }
                let label = Int32(areas.sizes.count)
                var size = 0, x0 = col, x1 = col, y0 = row, y1 = row
                areas.labels[start] = label
                stack.append(start)
                while let i = stack.popLast() {
                    size += 1
                    let r = i / width, c = i % width
                    x0 = min(x0, c); x1 = max(x1, c); y0 = min(y0, r); y1 = max(y1, r)
                    for nr in max(0, r - 1)...min(height - 1, r + 1) {
                        for nc in max(0, c - 1)...min(width - 1, c + 1) {
                            let n = nr * width + nc
                            if areas.labels[n] == 0, isGreen(vegetation.values[n], building.values[n]) { areas.labels[n] = label; stack.append(n) }
                        }
                    }
                }
                let b = Window(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
                areas.sizes.append(size); areas.bounds.append(b)
                changed = changed.union(b); anyChange = true
                if isPark(areas, label, cellMetres: cellMetres) { parks += 1 }
            }
        }
        guard anyChange else { return (base, parks, areas, nil) }
        let reach = Int((largeParkDecayMetres * log(1 / Self.negligibleInfluence) / cellMetres).rounded(.up))
        let window = changed.expanded(by: reach, within: width, height)
        var influence = base
        fill(&influence.values, areas: areas, window: window, seen: window.expanded(by: reach, within: width, height), cellMetres: cellMetres)
        return (influence, parks, areas, window)
    }

    private func isGreen(_ vegetation: Float, _ building: Float) -> Bool {
        Double(vegetation) >= minimumVegetation && Double(building) < maximumBuilding
    }

    private func isPark(_ areas: GreenAreas, _ label: Int32, cellMetres: Double) -> Bool {
        Double(areas.sizes[Int(label)]) * (cellMetres * cellMetres) >= minimumAreaSquareMetres
    }

    /// exp(−d/L) on the cells of `window`, d the distance to the nearest park cell within `seen` and L that park's
    /// decay length; 0 where no park lies within `seen`.
    private func fill(_ out: inout [Float], areas: GreenAreas, window: Window, seen: Window, cellMetres: Double) {
        let width = areas.width
        let decayCells = areas.sizes.indices.map { l in
            l > 0 && isPark(areas, Int32(l), cellMetres: cellMetres) ? decayMetres(area: Double(areas.sizes[l]) * (cellMetres * cellMetres)) / cellMetres : 0
        }
        var isFeature = [Bool](repeating: false, count: seen.cellCount)
        for row in 0..<seen.height {
            for col in 0..<seen.width { isFeature[row * seen.width + col] = decayCells[Int(areas.labels[(seen.y + row) * width + seen.x + col])] > 0 }
        }
        let (distance, nearest) = DistanceTransform.nearest(width: seen.width, height: seen.height) { isFeature[$0] }
        for row in window.y..<(window.y + window.height) {
            for col in window.x..<(window.x + window.width) {
                let j = (row - seen.y) * seen.width + col - seen.x, n = Int(nearest[j])
                guard n >= 0 else { out[row * width + col] = 0; continue }
                let label = Int(areas.labels[(seen.y + n / seen.width) * width + seen.x + n % seen.width])
                out[row * width + col] = Float(exp(-Double(distance[j]) / decayCells[label]))
            }
        }
    }
}
