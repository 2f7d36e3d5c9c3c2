import Foundation
import GeoIO
import Model
import Run
import Support

/// `ictu explain`: at one point, per window, the ICTU, every term's contribution and the intermediate fields,
/// read back from the run's rasters (so what is printed is what the maps hold).
public struct Explanation: Codable, Sendable {
    public struct WindowPart: Codable, Sendable {
        public var ictu: Double?
        public var utciClass: String?
        public var terms: [String: Double]
        public var sumOfTerms: Double
        public var airTemperature: Double, airAnomaly: Double, vapourPressure: Double, meanRadiantTemperature: Double, sunlitFraction: Double
    }
    public var longitude: Double, latitude: Double
    public var x: Double, y: Double, col: Int, row: Int
    public var day: WindowPart
    public var night: WindowPart
    public var uncertainty: Double?
    public var windows: [String: String]

    public static func at(run: String, longitude: Double, latitude: Double) throws -> Explanation {
        try PointReader(run: run).explain(longitude: longitude, latitude: latitude)
    }

    public var text: String {
        var out = String(format: "At %.6f, %.6f (x %.1f, y %.1f; cell %d, %d)\n", longitude, latitude, x, y, col, row)
        for (name, p) in [("Day (14–17 h)", day), ("Night (22–06 h)", night)] {
            guard let value = p.ictu else { out += "\n\(name): no value (a building, or outside UTCI's validity)\n"; continue }
            out += String(format: "\n%@: ICTU %.1f °C — %@\n", name, value, p.utciClass ?? "")
            for t in ComfortTerm.allCases { out += "  " + t.label.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%+7.2f °C\n", Self.shown(p.terms[t.rawValue] ?? 0)) }
            out += String(format: "  %@%7.2f °C\n", "sum of the terms".padding(toLength: 34, withPad: " ", startingAt: 0), p.sumOfTerms)
            out += String(format: "  air temperature %.2f °C (anomaly to the reference %+.2f °C), vapour pressure %.2f hPa,\n  mean radiant temperature %.2f °C, sunlit fraction %.2f\n",
                          p.airTemperature, Self.shown(p.airAnomaly), p.vapourPressure, p.meanRadiantTemperature, p.sunlitFraction)
        }
        if let uncertainty { out += String(format: "\nUncertainty (1 σ) of the day value: %.2f °C\n", uncertainty) }
        return out
    }

    /// A signed value as printed to two decimals: a value that rounds to zero is +0.00, not −0.00.
    static func shown(_ value: Double) -> Double {
        let rounded = (value * 100).rounded() / 100
        return rounded == 0 ? 0 : rounded
    }
}

/// Reads explanations from a run's rasters, keeping them open between points: GDAL then keeps the decoded blocks in
/// its cache, so a point costs a few cached reads instead of opening five COGs and inflating a block of every
/// band (≈ 0.25 s). One caller at a time: it may move between threads (the server pools them), never be shared.
public final class PointReader: @unchecked Sendable {
    public let folder: RunFolder
    let toGrid: CoordinateTransform
    private var opened: [RunFolder.Entry: RasterDataset] = [:]

    public init(run: String) throws {
        folder = try RunFolder(run)
        try folder.requireAnalysisStacks(for: "`ictu explain`")
        toGrid = try CoordinateTransform(from: "EPSG:4326", to: folder.record.grid.crs)
    }

    /// `overriding`: a band's value at the cell when another source holds it (a scenario's recomputed planes), nil
    /// for the run's own.
    public func explain(longitude: Double, latitude: Double,
                        overriding: ((RunFolder.Band, (col: Int, row: Int)) throws -> Double?)? = nil) throws -> Explanation {
        let (x, y, cell) = try locate(longitude: longitude, latitude: latitude)
        // Each raster's bands at the cell, read once.
        var pixels: [RunFolder.Entry: [Float]] = [:]
        return try Explanation(longitude: longitude, latitude: latitude, x: x, y: y, cell: cell, windows: folder.record.windows) { band in
            if let value = try overriding?(band, cell) { return value }
            if pixels[band.entry] == nil {
                let dataset = try opened[band.entry] ?? folder.open(band.entry)
                opened[band.entry] = dataset
                pixels[band.entry] = try dataset.pixel(x: cell.col, y: cell.row)
            }
            return Double(pixels[band.entry]![band.number - 1])
        }
    }

    /// The point in the grid's CRS and its cell; an error naming the grid when it is outside.
    public func locate(longitude: Double, latitude: Double) throws -> (x: Double, y: Double, cell: (col: Int, row: Int)) {
        let grid = folder.record.grid
        guard let (x, y) = try? toGrid.transform(x: longitude, y: latitude), let cell = grid.cell(x: x, y: y) else {
            throw OutputError(tr("{}, {} is outside the run's grid ({} {} {} – {} {})", String(format: "%.6f", longitude), String(format: "%.6f", latitude),
                                 grid.crs, shown(grid.minX, 0), shown(grid.minY, 0), shown(grid.maxX, 0), shown(grid.maxY, 0)))
        }
        return (x, y, cell)
    }
}

extension Explanation {
    /// The explanation of a cell whose bands `read` gives (a run's rasters, or a scenario's planes over them).
    public init(longitude: Double, latitude: Double, x: Double, y: Double, cell: (col: Int, row: Int), windows: [String: String],
                read: (RunFolder.Band) throws -> Double) throws {
        func part(_ regime: Regime) throws -> Explanation.WindowPart {
            let value = try read(RunFolder.map(regime))
            var contributions: [String: Double] = [:]
            for term in ComfortTerm.allCases { contributions[term.rawValue] = try read(RunFolder.components(regime, term)) }
            func quantity(_ q: RunFolder.Quantity) throws -> Double { try read(RunFolder.intermediate(regime, q)) }
            return Explanation.WindowPart(ictu: value.isNaN ? nil : value, utciClass: value.isNaN ? nil : UTCI.StressClass(utci: value).label,
                                          terms: contributions, sumOfTerms: contributions.values.reduce(0, +),
                                          airTemperature: try quantity(.airTemperature), airAnomaly: try quantity(.airAnomaly),
                                          vapourPressure: try quantity(.vapourPressure), meanRadiantTemperature: try quantity(.meanRadiantTemperature),
                                          sunlitFraction: try quantity(.sunlitFraction))
        }
        let sigma = try read(RunFolder.Band(.uncertainty))
        self.init(longitude: longitude, latitude: latitude, x: x, y: y, col: cell.col, row: cell.row,
                  day: try part(.day), night: try part(.night), uncertainty: sigma.isNaN ? nil : sigma, windows: windows)
    }
}
