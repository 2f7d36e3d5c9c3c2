import City
import Foundation
import Grid
import Model

/// What `ictu inspect` reports: what was read, on which grid, and the QC summary. Encodable for --json.
public struct Inspection: Codable, Sendable {
    public struct Layer: Codable, Sendable {
        public var role: String, file: String, crs: String, resolutionMetres: Double, size: [Int]
        public var valueRange: [Double]?, unit: String, resampling: String
        /// Share of the grid the raster's extent covers.
        public var coverage: Double
    }
    public struct Sensors: Codable, Sendable {
        public var sensors: Int, sites: Int, communes: [String]
        public var periodStartUTC: String?, periodEndUTC: String?
        public var qcTotals: [String: Int]
        public var qcBySensor: [String: [String: Int]]
        public var radiationBiasCelsius: [String: Double]
        public var rejected: [String]
    }
    public var manifest: String
    public var name: String
    public var grid: GridSpec
    public var timezone: String
    public var layers: [Layer]
    public var buildings: Int?
    public var buildingHeightRange: [Double]?
    public var trees: Int?
    public var sensors: Sensors?

    public init(_ city: City) {
        manifest = city.manifestPath
        name = city.manifest.name ?? "unnamed city"
        grid = city.grid
        timezone = city.clock.zone.identifier
        layers = city.rasters.values.sorted { $0.role.rawValue < $1.role.rawValue }.map {
            Layer(role: $0.role.rawValue, file: $0.displayName, crs: $0.crsCode ?? $0.crsName, resolutionMetres: $0.resolution,
                  size: [$0.width, $0.height], valueRange: $0.valueRange.map { [$0.min, $0.max] }, unit: $0.role.unit, resampling: $0.resampling.rawValue,
                  coverage: $0.coverage)
        }
        buildings = city.buildings?.count
        buildingHeightRange = city.buildings.map { [$0.heightRange.min, $0.heightRange.max] }
        trees = city.trees?.count
        if let network = city.network, let qc = city.qc {
            var flagged: [String: [String: Int]] = [:]
            for (id, report) in qc.sensors {
                let nonZero = report.counts.filter { $0.value > 0 && $0.key != QCFlag.missing.rawValue }
                if !nonZero.isEmpty { flagged[id] = nonZero }
            }
            sensors = Sensors(sensors: network.stations.count, sites: network.sites.count, communes: network.communes,
                              periodStartUTC: city.period.map { Timestamp.isoUTC($0.first * 3600) },
                              periodEndUTC: city.period.map { Timestamp.isoUTC($0.last * 3600) },
                              qcTotals: Dictionary(uniqueKeysWithValues: QCFlag.allCases.map { ($0.rawValue, qc.total($0)) }),
                              qcBySensor: flagged,
                              radiationBiasCelsius: qc.sensors.compactMapValues { $0.radiationBiasCelsius.map { ($0 * 100).rounded() / 100 } },
                              rejected: qc.rejectedSensors)
        }
    }

    /// A plain-text report for the terminal.
    public var text: String {
        var out = "City: \(name)\nManifest: \(manifest)\n"
        out += "Grid: \(grid.crs), \(grid.cellSize) m cells, \(grid.width) × \(grid.height) = \(grid.cellCount) cells, "
        out += String(format: "extent %.0f %.0f – %.0f %.0f; local time %@\n", grid.minX, grid.minY, grid.maxX, grid.maxY, timezone)
        out += "\nLayers (resampled onto the grid):\n"
        out += "  role                   resolution  size         range            unit            resampling  CRS / file\n"
        for l in layers {
            let range = l.valueRange.map { String(format: "%.3g – %.3g", $0[0], $0[1]) } ?? "no data"
            let covers = l.coverage < 0.995 ? String(format: " (covers %.0f %% of the grid)", 100 * l.coverage) : ""
            out += "  " + l.role.padding(toLength: 22, withPad: " ", startingAt: 0) + " "
                + String(format: "%6.1f m", l.resolutionMetres).padding(toLength: 11, withPad: " ", startingAt: 0) + " "
                + "\(l.size[0])×\(l.size[1])".padding(toLength: 12, withPad: " ", startingAt: 0) + " "
                + range.padding(toLength: 16, withPad: " ", startingAt: 0) + " "
                + l.unit.padding(toLength: 15, withPad: " ", startingAt: 0) + " "
                + l.resampling.padding(toLength: 11, withPad: " ", startingAt: 0) + " \(l.crs)  \(l.file)\(covers)\n"
        }
        if let buildings, let r = buildingHeightRange { out += String(format: "\nBuildings: %d footprints, heights %.1f – %.1f m\n", buildings, r[0], r[1]) }
        if let trees { out += "Trees: \(trees) in the inventory\n" }
        if let s = sensors {
            out += "\nSensors: \(s.sensors) on \(s.sites) sites in \(s.communes.count) communes (\(s.communes.joined(separator: ", ")))\n"
            out += "Period (reference station): \(s.periodStartUTC ?? "?") – \(s.periodEndUTC ?? "?")\n"
            out += "QC (values flagged; none dropped silently):\n"
            for flag in QCFlag.allCases { out += "  " + flag.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0) + " \(s.qcTotals[flag.rawValue] ?? 0)\n" }
            if !s.qcBySensor.isEmpty {
                out += "Sensors with flags (besides missing hours):\n"
                for (id, counts) in s.qcBySensor.sorted(by: { $0.key < $1.key }) {
                    var line = "  \(id): " + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    if counts[QCFlag.radiationBias.rawValue] != nil, let b = s.radiationBiasCelsius[id] { line += String(format: " (warm bias ≈ %.1f °C at 800 W/m²)", b) }
                    out += line + "\n"
                }
            }
            out += "Rejected from calibration: \(s.rejected.isEmpty ? "none" : s.rejected.joined(separator: ", "))\n"
        }
        return out
    }
}
