import City
import Foundation
import Grid
import Model

/// Builds the calibration sites: signatures from the QC'd sensors and neighbourhood predictors at each site,
/// with the exact truncated Gaussian (σ = r/2, cut at 2r, normalised in-grid) evaluated on a lattice of stride
/// ≈ σ/25 (exact to < 0.1 % for the smooth kernel) so a 500 m radius costs the same as a 50 m one.
enum SitePredictorBuilder {
    static let vegetationRadiusCandidates: [Double] = [50, 100, 200, 500]

    /// `surroundings` reads the layers on the grid of `city.surroundings` (sensors near or beyond the grid's edge see
    /// their whole neighbourhood where the inputs cover it).
    static func sites(city: City, parks: ParkField, surroundings: (Window) throws -> SurfaceLayers, hotDays: [Int], prior: ModelCoefficients) throws -> [CalibrationSite] {
        guard let network = city.network, let reference = city.reference, let qc = city.qc else { return [] }
        let usable = city.stations.filter { !(qc.sensors[$0.station.id]?.rejected ?? true) }
        // Every sensor rejected by QC: no site to calibrate on (the run keeps the documented defaults).
        guard !usable.isEmpty else { return [] }
        let years = Set(hotDays.map { Timestamp.civil(fromDays: $0).year }).sorted()
        let (signatures, byYear) = {
            var signatures: [Regime: [String: Signature]] = [:]
            var byYear: [Regime: [Int: [String: Signature]]] = [:]
            for regime in [Regime.day, .night] {
                signatures[regime] = Signatures.perSensor(network, reference: reference, clock: city.clock, hotDays: hotDays, regime: regime)
                for year in years {
                    byYear[regime, default: [:]][year] = Signatures.perSensor(network, reference: reference, clock: city.clock, hotDays: hotDays, regime: regime, year: year)
                }
            }
            return (signatures, byYear)
        }()
        let maxRadius = max(vegetationRadiusCandidates.max()!, prior.day.builtRadiusMetres, prior.day.waterRadiusMetres, prior.night.waterRadiusMetres)
        let reach = Int((2 * maxRadius / city.grid.cellSize).rounded(.up))
        // Each site's predictors read the layers within `reach` of its sensors. Sites are read in clusters of nearby
        // sites, each cluster one window of at most `maxWindowCells` (a small city: one window; a metropolis: many,
        // never the whole grid at once). A site's values do not depend on the cluster: its window holds all its cells.
        let grid = city.surroundings.grid, dx = city.surroundings.offsetX, dy = city.surroundings.offsetY
        let bySite = Dictionary(grouping: usable, by: \.station.site).sorted(by: { $0.key < $1.key })
        let siteWindows = bySite.map { _, members -> Window in
            let x0 = max(0, members.map(\.col).min()! + dx - reach), y0 = max(0, members.map(\.row).min()! + dy - reach)
            return Window(x: x0, y: y0, width: min(grid.width, members.map(\.col).max()! + dx + reach + 1) - x0,
                          height: min(grid.height, members.map(\.row).max()! + dy + reach + 1) - y0)
        }
        var clusters: [(window: Window, sites: [Int])] = []
        for s in siteWindows.indices.sorted(by: { (siteWindows[$0].y, siteWindows[$0].x) < (siteWindows[$1].y, siteWindows[$1].x) }) {
            if let last = clusters.last {
                let union = last.window.union(siteWindows[s])
                if union.width * union.height <= maxWindowCells { clusters[clusters.count - 1] = (union, last.sites + [s]); continue }
            }
            clusters.append((siteWindows[s], [s]))
        }
        // Each radius's kernel once for all sites; the sites of a cluster on every core (each its own, in any order:
        // a site's sums run in its kernel's order whatever the thread).
        let cell = city.grid.cellSize
        let radii = Set(vegetationRadiusCandidates + [prior.day.vegetationRadiusMetres, prior.night.vegetationRadiusMetres, prior.day.builtRadiusMetres,
                                                       prior.day.waterRadiusMetres])
        let kernels = Dictionary(uniqueKeysWithValues: radii.map { ($0, FocalKernel(radiusCells: $0 / cell)) })
        var built = [CalibrationSite?](repeating: nil, count: bySite.count)
        for cluster in clusters {
            let full = cluster.window
            let layers = try surroundings(full)
            let park = parks.sample(surroundingsWindow: full)
            let results = concurrentMap(cluster.sites.count) { k in
                let s = cluster.sites[k]
                return site(bySite[s].key, bySite[s].value, layers: layers, park: park, full: full)
            }
            for (k, s) in cluster.sites.enumerated() { built[s] = results[k] }
        }
        return built.map { $0! }

        @Sendable func site(_ siteID: String, _ members: [PlacedStation], layers: SurfaceLayers, park: Plane, full: Window) -> CalibrationSite {
            func siteSignature(_ table: [String: Signature]?) -> Signature? {
                let s = members.compactMap { table?[$0.station.id] }
                guard !s.isEmpty else { return nil }
                return Signature(deltaTemperature: Signatures.median(s.map(\.deltaTemperature)),
                                 deltaVapourPressure: Signatures.median(s.map(\.deltaVapourPressure).filter { !$0.isNaN }), days: s.map(\.days).min()!)
            }
            var signature: [Regime: Signature] = [:], perYear: [Regime: [Int: Signature]] = [:]
            for regime in [Regime.day, .night] {
                signature[regime] = siteSignature(signatures[regime])
                for year in years { perYear[regime, default: [:]][year] = siteSignature(byYear[regime]?[year]) }
            }
            // The built, water and park neighbourhoods do not depend on the vegetation radius: once per site.
            let n = Double(members.count)
            let cells = members.map { (c: $0.col + dx - full.x, r: $0.row + dy - full.y) }
            let built = prior.day.builtRadiusMetres, wat = prior.day.waterRadiusMetres
            let h0 = Float(prior.day.referenceHeightMetres)
            func siteMean(_ radiusMetres: Double, _ value: (SurfaceLayers, Int) -> Float) -> Double {
                cells.map { kernels[radiusMetres]!.mean(layers, $0.c, $0.r, value) }.reduce(0, +) / n
            }
            var common = SitePredictors()
            common.sealed = siteMean(built) { min(1, $0.impervious.values[$1] + $0.buildingFraction.values[$1]) }
            common.volume = siteMean(built) { $0.buildingFraction.values[$1] * $0.buildingHeight.values[$1] / h0 }
            common.water = siteMean(wat) { $0.water.values[$1] }
            common.park = cells.map { Double(park[$0.c, $0.r]) }.reduce(0, +) / n
            var predictors: [Double: SitePredictors] = [:]
            for radius in Set(vegetationRadiusCandidates + [prior.day.vegetationRadiusMetres, prior.night.vegetationRadiusMetres]) {
                let veg = radius
                var p = common
                p.canopy = siteMean(veg) { $0.treeCanopy.values[$1] }
                p.canopyStressed = siteMean(veg) { $0.treeCanopy.values[$1] * $0.canopyStress.values[$1] }
                p.shrub = siteMean(veg) { $0.shrub.values[$1] }
                p.shrubStressed = siteMean(veg) { $0.shrub.values[$1] * $0.shrubStress.values[$1] }
                p.grass = siteMean(veg) { $0.grass.values[$1] }
                p.grassStressed = siteMean(veg) { $0.grass.values[$1] * $0.grassStress.values[$1] }
                predictors[radius] = p
            }
            let centre = (members.map(\.x).reduce(0, +) / Double(members.count), members.map(\.y).reduce(0, +) / Double(members.count))
            return CalibrationSite(site: siteID, commune: members[0].station.commune, x: centre.0, y: centre.1,
                                   signature: signature, signatureByYear: perYear, predictors: predictors)
        }
    }

    /// Largest window read at once (≈ 4 M cells: 250 MB of layers).
    static let maxWindowCells = 4 * 1024 * 1024

}

/// The truncated Gaussian (σ = r/2, |d| ≤ 2r) on a lattice of stride ≈ σ/25: its offsets and weights, in the order
/// a mean adds them.
struct FocalKernel: Sendable {
    let offsets: [(dx: Int, dy: Int, weight: Double)]

    init(radiusCells: Double) {
        let sigma = radiusCells / 2, reach = Int(2 * radiusCells)
        let stride = max(1, Int(sigma / 25))
        var offsets: [(dx: Int, dy: Int, weight: Double)] = []
        for dy in Swift.stride(from: -reach, through: reach, by: stride) {
            for dx in Swift.stride(from: -reach, through: reach, by: stride) {
                let d2 = Double(dx * dx + dy * dy)
                guard d2 <= 4 * radiusCells * radiusCells else { continue }
                offsets.append((dx, dy, exp(-d2 / (2 * sigma * sigma))))
            }
        }
        self.offsets = offsets
    }

    /// The mean of `value` at cell (c, r) of the layers, normalised over the offsets inside them.
    func mean(_ layers: SurfaceLayers, _ c: Int, _ r: Int, _ value: (SurfaceLayers, Int) -> Float) -> Double {
        var sum = 0.0, weights = 0.0
        for o in offsets {
            let x = c + o.dx, y = r + o.dy
            guard x >= 0, y >= 0, x < layers.width, y < layers.height else { continue }
            sum += o.weight * Double(value(layers, y * layers.width + x)); weights += o.weight
        }
        return weights > 0 ? sum / weights : 0
    }
}
