import Engine
import Foundation
import GeoIO
import Grid
import Model
import Run

/// A tree's cooling service: what the day ICTU of the public space would gain without it, summed over that space
/// (°C·m²) — the engine's own counterfactual, made local so that every tree of a city can be scored.
///
/// Removing a crown of cover f (hydric stress s) changes two things in the model (docs/model.md, eq. 3–6):
/// - **air** — the neighbourhood means of canopy and stressed canopy, hence the air temperature by
///   +k_canopy·K∗(f(1−s)) and the vapour pressure by −γ·K∗(f(1−s)) at every cell within the kernel's reach (2 r2).
///   One crown is a small change, so the ICTU follows the engine's first-order response ∂UTCI/∂Ta and ∂UTCI/∂e
///   (from the UTCI table at each cell's mean day conditions, read from the run); the kernel being symmetric, the
///   sum over public cells Σ w·K∗Δ equals Σ Δ·K∗w (its adjoint) in the grid's interior, so K∗w is filtered once for
///   the whole city and each tree costs only its crown cells;
/// - **shade** — the sunlit fraction under and around the crown, recomputed exactly by the engine's shadow
///   caster and sunlit formula, with and without the crown, for each day hour, on a window of the crown plus its
///   longest shadow, each cell's loss weighed by what the sun gives it (body, its ground's light and warmth);
/// - **sky** — the sky its leaves hide from the cells under and around it (eq. 5's sky view with crowns);
///   both enter through ∂UTCI/∂Tmrt at the mean of the states with and without the crown (UTCI bends over the
///   tens of kelvin of Tmrt a crown's shade is).
/// A single tree does not change which areas count as parks (their cooling term is left as it is).
struct CoolingService {
    let grid: GridSpec
    let settings: MapSettings
    /// Open ground connected to the street network, one bit a cell.
    let isPublic: BitGrid
    let table: UTCITable
    /// The run's mean day air temperature (°C), vapour pressure (hPa) and mean radiant temperature (°C) per cell.
    let dayConditions: RasterDataset
    let conditionBands: [Int]
    /// How far the air kernel reaches, in cells.
    let kernelReach: Int

    /// The fields the service reads over a band of rows of the grid (the whole width): ∂UTCI/∂(Tmrt − Ta) at each
    /// cell's mean day conditions, its change per kelvin (the shade a crown gives is tens of kelvin of Tmrt, over
    /// which UTCI bends), and K∗w, the air response, °C·m² of public space per unit of unstressed crown cover.
    struct Fields {
        let rows: Range<Int>
        let width: Int
        let radiantPartial: [Float], radiantCurvature: [Float], airResponse: [Float]

        @inline(__always) func index(col: Int, row: Int) -> Int { (row - rows.lowerBound) * width + col }
    }

    /// `folder`: the run, whose intermediate stack holds the mean day conditions; the UTCI table spans their range
    /// over the whole grid (read in strips).
    init(settings: MapSettings, folder: RunFolder, isPublic: BitGrid) throws {
        grid = settings.grid
        self.settings = settings
        self.isPublic = isPublic
        dayConditions = try folder.open(.intermediate, options: ["NUM_THREADS=ALL_CPUS"])
        conditionBands = [RunFolder.Quantity.airTemperature, .vapourPressure, .meanRadiantTemperature].map { RunFolder.intermediate(.day, $0).number }
        let k = settings.coefficients.day, r = settings.coefficients.radiative
        kernelReach = FocalMean.reach(radiusCells: k.vegetationRadiusMetres / settings.grid.cellSize)
        let hours = settings.dayHours
        let wind = hours.map { min(max($0.wind * r.windReduction, UTCI.windRange.lowerBound), UTCI.windRange.upperBound) }.reduce(0, +) / Double(max(1, hours.count))
        var tMin = Float.infinity, tMax = -Float.infinity, eMin = Float.infinity, eMax = -Float.infinity
        for strip in Window(x: 0, y: 0, width: grid.width, height: grid.height).strips(rows: 256) {
            let planes = try RunFolder.readBands(dayConditions, window: strip, bands: Array(conditionBands.prefix(2)))
            for v in planes[0].values where v.isFinite { tMin = min(tMin, v); tMax = max(tMax, v) }
            for v in planes[1].values where v.isFinite { eMin = min(eMin, v); eMax = max(eMax, v) }
        }
        let t0 = Double(tMin.isFinite ? tMin : 20), e0 = Double(eMin.isFinite ? eMin : 10)
        let ta = t0...Double(max(tMax.isFinite ? tMax : 40, Float(t0) + 1))
        let pa = e0 / 10...Double(max(eMax.isFinite ? eMax : 20, Float(e0) + 1)) / 10
        table = UTCITable(wind: wind, airTemperature: (ta.lowerBound - 1)...(ta.upperBound + 1), vapourPressureKPa: max(0, pa.lowerBound - 0.1)...(pa.upperBound + 0.1))
    }

    /// The fields over `rows`: the conditions are read over them and the air kernel's reach around, where every
    /// cell their air response weighs lies.
    func fields(rows: Range<Int>) throws -> Fields {
        let k = settings.coefficients.day
        let top = max(0, rows.lowerBound - kernelReach), bottom = min(grid.height, rows.upperBound + kernelReach)
        let read = Window(x: 0, y: top, width: grid.width, height: bottom - top)
        let planes = try RunFolder.readBands(dayConditions, window: read, bands: conditionBands)
        let air = planes[0].values, vapour = planes[1].values, radiantTemperature = planes[2].values
        var weight = Plane(width: read.width, height: read.height), radiant = [Float](repeating: 0, count: read.cellCount), curvature = radiant
        let cellArea = Float(grid.cellArea)
        for o in 0..<read.cellCount where isPublic[o % read.width, top + o / read.width] && air[o].isFinite && vapour[o].isFinite && radiantTemperature[o].isFinite {
            let t = Double(air[o])
            let p = table.partials(ta: t, radiantDifference: Double(radiantTemperature[o]) - t, vapourPressureKPa: Double(vapour[o]) / 10)
            guard p.ta.isFinite, p.vapour.isFinite, p.radiant.isFinite else { continue }
            // Without the crown: air warmer by k_canopy·K∗Δ, vapour lower by γ·K∗Δ (p.vapour is per kPa).
            weight.values[o] = Float(p.ta * k.canopy - p.vapour / 10 * k.vapourGain) * cellArea
            radiant[o] = Float(p.radiant)
            let d = Double(radiantTemperature[o]) - t, e = Double(vapour[o]) / 10
            let above = table.partials(ta: t, radiantDifference: d + 2, vapourPressureKPa: e).radiant, below = table.partials(ta: t, radiantDifference: d - 2, vapourPressureKPa: e).radiant
            curvature[o] = above.isFinite && below.isFinite ? Float((above - below) / 4) : 0
        }
        let response = FocalMean.gaussian(weight, radiusCells: k.vegetationRadiusMetres / grid.cellSize)
        let kept = ((rows.lowerBound - top) * read.width)..<((rows.upperBound - top) * read.width)
        return Fields(rows: rows, width: grid.width, radiantPartial: Array(radiant[kept]), radiantCurvature: Array(curvature[kept]),
                      airResponse: Array(response.values[kept]))
    }

    /// Cells (col, row) of a crown: centres within its radius, or the cell holding the trunk for a crown smaller than a cell.
    func crown(x: Double, y: Double, diameter: Double) -> [(col: Int, row: Int)] {
        let radius = diameter / 2, cs = grid.cellSize
        let c0 = Int(((x - radius - grid.originX) / cs).rounded(.down)), c1 = Int(((x + radius - grid.originX) / cs).rounded(.up))
        let r0 = Int(((grid.originY - y - radius) / cs).rounded(.down)), r1 = Int(((grid.originY - y + radius) / cs).rounded(.up))
        var cells: [(Int, Int)] = []
        for r in max(0, r0)...min(grid.height - 1, max(0, r1)) { for c in max(0, c0)...min(grid.width - 1, max(0, c1)) {
            let (cx, cy) = grid.centre(col: c, row: r)
            if hypot(cx - x, cy - y) <= radius { cells.append((c, r)) }
        } }
        if cells.isEmpty, let cell = grid.cell(x: x, y: y) { cells = [cell] }
        return cells
    }

    /// Longest shadow of an obstacle `height` m tall (at least 3 m, as crowns are) over the day hours, m.
    func shadowReach(height: Double) -> Double {
        let lowest = settings.dayHours.map(\.sunElevationDegrees).filter { $0 > 0 }.min() ?? 30
        return max(height, 3) / tan(max(lowest, 10) * .pi / 180)
    }

    /// How far a crown `height` m tall changes the cells around it, m: its longest shadow, and the sky view's scan.
    func reach(height: Double) -> Double { max(shadowReach(height: height), settings.coefficients.radiative.skyViewReachMetres) }

    struct Result { var air: Double, shade: Double; var total: Double { air + shade } }

    /// The service of the crown on `cells`, with the layers of `window` (grid cells) around it, which must hold the
    /// crown and its reach on every side, and the fields over the window's rows.
    func service(crown cells: [(col: Int, row: Int)], layers: SurfaceLayers, window: Window, fields: Fields, treeHeight: Double) -> Result {
        var air = 0.0
        for (c, r) in cells {
            let i = (r - window.y) * window.width + c - window.x
            let f = Double(layers.treeCanopy.values[i]), s = Double(layers.canopyStress.values[i])
            if layers.buildingFraction.values[i] < 0.5 { air += f * (1 - s) * Double(fields.airResponse[fields.index(col: c, row: r)]) }
        }
        let rc = settings.coefficients.radiative
        let cols = cells.map(\.col), rows = cells.map(\.row)
        let bounds = Window(x: cols.min()!, y: rows.min()!, width: cols.max()! - cols.min()! + 1, height: rows.max()! - rows.min()! + 1)
        // The crown's reach: the sky view's scan (a body's sides see a crown low on the horizon from far, and those
        // far cells add up), which holds its longest shadow. Its layers, with and without the crown.
        let area = bounds.expanded(by: Int((reach(height: treeHeight) / grid.cellSize).rounded(.up)) + 1, within: grid.width, grid.height)
        let with = layers.cropped(to: Window(x: area.x - window.x, y: area.y - window.y, width: area.width, height: area.height))
        var without = with
        for (c, r) in cells { let i = (r - area.y) * area.width + c - area.x; without.treeCanopy.values[i] = 0; without.canopyHeight.values[i] = 0 }
        // Tmrt − Ta each cell of the reach gains without the crown, K (mean over the day's hours), from its shade and its sky.
        var gain = [Double](repeating: 0, count: area.cellCount)
        let hourShare = 1 / Double(max(1, settings.dayHours.count))
        let radiation = HourRadiation.hours(settings.dayHours, coefficients: rc)
        let day = zip(settings.dayHours, radiation).filter { $0.0.sunElevationDegrees > 0 }

        // Shade: the sunlit fraction with and without the crown, on the crown and its longest shadow.
        let shadowCells = Int((shadowReach(height: treeHeight) / grid.cellSize).rounded(.up)) + 1
        let local = bounds.expanded(by: shadowCells, within: grid.width, grid.height)
        let inSky = Window(x: local.x - area.x, y: local.y - area.y, width: local.width, height: local.height)
        let withLocal = with.cropped(to: inSky), withoutLocal = without.cropped(to: inSky)
        let anchor = grid.latticeIndex(col: local.x, row: local.y)
        // What a shadow takes at each cell of the window: the beam on the body, its ground's reflection and warming.
        let albedo = withLocal.albedo.values, heating = (0..<local.cellCount).map {
            ComfortField.groundHeating(sealed: Double(withLocal.impervious.values[$0]), water: Double(withLocal.water.values[$0]), radiative: rc)
        }
        for (hour, sky) in day {
            // A flux's share of Tmrt − Ta (the secant of eq. 5 on open ground), K per W/m².
            let perFlux = sky.radiantDifference(flux: sky.referenceFlux, airTemperature: hour.airTemperature).perFlux
            let building = ShadowCaster.shadow(heights: withLocal.buildingHeight, cellSize: grid.cellSize, sunAzimuthDegrees: hour.sunAzimuthDegrees,
                                               sunElevationDegrees: hour.sunElevationDegrees, observerMetres: rc.shadowHeightMetres, origin: anchor)
            let sunlitWith = sunlit(withLocal, building: building, hour: hour, origin: anchor)
            let sunlitWithout = sunlit(withoutLocal, building: building, hour: hour, origin: anchor)
            for o in 0..<local.cellCount {
                let col = local.x + o % local.width, row = local.y + o / local.width
                guard isPublic[col, row] else { continue }
                gain[(row - area.y) * area.width + col - area.x] += sky.sunGain(albedo: Double(albedo[o]), heating: heating[o]) * perFlux
                    * Double(sunlitWithout[o] - sunlitWith[o]) * hourShare
            }
        }
        // Sky: the crown hides part of the sky from the cells under and around it (its leaves at the air's
        // temperature in place of the sky's light and cold), with and without it. Only the cells under the crown and
        // those whose scan meets it change, and only in the directions that meet it: just those are scanned (the
        // others count as open sky in both, so the differences are exact; the crown's own cells are scanned whole).
        // The crowns around are thinned by their stress (the engine: the neighbourhood's); here, this crown's.
        let whole = Window(x: 0, y: 0, width: area.width, height: area.height)
        let treeStress = cells.map { Double(with.canopyStress.values[($0.row - area.y) * area.width + $0.col - area.x]) }.reduce(0, +) / Double(cells.count)
        let meeting = ShadowCaster.raysMeeting(cells.map { (col: $0.col - area.x, row: $0.row - area.y) }, width: area.width, height: area.height,
                                               cellSize: grid.cellSize, directions: rc.skyViewDirections, reachMetres: rc.skyViewReachMetres)
        func open(_ L: SurfaceLayers) -> [Double] {
            let view = ComfortField.skyView(layers: L, cellSize: grid.cellSize, core: whole, coefficients: rc, rays: meeting)
            return (0..<area.cellCount).map { i in
                // The body's view of the sky, as the engine weighs it.
                let svf = ComfortField.bodySky(svf: Double(view.buildings.values[i]), sides: Double(view.sidesBuildings.values[i]), radiative: rc)
                let leaves = (svf - ComfortField.bodySky(svf: Double(view.withCrowns.values[i]), sides: Double(view.sidesWithCrowns.values[i]), radiative: rc))
                    * (1 - rc.canopyTransmissivity)
                let stress = Double(L.canopyStress.values[i]), hides = Double(L.treeCanopy.values[i]) * (1 - rc.canopyTransmissivity)
                    * ComfortField.ownCrownSky(canopyHeight: Double(L.canopyHeight.values[i]), cellSize: grid.cellSize, radiative: rc)
                return (svf - leaves * (1 - rc.stressShadeLoss * treeStress)) * (1 - hides * (1 - rc.stressShadeLoss * stress))
            }
        }
        let openWith = open(with), openWithout = open(without)
        for (hour, sky) in zip(settings.dayHours, radiation) {
            let perFlux = sky.radiantDifference(flux: sky.referenceFlux, airTemperature: hour.airTemperature).perFlux
            for o in 0..<gain.count where !openWith[o].isNaN && !openWithout[o].isNaN {
                guard isPublic[area.x + o % area.width, area.y + o / area.width] else { continue }
                gain[o] += sky.sky * perFlux * (openWithout[o] - openWith[o]) * hourShare
            }
        }
        // UTCI's change: the partial at the mean of the two states (with the crown, and without) times the gain.
        var shade = 0.0
        for o in 0..<gain.count where gain[o] != 0 {
            let g = fields.index(col: area.x + o % area.width, row: area.y + o / area.width)
            shade += (Double(fields.radiantPartial[g]) + Double(fields.radiantCurvature[g]) * gain[o] / 2) * gain[o] * grid.cellArea
        }
        return Result(air: air, shade: shade)
    }

    /// The engine's sunlit fraction (ComfortField): buildings' shadow, the crowns around on their trunks, and the
    /// share of the cell its own crown's shadow covers.
    func sunlit(_ L: SurfaceLayers, building: Plane, hour: HourConditions, origin: (Int, Int)) -> [Float] {
        let r = settings.coefficients.radiative
        let crowns = ComfortField.crownObstacles(L, radiative: r)
        let crown = ShadowCaster.shadow(heights: crowns.heights, bases: crowns.bases, opacity: crowns.opacity, volumes: true, cellSize: grid.cellSize,
                                        sunAzimuthDegrees: hour.sunAzimuthDegrees, sunElevationDegrees: hour.sunElevationDegrees,
                                        observerMetres: r.shadowHeightMetres, origin: origin)
        return ComfortField.sunlitFractions(layers: L, buildingShadow: building.values, crownShadow: crown.values,
                                            sunElevationDegrees: hour.sunElevationDegrees, cellSize: grid.cellSize, radiative: r)
    }
}
