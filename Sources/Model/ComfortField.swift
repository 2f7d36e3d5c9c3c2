import Foundation
import Grid

/// The ICTU (UTCI-equivalent felt temperature) of a window of hours over a block of cells, with every
/// intermediate field and its decomposition into terms (model.md eq. 1–6).
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
    /// Cells × hours where UTCI was outside its validity (left out of the mean, counted).
    public var invalidCellHours: Int
}

public enum Regime: String, Codable, Sendable { case day, night }

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
        let skyView = regime == .night
            ? ShadowCaster.skyViewFactor(heights: buildings, cellSize: cellSize, directions: r.skyViewDirections, reachMetres: r.skyViewReachMetres,
                                         observerMetres: r.pedestrianHeightMetres, only: core).values
            : []

        // Anomalies of this regime (eq. 3–4), split by term.
        let cw = core.width, ch = core.height, cn = cw * ch
        func empty() -> Plane { Plane(width: cw, height: ch) }
        var field = WindowField(ictu: empty(), terms: Dictionary(uniqueKeysWithValues: ComfortTerm.allCases.map { ($0, empty()) }),
                                airTemperature: empty(), airAnomaly: empty(), vapourPressure: empty(),
                                meanRadiantTemperature: empty(), sunlitFraction: empty(), invalidCellHours: 0)
        var validHours = [Int32](repeating: 0, count: cn)
        // Running sums, one plane of n cells per slot: the terms (in ComfortTerm.allCases order), then the fields.
        let terms = ComfortTerm.allCases
        let termCount = terms.count
        precondition(termCount == 13, "the parts buffer holds 13 terms")
        let ictuSlot = termCount, taSlot = termCount + 1, anomalySlot = termCount + 2, vapourSlot = termCount + 3, tmrtSlot = termCount + 4, sunSlot = termCount + 5
        var sums = [Double](repeating: 0, count: (termCount + 6) * cn)
        let slot = Dictionary(uniqueKeysWithValues: terms.enumerated().map { ($1, $0) })
        let (sReference, sOffset, sBuildings, sSealed, sCanopy, sShrub, sGrass, sStress, sShade, sAlbedo, sWater, sPark, sResidual) =
            (slot[.reference]!, slot[.cityOffset]!, slot[.buildings]!, slot[.sealedGround]!, slot[.treeCanopy]!, slot[.shrub]!, slot[.grass]!,
             slot[.hydricStress]!, slot[.shade]!, slot[.albedo]!, slot[.water]!, slot[.park]!, slot[.residual]!)

        for hour in hours {
            let wind = min(max(hour.wind * r.windReduction, UTCI.windRange.lowerBound), UTCI.windRange.upperBound)
            let table = UTCITable.shared(wind: wind, airTemperature: (hour.airTemperature - 12)...(hour.airTemperature + 12),
                                  vapourPressureKPa: max(0, hour.vapourPressure / 10 - 1)...(hour.vapourPressure / 10 + 1))
            let day = regime == .day && hour.sunElevationDegrees > 0
            let sunGain = day ? r.directSunKelvin * min(1, hour.sunElevationDegrees / r.fullSunElevationDegrees) : 0
            let albedoGain = day ? r.albedoKelvin * sin(hour.sunElevationDegrees * .pi / 180) / sin(max(hour.dayMaxElevationDegrees, 1) * .pi / 180) : 0
            let buildingShadow = day ? ShadowCaster.shadow(heights: buildings, cellSize: cellSize, sunAzimuthDegrees: hour.sunAzimuthDegrees,
                                                           sunElevationDegrees: hour.sunElevationDegrees, observerMetres: r.pedestrianHeightMetres, origin: origin).values : []
            let crownShadow = day ? ShadowCaster.shadow(heights: crowns, opacity: crownOpacity, cellSize: cellSize, sunAzimuthDegrees: hour.sunAzimuthDegrees,
                                                        sunElevationDegrees: hour.sunElevationDegrees, observerMetres: r.pedestrianHeightMetres, origin: origin).values : []
            let referenceRadiant = regime == .day ? r.baseLongwaveKelvin + sunGain : -r.nightSkyCoolingKelvin
            let referenceUTCI = table.value(ta: hour.airTemperature, radiantDifference: referenceRadiant, vapourPressureKPa: hour.vapourPressure / 10)
            let tau = r.canopyTransmissivity, kSh = r.stressShadeLoss
            for o in 0..<cn {
                let i = (core.y + o / cw) * w + core.x + o % cw // cell in the layers; o in the core
                let fc = Double(L.treeCanopy.values[i]), sc = Double(L.canopyStress.values[i])
                // Air temperature terms (°C) and vapour terms (hPa).
                let taOffset = k.intercept
                let taSealed = k.sealed * Double(sealed[i]), taBuildings = k.buildingVolume * Double(volume[i])
                let taCanopy = -k.canopy * Double(canopy[i]), taShrub = -k.shrub * Double(shrub[i]), taGrass = -k.grass * Double(grass[i])
                let taStress = k.canopy * Double(canopyStressed[i]) + k.shrub * Double(shrubStressed[i]) + k.grass * Double(grassStressed[i])
                let taWater = -k.water * Double(water[i]), taPark = -k.parkIntensity * Double(parkInfluence.values[i])
                let taResidual = airResidual.map { Double($0.values[i]) } ?? 0
                let anomaly = taOffset + taSealed + taBuildings + taCanopy + taShrub + taGrass + taStress + taWater + taPark + taResidual
                let eCanopy = k.vapourGain * Double(canopy[i]), eShrub = k.vapourGain * Double(shrub[i]), eGrass = k.vapourGain * Double(grass[i])
                let eStress = -k.vapourGain * Double(canopyStressed[i] + shrubStressed[i] + grassStressed[i])
                let ta = hour.airTemperature + anomaly
                let e = hour.vapourPressure + eCanopy + eShrub + eGrass + eStress
                // Mean radiant temperature terms, as D = Tmrt − Ta (K).
                var dSealed = 0.0, dShade = 0.0, dCanopy = 0.0, dStress = 0.0, dAlbedo = 0.0, dBuildings = 0.0, sunlit = 0.0
                let radiant: Double
                if regime == .day {
                    // Sun reaching a pedestrian: buildings' shadow, then the crown above the cell for its covered part
                    // (transmissivity τ, shade lost to stress k_sh·s) and neighbouring crowns' shadow on the uncovered part.
                    let building = day ? Double(buildingShadow[i]) : 1
                    let crown = day ? Double(crownShadow[i]) : 1
                    sunlit = sunlitFraction(buildingShadow: building, crownShadow: crown, cover: fc, stress: sc, radiative: r)
                    dSealed = r.sealedLongwaveKelvin * Double(localSealed[i])
                    dShade = -sunGain * (building + (1 - building) * (1 - fc) * crown)
                    dCanopy = -sunGain * (1 - building) * fc * (1 - tau)
                    dStress = sunGain * (1 - building) * fc * kSh * sc * (1 - tau)
                    dAlbedo = day ? Double(L.albedo.values[i]) * (1 - Double(buildingShadow[i])) * albedoGain : 0
                    radiant = r.baseLongwaveKelvin + dSealed + sunlit * sunGain + dAlbedo
                } else {
                    let svf = Double(skyView[o])
                    let openness = svf * (1 - fc * (1 - kSh * sc) * (1 - tau))
                    dBuildings = r.nightSkyCoolingKelvin * (1 - svf)
                    dCanopy = r.nightSkyCoolingKelvin * svf * fc * (1 - tau)
                    dStress = -r.nightSkyCoolingKelvin * svf * fc * kSh * sc * (1 - tau)
                    radiant = -r.nightSkyCoolingKelvin * openness
                }
                let utci = table.value(ta: ta, radiantDifference: radiant, vapourPressureKPa: e / 10)
                guard utci.isFinite else { field.invalidCellHours += 1; continue }
                let p = table.partials(ta: ta, radiantDifference: radiant, vapourPressureKPa: e / 10)
                let pe = p.vapour / 10 // per hPa
                var parts = InlineArray<13, Double>(repeating: 0)
                parts[sReference] = referenceUTCI
                parts[sOffset] = p.ta * taOffset
                parts[sBuildings] = p.ta * taBuildings + p.radiant * dBuildings
                parts[sSealed] = p.ta * taSealed + p.radiant * dSealed
                parts[sCanopy] = p.ta * taCanopy + pe * eCanopy + p.radiant * dCanopy
                parts[sShrub] = p.ta * taShrub + pe * eShrub
                parts[sGrass] = p.ta * taGrass + pe * eGrass
                parts[sStress] = p.ta * taStress + pe * eStress + p.radiant * dStress
                parts[sShade] = p.radiant * dShade
                parts[sAlbedo] = p.radiant * dAlbedo
                parts[sWater] = p.ta * taWater
                parts[sPark] = p.ta * taPark
                var explained = 0.0
                for t in 0..<termCount where t != sResidual { explained += parts[t] }
                parts[sResidual] = utci - explained
                for t in 0..<termCount { sums[t * cn + o] += parts[t] }
                sums[ictuSlot * cn + o] += utci
                sums[taSlot * cn + o] += ta; sums[anomalySlot * cn + o] += anomaly; sums[vapourSlot * cn + o] += e
                sums[tmrtSlot * cn + o] += ta + radiant; sums[sunSlot * cn + o] += sunlit
                validHours[o] += 1
            }
        }
        // Means over the valid hours, slot by slot (one output plane at a time; no dictionary lookup per cell).
        var means = [Plane](repeating: empty(), count: termCount + 6)
        for s in 0..<(termCount + 6) {
            means[s].values.withUnsafeMutableBufferPointer { out in
                for o in 0..<cn {
                    let i = (core.y + o / cw) * w + core.x + o % cw
                    let count = Double(validHours[o])
                    out[o] = count > 0 && L.buildingFraction.values[i] < 0.5 ? Float(sums[s * cn + o] / count) : .nan
                }
            }
        }
        field.ictu = means[ictuSlot]
        for (t, term) in terms.enumerated() { field.terms[term] = means[t] }
        field.airTemperature = means[taSlot]; field.airAnomaly = means[anomalySlot]
        field.vapourPressure = means[vapourSlot]; field.meanRadiantTemperature = means[tmrtSlot]
        field.sunlitFraction = means[sunSlot]
        return field
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
