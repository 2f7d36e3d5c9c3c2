import GeoIO
import Grid

/// Rows of one band of a run's raster, a strip at a time, no data as NaN.
public struct BandRows {
    public let dataset: RasterDataset
    public let number: Int

    /// The raster opened to decode its blocks on every core: a strip spans many of them.
    public init(_ folder: RunFolder, _ band: RunFolder.Band) throws {
        dataset = try folder.open(band.entry, options: ["NUM_THREADS=ALL_CPUS"])
        number = band.number
    }

    /// Rows y ..< y + height, the whole width, row-major.
    public func rows(_ y: Int, _ height: Int) throws -> [Float] {
        try RunFolder.read(dataset, band: number, window: Window(x: 0, y: y, width: dataset.width, height: height)).values
    }

    /// One cell's value (NaN for no data).
    public func value(col: Int, row: Int) throws -> Float {
        try RunFolder.read(dataset, band: number, window: Window(x: col, y: row, width: 1, height: 1)).values[0]
    }
}
