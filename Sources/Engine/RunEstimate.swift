import Foundation
import Grid
import Run
import Support

/// What a run will take, estimated from its grid before any work: cells, disk, memory and time on this machine.
/// A run that cannot fit is refused up front with the numbers and the fix, instead of hanging or filling the disk.
public struct RunEstimate: Sendable {
    public var cells: Double
    /// Peak disk use: the staged work files and their COG copies exist together for a moment.
    public var diskBytes: Double
    public var memoryBytes: Double
    public var seconds: Double

    /// Bytes per cell of a run folder, measured on the 5 m sample (640 000 cells: 50 MB with the analysis stacks,
    /// 9 MB of maps only); the work files the COGs are copied from take as much again, or 4 bytes a band and a cell
    /// when a small run stages them uncompressed (`StagedRasters.stagesUncompressed`).
    static let bytesPerCell = (full: 80.0, mapsOnly: 15.0)
    /// Cells per second on 2 cores, the slowest measured (the 2 m sample with its fixed costs: 4 M cells in 17 s).
    static let cellsPerSecond = 230_000.0

    public init(grid: GridSpec, mapsOnly: Bool, blockSize: Int) {
        cells = Double(grid.width) * Double(grid.height)
        let folder = cells * (mapsOnly ? Self.bytesPerCell.mapsOnly : Self.bytesPerCell.full)
        let bands = StagedRasters.stagedBands(RunFolder.blockRasters(mapsOnly: mapsOnly))
        let staging = StagedRasters.stagesUncompressed(cells: cells, bands: bands) ? cells * Double(bands) * 4 : folder
        diskBytes = folder + staging
        // Two blocks with their halos being computed (≈ 150 B a cell), and the run's 10 m planes (≈ 60 B a 10 m cell).
        let haloed = Double(blockSize + 2 * 256) * Double(blockSize + 2 * 256)
        memoryBytes = 2 * haloed * 150 + cells * (grid.cellSize * grid.cellSize / 100) * 60
        seconds = cells / Self.cellsPerSecond
    }

    public var text: String {
        String(format: "%.3g cells, about %@ of disk at its peak, %@ of memory, %@ on 2 cores", cells, Self.bytes(diskBytes), Self.bytes(memoryBytes), Self.duration(seconds))
    }

    /// Refuses a run the disk under `out` cannot hold, or the machine's memory cannot.
    public func check(out: String) throws {
        let free = Self.freeBytes(near: out)
        if let free, diskBytes > free {
            throw OutputError("this run needs \(text); the disk under \(out) has \(Self.bytes(free)) free: choose a larger cell_size_m or a smaller extent in the manifest, --maps-only (a fifth of the disk), or another --out")
        }
        let memory = Double(ProcessInfo.processInfo.physicalMemory)
        if memoryBytes > memory * 0.8 {
            throw OutputError("this run needs \(text); the machine has \(Self.bytes(memory)) of memory: choose a larger cell_size_m, or split it (--partition)")
        }
    }

    static func freeBytes(near path: String) -> Double? {
        var stats = statvfs()
        guard statvfs(FilePaths.nearestExisting(path).existing.path, &stats) == 0 else { return nil }
        return Double(stats.f_bavail) * Double(stats.f_frsize)
    }

    static func bytes(_ b: Double) -> String {
        let gib = 1_073_741_824.0
        return b >= 1024 * gib ? String(format: "%.1f TiB", b / (1024 * gib)) : b >= gib ? String(format: "%.1f GiB", b / gib) : String(format: "%.0f MiB", b / (gib / 1024))
    }

    static func duration(_ s: Double) -> String {
        s >= 86_400 ? String(format: "%.1f days", s / 86_400) : s >= 3600 ? String(format: "%.1f h", s / 3600) : s >= 60 ? String(format: "%.0f min", s / 60) : String(format: "%.0f s", s)
    }
}
