import Grid
import Model

/// The per-cell rasters of a run folder, their bands and descriptions, and how a computed block fills them.
/// Shared by `compute` (the whole grid) and `simulate` (the window a scenario reaches).
enum RunLayers {
    static let intermediateNames = ["air_temperature_c", "air_anomaly_c", "vapour_pressure_hpa", "mean_radiant_temperature_c", "sunlit_fraction"]

    /// The analysis stacks: each term of the ICTU and the intermediate quantities, day and night (36 bands), read by
    /// explain, diagnose, watering and simulate. A run with `mapsOnly` leaves them out.
    static let analysisStacks = ["components", "intermediate"]

    /// Name and band count of each raster written block by block.
    static var layout: [(String, Int)] {
        [("ictu_day", 1), ("ictu_night", 1), ("components", ComfortTerm.allCases.count * 2), ("intermediate", intermediateNames.count * 2), ("hydric_stress", 1)]
    }

    /// The layout without the analysis stacks when `mapsOnly`.
    static func layout(mapsOnly: Bool) -> [(String, Int)] { layout.filter { !mapsOnly || !analysisStacks.contains($0.0) } }

    /// The planes of each raster for a block computed with the passes (day, night).
    static func planes(_ block: BlockResult) -> [String: [Plane]] {
        let d = block.fields[0], n = block.fields[1]
        let terms = ComfortTerm.allCases
        let stress = block.layers.canopyStress.cropped(to: block.local).combined(with: block.layers.treeCanopy.cropped(to: block.local)) { s, f in f > 0 ? s : .nan }
        return [
            "ictu_day": [d.ictu], "ictu_night": [n.ictu],
            "components": terms.map { d.terms[$0]! } + terms.map { n.terms[$0]! },
            "intermediate": [d.airTemperature, d.airAnomaly, d.vapourPressure, d.meanRadiantTemperature, d.sunlitFraction,
                             n.airTemperature, n.airAnomaly, n.vapourPressure, n.meanRadiantTemperature, n.sunlitFraction],
            "hydric_stress": [stress],
        ]
    }

    static func write(_ block: BlockResult, into writers: StagedRasters) throws {
        for (name, planes) in planes(block) where writers.datasets[name] != nil { try writers.write(name, planes, at: block.core) }
    }

    static func describe(_ writers: StagedRasters) throws {
        let terms = ComfortTerm.allCases
        if writers.datasets["components"] != nil {
            try writers.describe("components", terms.map { "day: \($0.label) (°C)" } + terms.map { "night: \($0.label) (°C)" })
            try writers.describe("intermediate", intermediateNames.map { "day: \($0)" } + intermediateNames.map { "night: \($0)" })
        }
        try writers.describe("hydric_stress", ["canopy hydric stress, 0 none … 1 severe (the input's, or from NDMI against its baseline); no data where there is no canopy"])
        try writers.describe("ictu_day", ["ICTU day (UTCI °C, mean 14–17 h local, composite hot day)"])
        try writers.describe("ictu_night", ["ICTU night (UTCI °C, mean 22–06 h local, composite hot day)"])
    }
}
