import Foundation
import GeoIO
import Grid
import Run
import Styles
import Support

/// Run rasters written block by block into tiled GeoTIFFs in the staging folder, then copied to COGs.
/// They cover `region` of the grid: the whole grid, one partition's rows, or a scenario's window (windows stay in
/// grid cells), and are written into `folder` of the output. Not thread-safe: callers serialise access.
public final class StagedRasters: @unchecked Sendable {
    let staged: StagedOutput
    let grid: GridSpec
    let region: Window
    let folder: String
    var datasets: [RunFolder.Entry: RasterDataset] = [:]
    var invalidCellHours = 0
    /// How the work files are stored: uncompressed when they all fit `uncompressedBudgetBytes`.
    let profile: CreationProfile

    /// Work files of at most this many bytes in all are staged uncompressed: on the 2 m sample (4 M cells, 44 bands,
    /// 0.7 GB) that saves compressing and decompressing them (ZSTD was 18 % of the run's CPU); a city beyond it keeps
    /// ZSTD, which makes its work files 2–3 times smaller.
    public static let uncompressedBudgetBytes = 1.0 * 1024 * 1024 * 1024

    /// The bands a run with `layout` stages in all: the layout's and the two derived maps.
    static func stagedBands(_ layout: [(entry: RunFolder.Entry, bands: Int)]) -> Int { layout.map(\.bands).reduce(2, +) }

    /// Whether a region of `cells` cells with `bands` staged bands in all is staged uncompressed.
    public static func stagesUncompressed(cells: Double, bands: Int) -> Bool {
        cells * Double(bands) * 4 <= uncompressedBudgetBytes
    }

    public init(staged: StagedOutput, grid: GridSpec, region: Window? = nil, folder: String = "", layout: [(entry: RunFolder.Entry, bands: Int)]) throws {
        self.staged = staged
        self.folder = folder.isEmpty || folder.hasSuffix("/") ? folder : folder + "/"
        self.grid = grid
        self.region = region ?? Window(x: 0, y: 0, width: grid.width, height: grid.height)
        let cells = Double(self.region.width) * Double(self.region.height)
        profile = Self.stagesUncompressed(cells: cells, bands: Self.stagedBands(layout)) ? .uncompressedWork : .work
        for (entry, bands) in layout { datasets[entry] = try create(entry, bands: bands, type: .float32, noData: nil) }
    }

    /// A work file, read once by the COG copy (`CreationProfile.work`). Multi-band stacks are band-interleaved in the
    /// COG's own 128² blocks: the engine writes them a band at a time,
    /// and a pixel-interleaved tile written a band at a time is read back and rewritten; the COG copy then reads
    /// each block once. Pixel-interleaved 512² work files made the 25 km run's copy of its 26-band components thrash
    /// GDAL's cache (a row of tiles, 665 MB, did not fit in it): measured on 12 500 × 1 024 × 26 bands, staging
    /// 8.0 → 3.2 s and the COG copy 15 → 5 s.
    private func create(_ entry: RunFolder.Entry, bands: Int, type: PixelType, noData: Double?) throws -> RasterDataset {
        let ds = try RasterDataset.create(try staged.path(".work/" + folder + entry.fileName), on: grid, window: region, bands: bands, type: type, profile: profile)
        for b in 1...bands { try ds.band(b).setNoData(noData ?? .nan) }
        return ds
    }

    public func write(_ entry: RunFolder.Entry, _ planes: [Plane], band first: Int = 0, at window: Window) throws {
        let ds = datasets[entry]!
        for (b, plane) in planes.enumerated() {
            try ds.band(first + b + 1).write(plane.values, x: window.x - region.x, y: window.y - region.y, width: window.width, height: window.height)
        }
    }

    /// An existing raster covering the region (e.g. a mosaic of partitions), to derive from and copy as a COG.
    func adopt(_ entry: RunFolder.Entry, _ dataset: RasterDataset) { datasets[entry] = dataset }

    /// A new float raster of `bands` bands (no data NaN).
    public func create(_ entry: RunFolder.Entry, bands: Int) throws {
        datasets[entry] = try create(entry, bands: bands, type: .float32, noData: nil)
    }

    /// Each band's description, and the entry's unit on every band.
    public func describe(_ entry: RunFolder.Entry, _ descriptions: [String]) throws {
        let dataset = datasets[entry]!
        for (b, text) in descriptions.enumerated() { try dataset.band(b + 1).setDescription(text) }
        if let unit = RunFolder.bandUnit(entry) { for b in 1...dataset.bandCount { try dataset.band(b).setUnit(unit) } }
    }

    /// The class raster's palette.
    public func colourClasses() throws { try datasets[.classes]!.band(1).setColourTable(MapStyle.classColourTable) }

    /// The class map's attribute table (in the COG's `.aux.xml`, so the COG itself stays as the COG driver wrote it).
    func nameClasses(_ path: String) throws {
        let table = MapStyle.classAttributeTable
        try RasterDataset.open(path).band(1).setAttributeTable(columns: table.columns, rows: table.rows)
    }

    /// The region in strips of 256 rows, in the staged rasters' own pixels.
    var localStrips: [Window] { Window(x: 0, y: 0, width: region.width, height: region.height).strips(rows: 256) }

    /// Histogram of band 1 over valid cells (streamed by rows).
    func histogram(_ entry: RunFolder.Entry) throws -> CelsiusHistogram {
        let band = try datasets[entry]!.band(1)
        var histogram = CelsiusHistogram()
        for strip in localStrips { histogram.add(try band.read(x: 0, y: strip.y, width: strip.width, height: strip.height)) }
        return histogram
    }

    /// One or two single-band rasters computed cell by cell from band 1 of `source` (value, cell centre x, y →
    /// the outputs' values, in order). Strips are read and written in turn, their rows computed on both cores.
    public func derive(from source: RunFolder.Entry, into outputs: [(RunFolder.Entry, PixelType, Double?)], _ f: @Sendable (Float, Double, Double) -> SIMD2<Float>) throws {
        precondition((1...2).contains(outputs.count), "one or two derived rasters")
        for (entry, type, noData) in outputs { datasets[entry] = try create(entry, bands: 1, type: type, noData: noData) }
        let band = try datasets[source]!.band(1)
        let width = region.width, region = region, grid = grid
        for strip in localStrips {
            let y = strip.y, h = strip.height
            let values = try band.read(x: 0, y: y, width: width, height: h)
            let first = UnsafeMutableSendableBuffer(count: values.count), second = UnsafeMutableSendableBuffer(count: values.count)
            defer { first.deallocate(); second.deallocate() }
            DispatchQueue.concurrentPerform(iterations: h) { r in
                for c in 0..<width {
                    // Cell centres from the whole grid's indices, so a partition's cells are where the whole run's are, to the bit.
                    let (cx, cy) = grid.centre(col: region.x + c, row: region.y + y + r)
                    let i = r * width + c
                    let out = f(values[i], cx, cy)
                    first[i] = out[0]; second[i] = out[1]
                }
            }
            for (k, output) in outputs.enumerated() {
                try datasets[output.0]!.band(1).write(UnsafeBufferPointer(start: (k == 0 ? first : second).pointer, count: values.count), x: 0, y: y, width: width, height: h)
            }
        }
    }

    /// Copies every staged GeoTIFF to a COG under its final name (still in staging), then drops the work files.
    /// Two copies at a time, the largest first: one copy reads, builds its overviews and writes on one thread and
    /// compresses on two, so a single copy leaves a core idle most of the time.
    /// `overviewCount`: the maps' number of overviews, when it must match another raster's (GDAL's default otherwise).
    public func finishAsCOGs(overviewCount: Int? = nil) throws {
        for ds in datasets.values { try ds.flush() }
        /// One raster's copy; its dataset is used by the one thread that copies it.
        struct Job: @unchecked Sendable { let entry: RunFolder.Entry, dataset: RasterDataset, path: String }
        let jobs = try datasets.sorted { ($0.value.bandCount, $0.key.fileName) > ($1.value.bandCount, $1.key.fileName) }
            .map { Job(entry: $0.key, dataset: $0.value, path: try staged.path(folder + $0.key.fileName)) }
        let failure = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            guard !failure.hasError else { return }
            let job = jobs[i]
            do {
                // The multi-band analysis stacks are read by `explain` and analysts, not displayed: fast ZSTD, no
                // overviews, and small blocks — they are pixel-interleaved, so reading one point decodes a block of
                // every band (128² cells × 20 bands: 1.3 MB, not the 21 MB of a 512² block).
                let analysis = RunFolder.analysisStacks.contains(job.entry)
                try job.dataset.writeCOG(to: job.path, compression: analysis ? "ZSTD" : "DEFLATE", overviews: !analysis, overviewCount: overviewCount, blockSize: analysis ? 128 : 512)
                if job.entry == .classes { try nameClasses(job.path) }
            } catch { failure.set(error) }
        }
        if let error = failure.error { throw error }
        datasets.removeAll()
        try FileManager.default.removeItem(atPath: try staged.path(".work"))
    }
}
