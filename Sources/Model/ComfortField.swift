import Foundation
import Grid

/// The ICTU (UTCI-equivalent felt temperature) of a window of hours over a block of cells, with every
/// intermediate field and its decomposition into terms (docs/model.md eq. 1–6).
public struct WindowField: Sendable {
    /// Mean UTCI over the hours, °C (NaN on buildings and where UTCI is not defined).
    public var ictu: Plane
    /// Contribution of each term, °C (means over the hours); they sum to `ictu`.
    public var terms: [ComfortTerm: Plane]
    public var airTemperature: Plane
    public var airAnomaly: Plane
    public var vapourPressure: Plane
    public var meanRadiantTemperature: Plane
    public var sunlitFraction: Plane
    /// Cells × hours where UTCI was outside its validity (left out of the mean, counted), buildings left out.
    public var invalidCellHours: Int
}

public enum Regime: String, CaseIterable, Codable, Sendable { case day, night }

public enum ComfortField {
    /// Computes the window for the `core` cells of `layers` (the layers include the halo the neighbourhoods and
    /// shadows need; neighbourhoods and shadows use it, the per-cell work and the outputs cover the core only).
    /// `parkInfluence` is exp(−d/L) on the same cells as `layers`. Without `core`, the whole of `layers`.
    /// `airResidual` (°C, same cells, read on the core only): the interpolated calibration residual added to the
    /// air-temperature anomaly, reported in the `residual` term. `neighbourhoods`: means given for the window's
    /// cells (the others are filtered here, which needs a halo of twice their radius). `skyView`: the core's sky view
    /// factor when the caller has it (a block computes it once for its day and night), else computed here.
    public static func window(layers: SurfaceLayers, parkInfluence: Plane, cellSize: Double, hours: [HourConditions],
                              regime: Regime, coefficients: ModelCoefficients, core: Window? = nil, origin: (col: Int, row: Int) = (0, 0),
                              airResidual: Plane? = nil, neighbourhoods: NeighbourhoodMeans? = nil, skyView: SkyView? = nil) -> WindowField {
        let core = core ?? Window(x: 0, y: 0, width: layers.width, height: layers.height)
        let k = regime == .day ? coefficients.day : coefficients.night
        let r = coefficients.radiative
        let w = layers.width, h = layers.height, n = w * h
        // Neighbourhood means: those given (sampled from the run's coarse grid), the others filtered here, grouped by
        // radius so each group shares one normalisation pass.
        let L = layers
        let given = neighbourhoods ?? NeighbourhoodMeans()
        var neighbourhood = [[Float]](repeating: [], count: NeighbourhoodMeans.inputCount)
        var byRadius: [Double: [Int]] = [:]
        for input in 0..<NeighbourhoodMeans.inputCount {
            if let plane = given[input] { neighbourhood[input] = plane.values } else { byRadius[NeighbourhoodMeans.radiusMetres(input, k), default: []].append(input) }
        }
        for (radius, inputs) in byRadius.sorted(by: { $0.key < $1.key }) {
            let planes = inputs.map { input in Plane(width: w, height: h, values: (0..<n).map { NeighbourhoodMeans.input(input, L, $0) }) }
            for (input, plane) in zip(inputs, FocalMean.gaussian(planes, radiusCells: radius / cellSize)) { neighbourhood[input] = plane.values }
        }
        let sealed = neighbourhood[0], volumeMetres = neighbourhood[1]
        let canopy = neighbourhood[2], canopyStressed = neighbourhood[3], shrub = neighbourhood[4], shrubStressed = neighbourhood[5]
        let grass = neighbourhood[6], grassStressed = neighbourhood[7], water = neighbourhood[8]

        // Obstacles: buildings (opaque) and crowns (opacity from cover, transmissivity and stress).
        let buildings = L.buildingHeight
        let crowns = crownObstacles(L, radiative: r)
        // Cells under buildings are no data: neither their sky view nor their hours are computed.
        let unmapped = L.buildingFraction.values.map { $0 >= 0.5 }
        let skyView = skyView ?? Self.skyView(layers: L, cellSize: cellSize, core: core, coefficients: r)
        let openByBuildings = skyView.buildings.values, openByAll = skyView.withCrowns.values
        let sidesByBuildings = skyView.sidesBuildings.values, sidesByAll = skyView.sidesWithCrowns.values

        // Each hour's setting: its radiation, its UTCI table and the shadows over the whole window. The per-cell
        // loop reads them for every cell and hour, so they hold no references: the settings are plain values, the
        // shadows one flat array (hour-major), the tables unretained (kept alive by `tables`). Iterating structs
        // holding arrays and a class retained and released three references per cell and hour: 9 % of the blocks.
        struct HourSetting {
            var airTemperature: Double, vapourPressure: Double
            var radiation: HourRadiation
            var referenceUTCI: Double
            /// UTCI's partial per W/m² absorbed at the reference site: each radiation term is weighted by the mean of
            /// this and the cell's (the trapezoid between the two states: the radiation terms are tens of kelvin, and
            /// UTCI bends over such a range). The air and vapour terms, a few degrees and hectopascals, take the
            /// cell's own partials (what a small change of the air there does, as a scenario's air shift uses).
            var referenceRadiant: Double
            var shadowOffset: Int // into the flat shadows; -1 when the sun is down or at night
            /// Metres of crown base above the pedestrian per cell of horizontal offset of the own crown's shadow.
            var baseToOffset: Double
        }
        var tables: [UTCITable] = [], settings: [HourSetting] = []
        var buildingShadows: [Float] = [], crownShadows: [Float] = [], groundSunlit: [Float] = []
        let groundView = Int((r.groundViewRadiusMetres / cellSize).rounded())
        let radiation = HourRadiation.hours(hours, coefficients: r)
        for (hour, sky) in zip(hours, radiation) {
            let wind = min(max(hour.wind * r.windReduction, UTCI.windRange.lowerBound), UTCI.windRange.upperBound)
            let table = UTCITable.shared(wind: wind, airTemperature: (hour.airTemperature - 12)...(hour.airTemperature + 12),
                                         vapourPressureKPa: max(0, hour.vapourPressure / 10 - 1)...(hour.vapourPressure / 10 + 1))
            var shadowOffset = -1
            if hour.sunElevationDegrees > 0 && sky.groundBeam > 0 {
                func shadow(_ heights: Plane, _ bases: Plane?, _ opacity: Plane?) -> [Float] {
                    ShadowCaster.shadow(heights: heights, bases: bases, opacity: opacity, volumes: bases != nil, cellSize: cellSize, sunAzimuthDegrees: hour.sunAzimuthDegrees,
                                        sunElevationDegrees: hour.sunElevationDegrees, observerMetres: r.shadowHeightMetres, origin: origin).values
                }
                shadowOffset = buildingShadows.count
                let building = shadow(buildings, nil, nil), crown = shadow(crowns.heights, crowns.bases, crowns.opacity)
                buildingShadows.append(contentsOf: building)
                crownShadows.append(contentsOf: crown)
                if groundView > 0 {
                    groundSunlit.append(contentsOf: Self.groundSunlit(layers: L, buildingShadow: building, crownShadow: crown, radiusCells: groundView,
                                                                      sunElevationDegrees: hour.sunElevationDegrees, cellSize: cellSize, radiative: r))
                }
            }
            let reference = sky.radiantDifference(flux: sky.referenceFlux, airTemperature: hour.airTemperature)
            let u = table.valueAndGradient(ta: hour.airTemperature, radiantDifference: reference.difference, vapourPressureKPa: hour.vapourPressure / 10)
            tables.append(table)
            settings.append(HourSetting(airTemperature: hour.airTemperature, vapourPressure: hour.vapourPressure, radiation: sky, referenceUTCI: u.value,
                                        referenceRadiant: u.radiant * reference.perFlux,
                                        shadowOffset: shadowOffset,
                                        baseToOffset: 1 / (tan(max(hour.sunElevationDegrees, 0.1) * .pi / 180) * cellSize)))
        }
        let tableRefs = tables.map { Unmanaged.passUnretained($0) }
        defer { withExtendedLifetime(tables) {} }

        // Cell by cell, hour by hour (eq. 3–6). What does not change with the hour — the air-temperature and vapour
        // terms, and at night the whole radiant balance — is computed once per cell; the hours only add up UTCI, its
        // gradient and the radiant terms that move with the sun. A term's mean over the hours is then its hour-
        // invariant factor times the mean partial: Σ_h ∂U/∂Ta·x = x·Σ_h ∂U/∂Ta.
        let terms = ComfortTerm.allCases
        let cw = core.width, ch = core.height, cn = cw * ch
        let slots = terms.count + 6
        let ictuSlot = terms.count, taSlot = ictuSlot + 1, anomalySlot = ictuSlot + 2, vapourSlot = ictuSlot + 3, tmrtSlot = ictuSlot + 4, sunSlot = ictuSlot + 5
        let slot = Dictionary(uniqueKeysWithValues: terms.enumerated().map { ($1, $0) })
        let (sReference, sOffset, sBuildings, sSealed, sCanopy, sShrub, sGrass, sStress, sShade, sAlbedo, sWater, sPark, sResidual) =
            (slot[.reference]!, slot[.cityOffset]!, slot[.buildings]!, slot[.sealedGround]!, slot[.treeCanopy]!, slot[.shrub]!, slot[.grass]!,
             slot[.hydricStress]!, slot[.shade]!, slot[.albedo]!, slot[.water]!, slot[.park]!, slot[.residual]!)
        precondition(terms.count == 13, "the parts buffer holds 13 terms")
        // One buffer per output plane, each moved into its Plane and freed in turn at the end (one big buffer copied
        // into the planes would hold every plane twice at once: 150 MB per pass for a 1024² block).
        let out = (0..<slots).map { _ in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: cn)
            buffer.initialize(repeating: .nan, count: cn)
            return buffer
        }
        var invalidCellHours = 0
        let tau = r.canopyTransmissivity, kSh = r.stressShadeLoss
        let residual = airResidual?.values
        for row in 0..<ch {
            for col in 0..<cw {
                let o = row * cw + col, i = (core.y + row) * w + core.x + col // o in the core, i in the layers
                if unmapped[i] { continue } // a building: no data, nothing computed (not even its invalid hours)
                let fc = Double(L.treeCanopy.values[i]), sc = Double(L.canopyStress.values[i])
                // Air temperature terms (°C) and vapour terms (hPa).
                let air = AirAnomalyTerms(k, sealed: sealed[i], volumeMetres: volumeMetres[i], canopy: canopy[i], canopyStressed: canopyStressed[i],
                                          shrub: shrub[i], shrubStressed: shrubStressed[i], grass: grass[i], grassStressed: grassStressed[i],
                                          water: water[i], parkInfluence: parkInfluence.values[i])
                let taResidual = residual.map { Double($0[i]) } ?? 0
                let anomaly = air.temperature + taResidual, vapourAnomaly = air.vapour
                // The cell's view (eq. 5): the sky its buildings leave (SVF), less what the crowns around hide (through
                // their transmissivity) and its own crown (Ψ); the walls fill the rest of the upper hemisphere, the leaves
                // (at the air's temperature) the crowns' part. The body's view weighs the horizon as its sides see it
                // (`bodySky`); the ground's, as a horizontal surface does.
                let svf = Double(openByBuildings[o]), svfAll = Double(openByAll[o]), crownHides = fc * (1 - tau)
                let crownHidesSky = crownHides * ownCrownSky(canopyHeight: Double(L.canopyHeight.values[i]), cellSize: cellSize, radiative: r)
                // The crowns around hide the sky through their transmissivity, less where stress thins them (their
                // stress: the neighbourhood's share of stressed canopy).
                let aroundStress = canopy[i] > 0 ? Double(canopyStressed[i] / canopy[i]) : 0
                let ownThinned = 1 - crownHidesSky * (1 - kSh * sc)
                let bodySky = Self.bodySky(svf: svf, sides: Double(sidesByBuildings[o]), radiative: r)
                let neighbourLeaves = (bodySky - Self.bodySky(svf: svfAll, sides: Double(sidesByAll[o]), radiative: r)) * (1 - tau)
                let svfLeaves = bodySky - neighbourLeaves * (1 - kSh * aroundStress)
                let groundOpen = (svf - (svf - svfAll) * (1 - tau) * (1 - kSh * aroundStress)) * ownThinned
                let crownBase = max(0, r.trunkRatio * Double(L.canopyHeight.values[i]) - r.shadowHeightMetres)
                let albedo = Double(L.albedo.values[i])
                let sealedShare = Double(L.impervious.values[i]), waterShare = Double(L.water.values[i])
                let heating = groundHeating(sealed: sealedShare, water: waterShare, radiative: r)
                let sealedHeating = sealedShare * (1 / r.sealedExchange - 1 / r.vegetatedExchange), waterHeating = -waterShare / r.vegetatedExchange
                // Sums over the valid hours.
                var count = 0.0, utciSum = 0.0, referenceSum = 0.0, taSum = 0.0, vapourSum = 0.0, tmrtSum = 0.0, sunlitSum = 0.0
                var pTa = 0.0, pVapour = 0.0, shadeSum = 0.0, canopySum = 0.0, stressSum = 0.0, albedoSum = 0.0
                var wallSum = 0.0, sealedSum = 0.0, waterSum = 0.0
                for h in settings.indices {
                    let hour = settings[h], sky = hour.radiation
                    let ta = hour.airTemperature + anomaly, e = hour.vapourPressure + vapourAnomaly
                    // Sun reaching a pedestrian: buildings' shadow, the crowns around (on their trunks), and the share of
                    // the cell its own crown's shadow still covers.
                    let sunUp = hour.shadowOffset >= 0
                    let building = sunUp ? Double(buildingShadows[hour.shadowOffset + i]) : 1, crown = sunUp ? Double(crownShadows[hour.shadowOffset + i]) : 1
                    let own = crownHides * ownShadowOverlap(baseAboveShade: crownBase, baseToOffset: hour.baseToOffset)
                    let sunlit = sunlitFraction(buildingShadow: building, crownShadow: crown, ownCrown: own * (1 - kSh * sc))
                    let underOwn = (1 - building) * (1 - crown)
                    // The ground the pedestrian sees around them: its sunlit share. What it loses to shade is shared
                    // between the causes as the cell's own sun is (all to cast shade where the cell itself is sunlit).
                    let groundSun = groundView > 0 && sunUp ? Double(groundSunlit[hour.shadowOffset + i]) : sunlit
                    let blocked = 1 - sunlit, groundLoss = sky.groundBeamGain * (1 - groundSun)
                    let ownShare = blocked > 1e-9 ? underOwn * own / blocked : 0
                    // The flux over the reference site's, part by part (W/m² absorbed); their sum gives Tmrt exactly.
                    let fShade = -sky.bodyBeam * (building + (1 - building) * crown) - groundLoss * (1 - ownShare * (1 - kSh * sc))
                    let fCanopy = -(sky.bodyBeam * underOwn * own + groundLoss * ownShare) - sky.sky * (neighbourLeaves + svfLeaves * crownHidesSky)
                    let fStress = (sky.bodyBeam * underOwn * own + groundLoss * ownShare + sky.sky * svfLeaves * crownHidesSky) * kSh * sc
                        + sky.sky * neighbourLeaves * kSh * aroundStress
                    let fWalls = (1 - bodySky) * (sky.walls - sky.sky)
                    // The ground: it reflects the light that reaches it, and only its sunlit part warms.
                    let reflected = sky.groundBeam * groundSun + sky.diffuse * groundOpen, warming = sky.sunOnGround * groundSun
                    let fAlbedo = (albedo - r.referenceAlbedo) * (sky.shortwaveHemisphere * reflected - sky.groundLongwavePerKelvin * heating * warming)
                    let coverGain = sky.groundLongwavePerKelvin * (1 - r.referenceAlbedo) * warming
                    let fSealed = coverGain * sealedHeating, fWater = coverGain * waterHeating
                    let flux = sky.referenceFlux + fShade + fCanopy + fStress + fWalls + fAlbedo + fSealed + fWater
                    let (radiant, perFlux) = sky.radiantDifference(flux: flux, airTemperature: ta)
                    let u = tableRefs[h]._withUnsafeGuaranteedRef { $0.valueAndGradient(ta: ta, radiantDifference: radiant, vapourPressureKPa: e / 10) }
                    guard u.value.isFinite else { invalidCellHours += 1; continue }
                    count += 1; utciSum += u.value; referenceSum += hour.referenceUTCI
                    taSum += ta; vapourSum += e; tmrtSum += ta + radiant; sunlitSum += sunlit
                    pTa += u.ta; pVapour += u.vapour / 10 // ∂U/∂e per hPa
                    let g = (u.radiant * perFlux + hour.referenceRadiant) / 2 // ∂U per W/m² absorbed
                    shadeSum += g * fShade; canopySum += g * fCanopy; stressSum += g * fStress; albedoSum += g * fAlbedo
                    wallSum += g * fWalls; sealedSum += g * fSealed; waterSum += g * fWater
                }
                guard count > 0 else { continue } // no data: no valid hour
                let n = 1 / count
                func put(_ s: Int, _ value: Double) { out[s][o] = Float(value) }
                var parts = InlineArray<13, Double>(repeating: 0)
                parts[sReference] = referenceSum * n
                parts[sOffset] = air.offset * pTa * n
                parts[sBuildings] = (air.buildings * pTa + wallSum) * n
                parts[sSealed] = (air.sealed * pTa + sealedSum) * n
                parts[sCanopy] = (air.canopy * pTa + air.vapourCanopy * pVapour + canopySum) * n
                parts[sShrub] = (air.shrub * pTa + air.vapourShrub * pVapour) * n
                parts[sGrass] = (air.grass * pTa + air.vapourGrass * pVapour) * n
                parts[sStress] = (air.stress * pTa + air.vapourStress * pVapour + stressSum) * n
                parts[sShade] = shadeSum * n
                parts[sAlbedo] = albedoSum * n
                parts[sWater] = (air.water * pTa + waterSum) * n
                parts[sPark] = air.park * pTa * n
                let ictu = utciSum * n
                var explained = 0.0
                for t in 0..<13 { explained += parts[t] }
                parts[sResidual] = ictu - explained // what the linear parts leave (the residual slot still holds 0)
                for t in 0..<13 { put(t, parts[t]) }
                put(ictuSlot, ictu); put(taSlot, taSum * n); put(anomalySlot, anomaly); put(vapourSlot, vapourSum * n)
                put(tmrtSlot, tmrtSum * n); put(sunSlot, sunlitSum * n)
            }
        }
        func plane(_ s: Int) -> Plane {
            defer { out[s].deinitialize(count: cn); out[s].deallocate() }
            return Plane(width: cw, height: ch, values: Array(UnsafeBufferPointer(start: out[s], count: cn)))
        }
        return WindowField(ictu: plane(ictuSlot), terms: Dictionary(uniqueKeysWithValues: terms.enumerated().map { ($1, plane($0)) }),
                           airTemperature: plane(taSlot), airAnomaly: plane(anomalySlot), vapourPressure: plane(vapourSlot),
                           meanRadiantTemperature: plane(tmrtSlot), sunlitFraction: plane(sunSlot), invalidCellHours: invalidCellHours)
    }

    /// The sky a pedestrian sees: left by the buildings, and by the buildings and the crowns' tops together.
    public struct SkyView: Sendable {
        public var buildings: Plane
        public var withCrowns: Plane
        /// The same for a standing body's sides, which see the obstacles low on the horizon as a larger share.
        public var sidesBuildings: Plane
        public var sidesWithCrowns: Plane
    }

    /// The share of a standing body's view of the upper half-space that is sky: its top's (the sky view factor) and
    /// its sides' (each direction weighed by cos² of the elevation), by their view factors (docs/model.md eq. 5).
    @inline(__always)
    public static func bodySky(svf: Double, sides: Double, radiative r: RadiativeCoefficients) -> Double {
        (r.topViewFactor * svf + 2 * r.sideViewFactor * sides) / (r.topViewFactor + 2 * r.sideViewFactor)
    }

    /// The sky view factors of the core's cells (NaN under buildings). With `rays` (per cell of `L`), only those
    /// directions are scanned (`ShadowCaster.skyViewFactors`). `bands` > 1: the core's rows in that many bands, on
    /// every core (each cell's view is its own: the same values).
    public static func skyView(layers L: SurfaceLayers, cellSize: Double, core: Window, coefficients r: RadiativeCoefficients,
                               rays: [UInt32]? = nil, bands: Int = 1) -> SkyView {
        guard bands > 1, core.height >= 2 * bands else { return skyViewInOneBand(layers: L, cellSize: cellSize, core: core, coefficients: r, rays: rays) }
        let rows = (core.height + bands - 1) / bands
        let parts = (0..<bands).map { Window(x: core.x, y: core.y + $0 * rows, width: core.width, height: min(rows, core.height - $0 * rows)) }
        let views = concurrentMap(bands) { skyViewInOneBand(layers: L, cellSize: cellSize, core: parts[$0], coefficients: r, rays: rays) }
        func stacked(_ plane: KeyPath<SkyView, Plane>) -> Plane {
            Plane(width: core.width, height: core.height, values: views.flatMap { $0[keyPath: plane].values })
        }
        return SkyView(buildings: stacked(\.buildings), withCrowns: stacked(\.withCrowns), sidesBuildings: stacked(\.sidesBuildings),
                       sidesWithCrowns: stacked(\.sidesWithCrowns))
    }

    static func skyViewInOneBand(layers L: SurfaceLayers, cellSize: Double, core: Window, coefficients r: RadiativeCoefficients, rays: [UInt32]?) -> SkyView {
        let crowns = crownObstacles(L, radiative: r)
        let views = ShadowCaster.skyViewFactors(buildings: L.buildingHeight, crowns: (crowns.heights, crowns.bases), cellSize: cellSize,
                                                directions: r.skyViewDirections, reachMetres: r.skyViewReachMetres, observerMetres: r.pedestrianHeightMetres,
                                                only: core, skipping: L.buildingFraction.values.map { $0 >= 0.5 }, rays: rays)
        return SkyView(buildings: views.buildings, withCrowns: views.withCrowns, sidesBuildings: views.sidesBuildings, sidesWithCrowns: views.sidesWithCrowns)
    }

    /// Crowns as obstacles for the shadow caster: their height (at least 3 m; none over buildings), the base of the
    /// crown above its trunk (`trunkRatio` of the height, as SOLWEIG), and how much sun they stop — cover × (1 − τ),
    /// less where hydric stress thins them (k_sh).
    public static func crownObstacles(_ L: SurfaceLayers, radiative r: RadiativeCoefficients) -> (heights: Plane, bases: Plane, opacity: Plane) {
        let w = L.width, h = L.height
        let heights = Plane(width: w, height: h) { c, row in
            let i = row * w + c
            return L.treeCanopy.values[i] > 0 && L.buildingFraction.values[i] < 0.5 ? max(L.canopyHeight.values[i], 3) : 0
        }
        let bases = Plane(width: w, height: h, values: heights.values.map { $0 * Float(r.trunkRatio) })
        let opacity = Plane(width: w, height: h) { c, row in
            let i = row * w + c
            return L.treeCanopy.values[i] * Float((1 - r.canopyTransmissivity) * (1 - r.stressShadeLoss * Double(L.canopyStress.values[i])))
        }
        return (heights, bases, opacity)
    }

    /// The sunlit share of the ground a pedestrian sees: the sunlit fraction of the cells within `radiusCells` (a
    /// square), buildings left out.
    static func groundSunlit(layers L: SurfaceLayers, buildingShadow: [Float], crownShadow: [Float], radiusCells: Int,
                             sunElevationDegrees: Double, cellSize: Double, radiative r: RadiativeCoefficients) -> [Float] {
        let w = L.width, h = L.height
        let sunlit = sunlitFractions(layers: L, buildingShadow: buildingShadow, crownShadow: crownShadow,
                                     sunElevationDegrees: sunElevationDegrees, cellSize: cellSize, radiative: r)
        let onGround = L.buildingFraction.values.map { $0 < 0.5 }
        let sun = zip(sunlit, onGround).map { $1 ? $0 : 0 }, ground = onGround.map { Float($0 ? 1 : 0) }
        let sunMean = BoxMean.mean(Plane(width: w, height: h, values: sun), halfWidthCells: radiusCells)
        let groundMean = BoxMean.mean(Plane(width: w, height: h, values: ground), halfWidthCells: radiusCells)
        return zip(sunMean.values, groundMean.values).map { $1 > 0 ? $0 / $1 : 0 }
    }

    /// The sunlit fraction of every cell of `L` for one sun: buildings' and crowns' shadows (from the shadow caster),
    /// then the share of the cell its own crown's shadow covers.
    public static func sunlitFractions(layers L: SurfaceLayers, buildingShadow: [Float], crownShadow: [Float], sunElevationDegrees: Double,
                                       cellSize: Double, radiative r: RadiativeCoefficients) -> [Float] {
        let baseToOffset = 1 / (tan(max(sunElevationDegrees, 0.1) * .pi / 180) * cellSize)
        return (0..<(L.width * L.height)).map { i in
            let base = max(0, r.trunkRatio * Double(L.canopyHeight.values[i]) - r.shadowHeightMetres)
            let own = Double(L.treeCanopy.values[i]) * (1 - r.canopyTransmissivity) * ownShadowOverlap(baseAboveShade: base, baseToOffset: baseToOffset)
            return Float(sunlitFraction(buildingShadow: Double(buildingShadow[i]), crownShadow: Double(crownShadow[i]),
                                        ownCrown: own * (1 - r.stressShadeLoss * Double(L.canopyStress.values[i]))))
        }
    }

    /// Ground warming per W/m² absorbed, K: sealed ground, water (none) and the rest (vegetation, bare soil) by share.
    @inline(__always)
    public static func groundHeating(sealed: Double, water: Double, radiative r: RadiativeCoefficients) -> Double {
        sealed / r.sealedExchange + max(0, 1 - sealed - water) / r.vegetatedExchange
    }

    /// The share of a cell its own crown's shadow falls on: the shadow of a crown whose base is `baseAboveShade`
    /// metres above where shade is cast (the ground) is offset from the crown by at least that over tan β; what of it stays within
    /// the cell (`baseToOffset` = 1 / (tan β · cell size)). Large cells keep most of their crown's shade, 1–2 m cells
    /// little: their crowns shade the cells beside them (the shadow caster's part).
    @inline(__always)
    public static func ownShadowOverlap(baseAboveShade: Double, baseToOffset: Double) -> Double {
        max(0, 1 - baseAboveShade * baseToOffset)
    }

    /// The share of a pedestrian's sky their cell's own crown covers: the crown over the cell, a square of the cell's
    /// side at its base, hides the cap of sky above the elevation at which its edge is seen — at 2 m a 16 m tree's
    /// crown (base 4 m, 2.9 m above the body's centre) hides 11 % of the sky, its neighbours' crowns the rest (the sky
    /// view); at 10 m, 75 %.
    @inline(__always)
    public static func ownCrownSky(canopyHeight: Double, cellSize: Double, radiative r: RadiativeCoefficients) -> Double {
        let rise = max(0, r.trunkRatio * max(canopyHeight, 3) - r.pedestrianHeightMetres) / (cellSize / 2) // tan of the edge's elevation
        return 1 / (1 + rise * rise) // cos² of it
    }

    /// Sun reaching a pedestrian: what the buildings' shadow, then the crowns around, then the cell's own crown
    /// (`ownCrown`: the share of the cell it shades, times its opacity) let through.
    @inline(__always)
    public static func sunlitFraction(buildingShadow b: Double, crownShadow crown: Double, ownCrown: Double) -> Double {
        (1 - b) * (1 - crown) * (1 - ownCrown)
    }
}
