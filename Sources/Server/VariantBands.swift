import Foundation
import GeoIO
import Grid
import Run

/// A variant's recomputed bands over its region (maps, terms, intermediate fields), kept for a click's explanation.
/// They are in memory while the variant's summary is completed, then moved to a temporary GeoTIFF so the server's
/// memory does not grow with its variants: a 10 ha park's region is 39 bands of 1.7 M cells at 2 m (260 MB), four
/// times that at 1 m. The file is unlinked as soon as it is written (the open dataset still reads it), so nothing is
/// left on disk when the variant is removed or the server stops, however it stops.
final class VariantBands: @unchecked Sendable {
    let region: Window?
    private let lock = NSLock()
    private var planes: [RunFolder.Entry: [Plane]]
    /// After `spill`: the file's dataset and each raster's first band in it.
    private var file: (dataset: RasterDataset, first: [RunFolder.Entry: Int])?

    init(_ planes: [RunFolder.Entry: [Plane]], region: Window?) {
        self.planes = planes
        self.region = region
    }

    /// Whether the bands are on disk (in the unlinked file) rather than in memory.
    var spilled: Bool { lock.withLock { file != nil } }

    /// Band `band` (from 0) of raster `entry` at a cell of the run's grid; nil outside the region or for a raster the
    /// scenario does not hold.
    func value(_ entry: RunFolder.Entry, band: Int, col: Int, row: Int) throws -> Float? {
        guard let region, region.contains(col: col, row: row) else { return nil }
        return try lock.withLock {
            if let file {
                guard let first = file.first[entry] else { return nil }
                return try file.dataset.band(first + band).read(x: col - region.x, y: row - region.y, width: 1, height: 1)[0]
            }
            guard let bands = planes[entry], band < bands.count else { return nil }
            return bands[band].values[(row - region.y) * region.width + col - region.x]
        }
    }

    /// Moves the bands to a temporary GeoTIFF in `directory` (ZSTD, band by band) and lets the planes go.
    func spill(directory: String = NSTemporaryDirectory()) throws {
        guard let region else { return }
        let entries = lock.withLock { planes.keys.sorted { $0.rawValue < $1.rawValue } }
        let count = lock.withLock { entries.reduce(0) { $0 + planes[$1]!.count } }
        guard count > 0 else { return }
        let path = (directory as NSString).appendingPathComponent("ictu-variant-\(UUID().uuidString).tif")
        let dataset = try RasterDataset.create(path, width: region.width, height: region.height, bands: count, type: .float32,
                                               options: ["TILED=YES", "COMPRESS=ZSTD", "ZSTD_LEVEL=1", "INTERLEAVE=BAND", "BIGTIFF=IF_SAFER", "NUM_THREADS=ALL_CPUS"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        var first: [RunFolder.Entry: Int] = [:], next = 1
        for entry in entries {
            first[entry] = next
            for plane in lock.withLock({ planes[entry]! }) {
                try dataset.band(next).write(plane.values, x: 0, y: 0, width: region.width, height: region.height)
                next += 1
            }
        }
        try dataset.flush()
        lock.withLock {
            file = (dataset, first)
            planes = [:]
        }
    }
}
