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
    /// cells (the others are filtered here, which needs a halo of twice their radius).
    public static func window(layers: SurfaceLayers, parkInfluence: Plane, cellSize: Double, hours: [HourConditions],
                              regime: Regime, coefficients: ModelCoefficients, core: Window? = nil, origin: (col: Int, row: Int) = (0, 0),
                              airResidual: Plane? = nil, neighbourhoods: NeighbourhoodMeans? = nil) -> WindowField {
        let core = core ?? Window(x: 0, y: 0, width: layers.width, height: layers.height)
        let k = regime == .day ? coefficients.day : coefficients.night
        let r = coefficients.radiative
        let w = layers.width, h = layers.height, n = w * h
        // Neighbourhood means: those given (sampled from the run's coarse grid), the others filtered here, grouped by
        // radius so each group shares one normalisation pass.
        let L = layers
        let given = neighbourhoods ?? NeighbourhoodMeans()
        let h0 = Float(k.referenceHeightMetres)
        var neighbourhood = [[Float]](repeating: [], count: NeighbourhoodMeans.inputCount)
        var byRadius: [Double: [Int]] = [:]
        for input in 0..<NeighbourhoodMeans.inputCount {
            if let plane = given[input] { neighbourhood[input] = plane.values } else { byRadius[NeighbourhoodMeans.radiusMetres(input, k), default: []].append(input) }
        }
        for (radius, inputs) in byRadius.sorted(by: { $0.key < $1.key }) {
            let planes = inputs.map { input in Plane(width: w, height: h, values: (0..<n).map { NeighbourhoodMeans.input(input, L, $0) }) }
            for (input, plane) in zip(inputs, FocalMean.gaussian(planes, radiusCells: radius / cellSize)) { neighbourhood[input] = plane.values }
        }
        let sealed = neighbourhood[0], volume = neighbourhood[1].map { $0 / h0 }
        let canopy = neighbourhood[2], canopyStressed = neighbourhood[3], shrub = neighbourhood[4], shrubStressed = neighbourhood[5]
        let grass = neighbourhood[6], grassStressed = neighbourhood[7], water = neighbourhood[8]
        let localSealed = regime == .day
            ? FocalMean.gaussian([Plane(width: w, height: h, values: (0..<n).map { NeighbourhoodMeans.input(0, L, $0) })], radiusCells: r.longwaveRadiusMetres / cellSize)[0].values : []

        // Obstacles: buildings (opaque) and crowns (opacity from cover, transmissivity and stress).
        let buildings = L.buildingHeight
        let (crowns, crownOpacity) = crownObstacles(L, radiative: r)
        // Cells under buildings are no data: neither their sky view nor their hours are computed.
        let unmapped = L.buildingFraction.values.map { $0 >= 0.5 }
        let skyView = regime == .night
            ? ShadowCaster.skyViewFactor(heights: buildings, cellSize: cellSize, directions: r.skyViewDirections, reachMetres: r.skyViewReachMetres,
                                         observerMetres: r.pedestrianHeightMetres, only: core, skipping: unmapped).values
            : []

        // Each hour's setting: the sun's gains, its UTCI table and the shadows over the whole window. The per-cell
        // loop reads them for every cell and hour, so they hold no references: the settings are plain values, the
        // shadows one flat array (hour-major), the tables unretained (kept alive by `tables`). Iterating structs
        // holding arrays and a class retained and released three references per cell and hour: 9 % of the blocks.
        struct HourSetting {
            var airTemperature: Double, vapourPressure: Double
            var sunGain: Double, albedoGain: Double, referenceUTCI: Double
            var shadowOffset: Int // into the flat shadows; -1 when the sun is down or at night
        }
        var tables: [UTCITable] = [], settings: [HourSetting] = []
        var buildingShadows: [Float] = [], crownShadows: [Float] = []
        for hour in hours {
            let wind = min(max(hour.wind * r.windReduction, UTCI.windRange.lowerBound), UTCI.windRange.upperBound)
            let table = UTCITable.shared(wind: wind, airTemperature: (hour.airTemperature - 12)...(hour.airTemperature + 12),
                                         vapourPressureKPa: max(0, hour.vapourPressure / 10 - 1)...(hour.vapourPressure / 10 + 1))
            let day = regime == .day && hour.sunElevationDegrees > 0
            let sunGain = day ? r.directSunKelvin * min(1, hour.sunElevationDegrees / r.fullSunElevationDegrees) : 0
            let albedoGain = day ? r.albedoKelvin * sin(hour.sunElevationDegrees * .pi / 180) / sin(max(hour.dayMaxElevationDegrees, 1) * .pi / 180) : 0
            var shadowOffset = -1
            if day {
                func shadow(_ heights: Plane, _ opacity: Plane?) -> [Float] {
                    ShadowCaster.shadow(heights: heights, opacity: opacity, cellSize: cellSize, sunAzimuthDegrees: hour.sunAzimuthDegrees,
                                        sunElevationDegrees: hour.sunElevationDegrees, observerMetres: r.pedestrianHeightMetres, origin: origin).values
                }
                shadowOffset = buildingShadows.count
                buildingShadows.append(contentsOf: shadow(buildings, nil))
                crownShadows.append(contentsOf: shadow(crowns, crownOpacity))
            }
            let referenceRadiant = regime == .day ? r.baseLongwaveKelvin + sunGain : -r.nightSkyCoolingKelvin
            tables.append(table)
            settings.append(HourSetting(airTemperature: hour.airTemperature, vapourPressure: hour.vapourPressure, sunGain: sunGain, albedoGain: albedoGain,
                                        referenceUTCI: table.value(ta: hour.airTemperature, radiantDifference: referenceRadiant, vapourPressureKPa: hour.vapourPressure / 10),
                                        shadowOffset: shadowOffset))
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
                let taOffset = k.intercept
                let taSealed = k.sealed * Double(sealed[i]), taBuildings = k.buildingVolume * Double(volume[i])
                let taCanopy = -k.canopy * Double(canopy[i]), taShrub = -k.shrub * Double(shrub[i]), taGrass = -k.grass * Double(grass[i])
                let taStress = k.canopy * Double(canopyStressed[i]) + k.shrub * Double(shrubStressed[i]) + k.grass * Double(grassStressed[i])
                let taWater = -k.water * Double(water[i]), taPark = -k.parkIntensity * Double(parkInfluence.values[i])
                let taResidual = residual.map { Double($0[i]) } ?? 0
                let anomaly = taOffset + taSealed + taBuildings + taCanopy + taShrub + taGrass + taStress + taWater + taPark + taResidual
                let eCanopy = k.vapourGain * Double(canopy[i]), eShrub = k.vapourGain * Double(shrub[i]), eGrass = k.vapourGain * Double(grass[i])
                let eStress = -k.vapourGain * Double(canopyStressed[i] + shrubStressed[i] + grassStressed[i])
                let vapourAnomaly = eCanopy + eShrub + eGrass + eStress
                // Mean radiant temperature terms that do not move with the sun, as D = Tmrt − Ta (K).
                var dSealed = 0.0, dBuildings = 0.0, nightCanopy = 0.0, nightStress = 0.0, nightRadiant = 0.0, albedo = 0.0
                if regime == .day {
                    dSealed = r.sealedLongwaveKelvin * Double(localSealed[i])
                    albedo = Double(L.albedo.values[i])
                } else {
                    let svf = Double(skyView[o])
                    let openness = svf * (1 - fc * (1 - kSh * sc) * (1 - tau))
                    dBuildings = r.nightSkyCoolingKelvin * (1 - svf)
                    nightCanopy = r.nightSkyCoolingKelvin * svf * fc * (1 - tau)
                    nightStress = -r.nightSkyCoolingKelvin * svf * fc * kSh * sc * (1 - tau)
                    nightRadiant = -r.nightSkyCoolingKelvin * openness
                }
                // Sums over the valid hours.
                var count = 0.0, utciSum = 0.0, referenceSum = 0.0, taSum = 0.0, vapourSum = 0.0, tmrtSum = 0.0, sunlitSum = 0.0
                var pTa = 0.0, pVapour = 0.0, pRadiant = 0.0, shadeSum = 0.0, canopySum = 0.0, stressSum = 0.0, albedoSum = 0.0
                for h in settings.indices {
                    let hour = settings[h]
                    let ta = hour.airTemperature + anomaly, e = hour.vapourPressure + vapourAnomaly
                    var radiant = nightRadiant, sunlit = 0.0, dShade = 0.0, dCanopy = nightCanopy, dStress = nightStress, dAlbedo = 0.0
                    if regime == .day {
                        // Sun reaching a pedestrian: buildings' shadow, then the crown above the cell for its covered part
                        // (transmissivity τ, shade lost to stress k_sh·s) and neighbouring crowns' shadow on the uncovered part.
                        let sunUp = hour.shadowOffset >= 0
                        let building = sunUp ? Double(buildingShadows[hour.shadowOffset + i]) : 1, crown = sunUp ? Double(crownShadows[hour.shadowOffset + i]) : 1
                        sunlit = sunlitFraction(buildingShadow: building, crownShadow: crown, cover: fc, stress: sc, radiative: r)
                        dShade = -hour.sunGain * (building + (1 - building) * (1 - fc) * crown)
                        dCanopy = -hour.sunGain * (1 - building) * fc * (1 - tau)
                        dStress = hour.sunGain * (1 - building) * fc * kSh * sc * (1 - tau)
                        dAlbedo = sunUp ? albedo * (1 - building) * hour.albedoGain : 0
                        radiant = r.baseLongwaveKelvin + dSealed + sunlit * hour.sunGain + dAlbedo
                    }
                    let u = tableRefs[h]._withUnsafeGuaranteedRef { $0.valueAndGradient(ta: ta, radiantDifference: radiant, vapourPressureKPa: e / 10) }
                    guard u.value.isFinite else { invalidCellHours += 1; continue }
                    count += 1; utciSum += u.value; referenceSum += hour.referenceUTCI
                    taSum += ta; vapourSum += e; tmrtSum += ta + radiant; sunlitSum += sunlit
                    pTa += u.ta; pVapour += u.vapour / 10; pRadiant += u.radiant // ∂U/∂e per hPa
                    shadeSum += u.radiant * dShade; canopySum += u.radiant * dCanopy; stressSum += u.radiant * dStress; albedoSum += u.radiant * dAlbedo
                }
                guard count > 0 else { continue } // no data: no valid hour
                let n = 1 / count
                func put(_ s: Int, _ value: Double) { out[s][o] = Float(value) }
                var parts = InlineArray<13, Double>(repeating: 0)
                parts[sReference] = referenceSum * n
                parts[sOffset] = taOffset * pTa * n
                parts[sBuildings] = (taBuildings * pTa + dBuildings * pRadiant) * n
                parts[sSealed] = (taSealed * pTa + dSealed * pRadiant) * n
                parts[sCanopy] = (taCanopy * pTa + eCanopy * pVapour + canopySum) * n
                parts[sShrub] = (taShrub * pTa + eShrub * pVapour) * n
                parts[sGrass] = (taGrass * pTa + eGrass * pVapour) * n
                parts[sStress] = (taStress * pTa + eStress * pVapour + stressSum) * n
                parts[sShade] = shadeSum * n
                parts[sAlbedo] = albedoSum * n
                parts[sWater] = taWater * pTa * n
                parts[sPark] = taPark * pTa * n
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

    /// Crowns as obstacles for the shadow caster: their height (at least 3 m; none over buildings) and how much
    /// sun they stop — cover × (1 − τ), less where hydric stress thins them (k_sh).
    public static func crownObstacles(_ L: SurfaceLayers, radiative r: RadiativeCoefficients) -> (heights: Plane, opacity: Plane) {
        let w = L.width, h = L.height
        let heights = Plane(width: w, height: h) { c, row in
            let i = row * w + c
            return L.treeCanopy.values[i] > 0 && L.buildingFraction.values[i] < 0.5 ? max(L.canopyHeight.values[i], 3) : 0
        }
        let opacity = Plane(width: w, height: h) { c, row in
            let i = row * w + c
            return L.treeCanopy.values[i] * Float((1 - r.canopyTransmissivity) * (1 - r.stressShadeLoss * Double(L.canopyStress.values[i])))
        }
        return (heights, opacity)
    }

    /// Sun reaching a pedestrian: the buildings' shadow, then the crown above the cell for its covered part
    /// (transmissivity τ, shade lost to stress k_sh·s) and neighbouring crowns' shadow on the uncovered part.
    @inline(__always)
    public static func sunlitFraction(buildingShadow b: Double, crownShadow crown: Double, cover fc: Double, stress sc: Double, radiative r: RadiativeCoefficients) -> Double {
        (1 - b) * ((1 - fc) * (1 - crown) + fc * (1 - (1 - r.stressShadeLoss * sc) * (1 - r.canopyTransmissivity)))
    }
}
