import Foundation
import GeoIO
import Grid
import Model
import Support

/// Options of `ictu sample`.
public struct SampleOptions: Sendable {
    public var sizeKm: Int = 4
    public var cellMetres: Double = 2
    public var seed: UInt64 = 42
    public var overwrite = false
    public init() {}
}

/// Writes the synthetic sample city: the inputs of a real city (rasters, footprints, tree inventory, sensors,
/// reference station, manifest) and, beside them, the truth they were made from.
public struct SampleWriter: Sendable {
    public let options: SampleOptions
    let city: SyntheticCity
    let grid: GridSpec
    static let crs = "EPSG:2154"

    /// Entries written at the top of the output folder.
    public static let entries = ["city.yaml", "Rasters", "SensorData"]

    public init(options: SampleOptions) throws {
        guard (4...100).contains(options.sizeKm) else { throw OutputError("--size-km must be a whole number of km from 4 to 100 (the sensor sites sit in the fixed 4 × 4 km core)") }
        guard [0.5, 1, 2, 4, 5].contains(options.cellMetres) else { throw OutputError("--cell must be one of 0.5, 1, 2, 4 or 5 m (so 10 m and 20 m pixels hold whole cells)") }
        self.options = options
        city = SyntheticCity(seed: options.seed, sizeKm: options.sizeKm)
        grid = GridSpec(crs: Self.crs, minX: city.minX, minY: city.minY, maxX: city.minX + city.size, maxY: city.minY + city.size,
                        cellSize: options.cellMetres)
    }

    /// Writes everything under `folder`; returns a summary of what was written.
    @discardableResult
    public func write(to folder: String, progress: ProgressHandler = { _, _ in }) throws -> SampleSummary {
        let out = try StagedOutput(destination: folder, entries: Self.entries, overwrite: options.overwrite)
        let sites = placeSites()
        progress("parks", 0)
        let parks = coarseParkInfluence()
        let hot = try hotDays()
        let survey = placeSurvey(hot: hot)
        let rasters = try writeRasters(out, parks: parks, sites: sites, hot: hot, survey: survey, progress: progress)
        progress("vectors", 0)
        let buildingCount = try writeBuildings(out)
        let treeCount = try writeTrees(out)
        try writePlaces(out)
        progress("sensors", 0)
        let faults = try writeSensors(out, sites: sites, truth: rasters.sensorTruth, progress: progress)
        try writeTruthDocuments(out, faults: faults, sensorTruth: rasters.sensorTruth, sites: sites)
        try writeSurvey(out, points: survey, trueICTU: rasters.surveyTruth)
        try writeManifest(out)
        try out.commit()
        progress("done", 1)
        return SampleSummary(grid: grid, buildings: buildingCount, trees: treeCount, sensors: sites.count * 2, sites: sites.count)
    }

    // MARK: - Rasters, streamed in strips

    struct RasterResult { var sensorTruth: [String: SensorTruth]; var surveyTruth: [Int: Float] }

    /// Truth at a sensor's cell: anomalies by day and night.
    public struct SensorTruth: Codable, Sendable {
        public var deltaTaDay: Double, deltaTaNight: Double, deltaEDay: Double, deltaENight: Double
    }

    /// Park influence exp(−d/L) on the 10 m park grid (ParkCooling), from the true surface.
    func coarseParkInfluence() -> (plane: Plane, factor: Int) {
        let park = ParkCooling()
        let factor = max(1, Int((park.coarseCellMetres / grid.cellSize).rounded()))
        let cw = grid.width / factor, ch = grid.height / factor
        var vegetation = Plane(width: cw, height: ch), building = Plane(width: cw, height: ch)
        let n = Float(factor * factor)
        let box = UnsafeMutableSendableBuffer(count: cw * ch * 2)
        DispatchQueue.concurrentPerform(iterations: ch) { r in
            for c in 0..<cw {
                var v: Float = 0, b: Float = 0
                for dy in 0..<factor { for dx in 0..<factor {
                    let (x, y) = grid.centre(col: c * factor + dx, row: r * factor + dy)
                    let s = city.surface(x: x, y: y)
                    v += min(1, s.canopy + s.shrub + s.grass); b += s.buildingHeight > 0 ? 1 : 0
                } }
                box[r * cw + c] = v / n
                box[cw * ch + r * cw + c] = b / n
            }
        }
        for i in 0..<(cw * ch) { vegetation.values[i] = box[i]; building.values[i] = box[cw * ch + i] }
        box.deallocate()
        let (influence, _) = park.influence(vegetation: vegetation, building: building, cellMetres: grid.cellSize * Double(factor))
        return (influence, factor)
    }

    /// One output raster written strip by strip.
    final class StripRaster {
        let dataset: RasterDataset
        let scale: Float
        let factor: Int
        let noData: Float?
        /// `scaleInFile`: also record the scale as GDAL metadata (truth rasters; the inputs' scales live in the manifest instead).
        init(_ path: String, grid: GridSpec, factor: Int, type: PixelType, scale: Float, noData: Double?, description: String, scaleInFile: Bool = false) throws {
            self.scale = scale
            self.factor = factor
            self.noData = noData.map(Float.init)
            dataset = try RasterDataset.create(path, on: grid, factor: factor, type: type, profile: .product)
            let band = try dataset.band(1)
            if let noData { try band.setNoData(noData) }
            band.setDescription(description)
            if scaleInFile { try band.setScale(Double(scale)) }
        }
        /// Writes physical values (divided by the stored scale and rounded) for rows starting at `row` (in this raster's pixels).
        func write(_ values: [Float], row: Int, width: Int) throws {
            let raw = values.map { $0.isNaN ? noData ?? 0 : ($0 / scale).rounded() }
            try dataset.band(1).write(raw, x: 0, y: row, width: width, height: values.count / width)
        }
    }

    func writeRasters(_ out: StagedOutput, parks: (plane: Plane, factor: Int), sites: [Site], hot: HotDays, survey: [SurveyPoint], progress: ProgressHandler) throws -> RasterResult {
        let percent: [(String, String, (CellSurface) -> Float)] = [
            ("tree_canopy", "tree canopy fraction (>3 m), percent", { $0.canopy }),
            ("shrub", "shrub fraction (0.5–3 m), percent", { $0.shrub }),
            ("grass", "grass fraction (<0.5 m), percent", { $0.grass }),
            ("impervious", "sealed non-building ground fraction, percent", { $0.impervious }),
            ("albedo", "ground albedo, percent", { $0.albedo }),
            ("water", "open water fraction, percent", { $0.water }),
        ]
        var outputs: [String: StripRaster] = [:]
        for (name, description, _) in percent {
            outputs[name] = try StripRaster(try out.path("Rasters/\(name).tif"), grid: grid, factor: 1, type: .byte, scale: 0.01, noData: 255, description: description)
        }
        outputs["canopy_height"] = try StripRaster(try out.path("Rasters/canopy_height.tif"), grid: grid, factor: 1, type: .byte, scale: 1, noData: 255, description: "canopy height, m")
        let f10 = Int((10 / grid.cellSize).rounded()), f20 = Int((20 / grid.cellSize).rounded())
        outputs["hydric_stress_shrub"] = try StripRaster(try out.path("Rasters/hydric_stress_shrub.tif"), grid: grid, factor: f10, type: .byte, scale: 0.01, noData: 255, description: "shrub hydric stress 0–100 (10 m)")
        outputs["hydric_stress_grass"] = try StripRaster(try out.path("Rasters/hydric_stress_grass.tif"), grid: grid, factor: f10, type: .byte, scale: 0.01, noData: 255, description: "grass hydric stress 0–100 (10 m)")
        outputs["ndmi_baseline"] = try StripRaster(try out.path("Rasters/ndmi_baseline.tif"), grid: grid, factor: f20, type: .int16, scale: 0.0001, noData: -32768, description: "NDMI ×10000, early-summer baseline (20 m, Sentinel-2 like)")
        outputs["ndmi"] = try StripRaster(try out.path("Rasters/ndmi.tif"), grid: grid, factor: f20, type: .int16, scale: 0.0001, noData: -32768, description: "NDMI ×10000, 18 July 2022 (20 m, Sentinel-2 like)")
        let truthNames = ["delta_ta_day", "delta_ta_night", "delta_e_day", "delta_e_night"]
        for name in truthNames {
            outputs[name] = try StripRaster(try out.path("Rasters/truth/\(name).tif"), grid: grid, factor: 1, type: .int16, scale: 0.001, noData: -32768,
                                           description: name.hasPrefix("delta_ta") ? "true air temperature anomaly, °C (stored ×1000, scale 0.001)" : "true vapour pressure anomaly, hPa (stored ×1000, scale 0.001)",
                                           scaleInFile: true)
        }

        // The true ICTU: the felt-temperature model with the true coefficients on the true surface, for the hot-day
        // windows the engine will find in the reference station.
        for name in ["ictu_day", "ictu_night"] {
            outputs[name] = try StripRaster(try out.path("Rasters/truth/\(name).tif"), grid: grid, factor: 1, type: .int16, scale: 0.01, noData: -32768,
                                           description: "true ICTU \(name == "ictu_day" ? "day (14–17 h)" : "night (22–06 h)"), UTCI °C (stored ×100, scale 0.01); no data on buildings",
                                           scaleInFile: true)
        }
        let truthModel = ModelCoefficients(day: SampleTruth.day, night: SampleTruth.night)
        let dayHours = hot.conditions(at: HotDays.dayHours), nightHours = hot.conditions(at: HotDays.nightHours)

        let stripRows = Int((1000 / grid.cellSize).rounded())
        // Reach of neighbourhoods, shadows (60 m at 10°) and sky view.
        let reach = max(SampleTruth.day.reachMetres, SampleTruth.night.reachMetres, 60 / tan(10 * Double.pi / 180), truthModel.radiative.skyViewReachMetres)
        let halo = Int((reach / grid.cellSize).rounded(.up))
        let width = grid.width
        var sensorCells: [(id: String, col: Int, row: Int)] = []
        for site in sites { for s in site.sensors { sensorCells.append((s.id, s.col, s.row)) } }
        var sensorTruth: [String: SensorTruth] = [:]
        var surveyTruth: [Int: Float] = [:]

        for core in Window(x: 0, y: 0, width: width, height: grid.height).strips(rows: stripRows) {
            progress("rasters", Double(core.y) / Double(grid.height))
            let window = core.expanded(by: halo, within: grid.width, grid.height)
            var layers = SurfaceLayers(width: width, height: window.height)
            let buffers = (0..<11).map { _ in UnsafeMutableSendableBuffer(count: width * window.height) }
            let ndmiGround = UnsafeMutableSendableBuffer(count: width * window.height)
            DispatchQueue.concurrentPerform(iterations: window.height) { r in
                for c in 0..<width {
                    let (x, y) = grid.centre(col: c, row: window.y + r)
                    let s = city.surface(x: x, y: y)
                    let i = r * width + c
                    buffers[0][i] = s.canopy; buffers[1][i] = s.shrub; buffers[2][i] = s.grass
                    buffers[3][i] = s.canopyStress; buffers[4][i] = s.shrubStress; buffers[5][i] = s.grassStress
                    buffers[6][i] = s.impervious; buffers[7][i] = s.albedo; buffers[8][i] = s.water
                    buffers[9][i] = s.buildingHeight; buffers[10][i] = s.canopyHeight
                    ndmiGround[i] = s.groundNDMI
                }
            }
            let keyPaths: [WritableKeyPath<SurfaceLayers, Plane>] = [\.treeCanopy, \.shrub, \.grass, \.canopyStress, \.shrubStress, \.grassStress,
                                                                     \.impervious, \.albedo, \.water, \.buildingHeight, \.canopyHeight]
            for (k, keyPath) in keyPaths.enumerated() { layers[keyPath: keyPath] = Plane(width: width, height: window.height, values: buffers[k].array) }
            layers.buildingFraction = layers.buildingHeight.mapped { $0 > 0 ? 1 : 0 }
            let ground = ndmiGround.array
            buffers.forEach { $0.deallocate() }
            ndmiGround.deallocate()
            let influence = parks.plane.sampledAtFineCells(Window(x: 0, y: window.y, width: width, height: window.height), factor: parks.factor)
            let day = AirTemperatureField.compute(layers, parkInfluence: influence, coefficients: SampleTruth.day, cellSize: grid.cellSize)
            let night = AirTemperatureField.compute(layers, parkInfluence: influence, coefficients: SampleTruth.night, cellSize: grid.cellSize)

            // Core rows of this strip.
            let local = Window(x: 0, y: core.y - window.y, width: width, height: core.height)
            let coreLayers = layers.cropped(to: local)
            for (name, _, _) in percent {
                let plane: Plane
                switch name {
                case "tree_canopy": plane = coreLayers.treeCanopy
                case "shrub": plane = coreLayers.shrub
                case "grass": plane = coreLayers.grass
                case "impervious": plane = coreLayers.impervious
                case "albedo": plane = coreLayers.albedo
                default: plane = coreLayers.water
                }
                try outputs[name]!.write(plane.values, row: core.y, width: width)
            }
            try outputs["canopy_height"]!.write(coreLayers.canopyHeight.values, row: core.y, width: width)
            let (ictuDay, ictuNight) = trueICTU(layers, influence: influence, strip: window, core: core, halo: halo, model: truthModel, dayHours: dayHours, nightHours: nightHours)
            try outputs["ictu_day"]!.write(ictuDay, row: core.y, width: width)
            try outputs["ictu_night"]!.write(ictuNight, row: core.y, width: width)
            for (k, point) in survey.enumerated() where point.row >= core.y && point.row < core.y + core.height {
                surveyTruth[k] = ictuDay[(point.row - core.y) * width + point.col]
            }
            let truths = [("delta_ta_day", day.temperature), ("delta_ta_night", night.temperature), ("delta_e_day", day.vapourPressure), ("delta_e_night", night.vapourPressure)]
            for (name, plane) in truths { try outputs[name]!.write(plane.cropped(to: local).values, row: core.y, width: width) }
            for cell in sensorCells where cell.row >= core.y && cell.row < core.y + core.height {
                let r = cell.row - window.y
                sensorTruth[cell.id] = SensorTruth(deltaTaDay: Double(day.temperature[cell.col, r]), deltaTaNight: Double(night.temperature[cell.col, r]),
                                                   deltaEDay: Double(day.vapourPressure[cell.col, r]), deltaENight: Double(night.vapourPressure[cell.col, r]))
            }
            // Coarse satellite-like layers: means over whole coarse pixels of the core.
            let groundCore = Plane(width: width, height: window.height, values: ground).cropped(to: local)
            try outputs["hydric_stress_shrub"]!.write(aggregate(coreLayers.shrubStress, weight: coreLayers.shrub, factor: f10), row: core.y / f10, width: width / f10)
            try outputs["hydric_stress_grass"]!.write(aggregate(coreLayers.grassStress, weight: coreLayers.grass, factor: f10), row: core.y / f10, width: width / f10)
            let (baseline, current) = ndmi(coreLayers, ground: groundCore, factor: f20)
            try outputs["ndmi_baseline"]!.write(baseline, row: core.y / f20, width: width / f20)
            try outputs["ndmi"]!.write(current, row: core.y / f20, width: width / f20)
        }
        for raster in outputs.values { try raster.dataset.flush() }
        progress("rasters", 1)
        return RasterResult(sensorTruth: sensorTruth, surveyTruth: surveyTruth)
    }

    /// Day and night ICTU over the core rows of a full-width strip, in column blocks on both cores.
    func trueICTU(_ layers: SurfaceLayers, influence: Plane, strip: Window, core: Window, halo: Int, model: ModelCoefficients,
                  dayHours: [HourConditions], nightHours: [HourConditions]) -> ([Float], [Float]) {
        let width = grid.width
        let blocks = Window.tiles(width: width, height: core.height, size: 512)
        let day = UnsafeMutableSendableBuffer(count: width * core.height), night = UnsafeMutableSendableBuffer(count: width * core.height)
        DispatchQueue.concurrentPerform(iterations: blocks.count) { b in
            let block = blocks[b]
            // The block's cells within the strip, and its window with the halo (the strip's rows already hold theirs).
            let coreInStrip = Window(x: block.x, y: core.y - strip.y + block.y, width: block.width, height: block.height)
            let x0 = max(0, block.x - halo), x1 = min(width, block.x + block.width + halo)
            let window = Window(x: x0, y: 0, width: x1 - x0, height: strip.height)
            let local = Window(x: coreInStrip.x - x0, y: coreInStrip.y, width: block.width, height: block.height)
            let cropped = layers.cropped(to: window), park = influence.cropped(to: window)
            let d = ComfortField.window(layers: cropped, parkInfluence: park, cellSize: grid.cellSize, hours: dayHours, regime: .day, coefficients: model, core: local, origin: (x0, strip.y))
            let n = ComfortField.window(layers: cropped, parkInfluence: park, cellSize: grid.cellSize, hours: nightHours, regime: .night, coefficients: model, core: local, origin: (x0, strip.y))
            for r in 0..<block.height { for c in 0..<block.width {
                day[(block.y + r) * width + block.x + c] = d.ictu[c, r]
                night[(block.y + r) * width + block.x + c] = n.ictu[c, r]
            } }
        }
        defer { day.deallocate(); night.deallocate() }
        return (day.array, night.array)
    }

    /// Weighted mean of `values` over factor × factor pixels (0 where the weight is 0).
    func aggregate(_ values: Plane, weight: Plane, factor: Int) -> [Float] {
        let cw = values.width / factor, ch = values.height / factor
        var out = [Float](repeating: 0, count: cw * ch)
        for r in 0..<ch { for c in 0..<cw {
            var sum: Float = 0, w: Float = 0
            for dy in 0..<factor { for dx in 0..<factor {
                let i = (r * factor + dy) * values.width + c * factor + dx
                sum += values.values[i] * weight.values[i]; w += weight.values[i]
            } }
            out[r * cw + c] = w > 0 ? sum / w : 0
        } }
        return out
    }

    /// Sentinel-2-like NDMI at 20 m: a linear mix of canopy (0.35 healthy, −0.175 per unit stress) and the ground.
    func ndmi(_ layers: SurfaceLayers, ground: Plane, factor: Int) -> ([Float], [Float]) {
        let cw = layers.width / factor, ch = layers.height / factor
        var baseline = [Float](repeating: 0, count: cw * ch), current = baseline
        let n = Float(factor * factor)
        for r in 0..<ch { for c in 0..<cw {
            var b: Float = 0, t: Float = 0
            for dy in 0..<factor { for dx in 0..<factor {
                let i = (r * factor + dy) * layers.width + c * factor + dx
                let f = layers.treeCanopy.values[i]
                b += f * 0.35 + (1 - f) * ground.values[i]
                t += f * (0.35 - 0.175 * layers.canopyStress.values[i]) + (1 - f) * ground.values[i]
            } }
            baseline[r * cw + c] = b / n; current[r * cw + c] = t / n
        } }
        return (baseline, current)
    }
}

public struct SampleSummary: Codable, Sendable {
    public var grid: GridSpec
    public var buildings: Int, trees: Int, sensors: Int, sites: Int
}
