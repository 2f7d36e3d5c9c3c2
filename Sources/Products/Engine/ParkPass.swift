import City
import Grid
import Model

/// The global park pass: vegetation and building fractions aggregated to the park grid (10 m), parks found and
/// their influence exp(−d/L) computed there once, then sampled bilinearly by every block.
public struct ParkField: Sendable {
    public let influence: Plane
    public let factor: Int
    public let parks: Int

    public init(city: City, settings: ParkCooling = ParkCooling()) throws {
        let grid = city.grid
        factor = max(1, Int((settings.coarseCellMetres / grid.cellSize).rounded()))
        let cw = (grid.width + factor - 1) / factor, ch = (grid.height + factor - 1) / factor
        var vegetation = Plane(width: cw, height: ch), building = Plane(width: cw, height: ch)
        var counts = [Float](repeating: 0, count: cw * ch)
        let stripRows = factor * max(1, 512 / factor)
        for y in stride(from: 0, to: grid.height, by: stripRows) {
            let window = Window(x: 0, y: y, width: grid.width, height: min(stripRows, grid.height - y))
            let layers = try city.layers(window)
            for r in 0..<window.height { for c in 0..<window.width {
                let i = r * window.width + c
                let j = ((y + r) / factor) * cw + c / factor
                vegetation.values[j] += min(1, layers.treeCanopy.values[i] + layers.shrub.values[i] + layers.grass.values[i])
                building.values[j] += layers.buildingFraction.values[i]
                counts[j] += 1
            } }
        }
        for j in 0..<counts.count where counts[j] > 0 { vegetation.values[j] /= counts[j]; building.values[j] /= counts[j] }
        let (plane, n) = settings.influence(vegetation: vegetation, building: building, cellMetres: grid.cellSize * Double(factor))
        influence = plane
        parks = n
    }

    /// The influence on a window of the analysis grid.
    public func sample(_ window: Window) -> Plane {
        Plane(width: window.width, height: window.height) { c, r in
            influence.bilinear(x: (Double(window.x + c) + 0.5) / Double(factor), y: (Double(window.y + r) + 0.5) / Double(factor))
        }
    }
}
