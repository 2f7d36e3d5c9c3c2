import Support

/// `--partition i/n`: piece i (from 0) of a run cut into n. A piece is a band of whole rows of the run's blocks,
/// so each of its blocks is read with the same halo and computed exactly as in the one-machine run: the pieces
/// mosaic into that run to the bit (`ictu mosaic`). Deterministic: the same i/n on the same grid is the same rows.
public struct Partition: Codable, Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw OutputError("--partition \(index)/\(count): the index runs from 0 to the count − 1 (e.g. 0/4 … 3/4)")
        }
        self.index = index; self.count = count
    }

    /// "i/n", as given on the command line (a job array's index, from 0).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let index = parts[0], let count = parts[1] else {
            throw OutputError("--partition \"\(text)\": expected INDEX/COUNT, e.g. 0/8 (the index from 0, as JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID give it)")
        }
        try self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    /// The grid rows of this piece: the block rows split as evenly as whole blocks allow.
    public func rows(gridHeight: Int, blockSize: Int) throws -> Range<Int> {
        let blockRows = (gridHeight + blockSize - 1) / blockSize
        guard count <= blockRows else {
            throw OutputError("--partition \(self): this grid has \(blockRows) rows of \(blockSize)-cell blocks, so at most \(blockRows) partitions; use fewer, or smaller blocks (--block; every partition and the mosaic's reference run must use the same)")
        }
        let first = index * blockRows / count, end = (index + 1) * blockRows / count
        return (first * blockSize)..<min(gridHeight, end * blockSize)
    }
}

/// What a partition's folder records besides the run's record: which piece, its rows, and the histogram of its
/// day ICTU (the run's median, a global statistic, is the median of the summed histograms).
public struct PartitionRecord: Codable, Sendable {
    public var index: Int
    public var count: Int
    public var firstRow: Int
    public var endRow: Int
    public var dayHistogram: CelsiusHistogram
    public init(index: Int, count: Int, firstRow: Int, endRow: Int, dayHistogram: CelsiusHistogram) {
        self.index = index; self.count = count; self.firstRow = firstRow; self.endRow = endRow; self.dayHistogram = dayHistogram
    }
}
