import Crypto
import Foundation
import GeoIO
import Support

/// A PMTiles v3 archive written tile by tile in increasing tile id, with memory bounded by the number of tiles (an
/// entry and a digest each, never their bytes): tile bytes stream to a side file; identical tiles (uniform water,
/// a whole tile of one class) are stored once and consecutive repeats become one run. `finish` builds the
/// directories (leaf directories when the root would not fit in the first 16 KiB) and writes header, root
/// directory, metadata, leaves and the tile data, in that order, as the format's readers expect.
final class PMTilesWriter {
    let path: String
    private let sidePath: String
    private let side: FileHandle
    private var entries: [PMTiles.Entry] = []
    private var stored: [SHA256.Digest: Int] = [:]
    private var offset = 0
    private var addressed = 0

    /// `path` is the archive; its tile data is staged beside it under a dot name (never committed).
    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        sidePath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tiledata").path
        guard FileManager.default.createFile(atPath: sidePath, contents: nil), let handle = FileHandle(forWritingAtPath: sidePath) else {
            throw OutputError("\(sidePath): cannot be created (\(String(cString: strerror(errno))))")
        }
        side = handle
    }

    /// Adds a tile; ids must increase (the archive is clustered: tile data in id order, as readers fetch it).
    func append(_ id: UInt64, _ bytes: Data) throws {
        precondition(entries.last.map { id > $0.tileID + UInt64($0.runLength) - 1 } ?? true, "PMTiles tiles are appended in increasing id")
        addressed += 1
        let digest = SHA256.hash(data: bytes)
        if let at = stored[digest] {
            if var last = entries.last, last.offset == at, last.tileID + UInt64(last.runLength) == id {
                last.runLength += 1
                entries[entries.count - 1] = last
            } else {
                entries.append(PMTiles.Entry(tileID: id, offset: at, length: bytes.count, runLength: 1))
            }
            return
        }
        try side.write(contentsOf: bytes)
        stored[digest] = offset
        entries.append(PMTiles.Entry(tileID: id, offset: offset, length: bytes.count, runLength: 1))
        offset += bytes.count
    }

    /// Writes the archive. `header` brings the tile type, bounds and centre; counts, offsets and zooms are set here.
    func finish(header template: PMTiles.Header, metadata: Data) throws {
        try side.close()
        defer { try? FileManager.default.removeItem(atPath: sidePath) }
        let (root, leaves) = try Self.directories(entries)
        let compressedMetadata = try Gzip.compress(metadata)
        var header = template
        header.clustered = true
        header.internalCompression = .gzip
        header.addressedTiles = addressed
        header.tileEntries = entries.count
        header.tileContents = stored.count
        if let first = entries.first, let last = entries.last {
            header.minZoom = PMTiles.tile(first.tileID).z
            header.maxZoom = PMTiles.tile(last.tileID + UInt64(last.runLength) - 1).z
        }
        header.rootOffset = PMTiles.headerSize
        header.rootLength = root.count
        header.metadataOffset = header.rootOffset + root.count
        header.metadataLength = compressedMetadata.count
        header.leafDirectoriesOffset = header.metadataOffset + compressedMetadata.count
        header.leafDirectoriesLength = leaves.count
        header.tileDataOffset = header.leafDirectoriesOffset + leaves.count
        header.tileDataLength = offset

        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw OutputError("\(path): cannot be created (\(String(cString: strerror(errno))))")
        }
        defer { try? out.close() }
        for part in [header.encoded(), root, compressedMetadata, leaves] { try out.write(contentsOf: part) }
        guard let input = FileHandle(forReadingAtPath: sidePath) else { throw OutputError("\(sidePath): cannot be read back") }
        defer { try? input.close() }
        while let chunk = try input.read(upToCount: 4 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
    }

    /// The root directory, and the leaf directories when every entry would not fit in the root: leaves of 4096
    /// entries, doubled until the root that points at them fits (gzip-compressed, as stored).
    static func directories(_ entries: [PMTiles.Entry]) throws -> (root: Data, leaves: Data) {
        let whole = try Gzip.compress(PMTiles.encode(entries))
        if whole.count <= PMTiles.rootBudget { return (whole, Data()) }
        var leafSize = 4096
        while true {
            var roots: [PMTiles.Entry] = [], leaves = Data()
            for start in stride(from: 0, to: entries.count, by: leafSize) {
                let leaf = try Gzip.compress(PMTiles.encode(Array(entries[start..<min(entries.count, start + leafSize)])))
                roots.append(PMTiles.Entry(tileID: entries[start].tileID, offset: leaves.count, length: leaf.count, runLength: 0))
                leaves.append(leaf)
            }
            let root = try Gzip.compress(PMTiles.encode(roots))
            if root.count <= PMTiles.rootBudget { return (root, leaves) }
            leafSize *= 2
        }
    }
}
