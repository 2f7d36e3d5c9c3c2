import ArgumentParser
import Foundation
import GeoIO
import Run
import Support

extension Language: ExpressibleByArgument {}

/// The run folder a command reads (`--run`).
struct RunOption: ParsableArguments {
    @Option(name: .customLong("run"), help: "Run folder written by `ictu compute`.") var folder: String
}

/// What a command prints: progress and sentences on a terminal, nothing with --quiet, JSON with --json.
struct OutputOptions: ParsableArguments {
    @Flag(help: "No progress and no summary on the terminal (errors and warnings are still said).") var quiet = false
    @Flag(help: "Print the results as JSON on standard output (no progress).") var json = false
    @Option(help: "Language of the reports, the tables' reason and cause columns and these sentences: en or fr (default: the locale's, LANG).") var lang: Language?

    func validate() throws { Language.current = lang ?? Language.ofLocale() }

    var progress: TerminalProgress { TerminalProgress(quiet: quiet || json) }
    /// Whether sentences for a person are printed.
    var talks: Bool { !quiet && !json }
}

/// `--force`: outputs a folder already holds may be replaced.
struct ForceOption: ParsableArguments {
    @Flag(help: "Replace the outputs the folder already holds (never an input).") var force = false
}

/// GDAL's block cache (`--raster-cache-mb`): its default (5 % of the machine's memory) would grow with the machine,
/// not with the work.
struct RasterCacheOption: ParsableArguments {
    @Option(name: .customLong("raster-cache-mb"), help: "Memory for GDAL's cache of decoded raster blocks, MiB (≥ 16; default 256: tiles, simulate, diagnose, watering; serve 512, or 320 on runs over 25 M cells; compute 128).")
    var megabytes: Int?

    func validate() throws {
        if let megabytes, megabytes < 16 { throw ValidationError("--raster-cache-mb must be ≥ 16 (got \(megabytes))") }
    }

    func apply(default value: Int) { RasterBlockCache.maxBytes = (megabytes ?? value) << 20 }
}

/// A point in WGS 84 given as LON,LAT (the order of GeoJSON and of `--at`).
struct Coordinate: ExpressibleByArgument {
    var longitude: Double, latitude: Double

    init?(argument: String) {
        let parts = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let lon = parts[0], let lat = parts[1], (-180...180).contains(lon), (-90...90).contains(lat) else { return nil }
        longitude = lon; latitude = lat
    }

    static var defaultValueDescription: String { "LON,LAT" }
}

/// A zoom range MIN-MAX of Web Mercator tiles (0–24).
struct ZoomRange: ExpressibleByArgument {
    var range: ClosedRange<Int>

    init?(argument: String) {
        let parts = argument.split(separator: "-").map { Int($0) }
        guard parts.count == 2, let lo = parts[0], let hi = parts[1], 0 <= lo, lo <= hi, hi <= 24 else { return nil }
        range = lo...hi
    }
}

/// What `compute` and `mosaic` print with --json.
struct RunSummary: Encodable {
    var run: String
    var cells: Int
    var seconds: Double
    var calibrated: Bool
    var medianDayICTU: Double
}
