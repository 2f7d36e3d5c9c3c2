import Foundation
import GeoIO
import Synchronization

/// Reads tiles from a PMTiles v3 file (a basemap a city provides, or ictu's own export): the root directory kept in
/// memory, leaf directories read when a tile needs them.
public final class PMTilesReader: Sendable {
    public let path: String
    public let header: PMTiles.Header
    private let root: [PMTiles.Entry]
    private let file: Mutex<FileHandle>

    public struct Refusal: Error, CustomStringConvertible { public let description: String }

    public init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Refusal(description: "\(path): cannot be opened") }
        let start = (try? handle.read(upToCount: PMTiles.headerSize)) ?? Data()
        guard let header = PMTiles.Header(decoding: start) else {
            try? handle.close()
            throw Refusal(description: "\(path): not a PMTiles version 3 file (it does not start with the PMTiles v3 header)")
        }
        guard header.internalCompression == .gzip || header.internalCompression == .none else {
            try? handle.close()
            throw Refusal(description: "\(path): its directories are compressed with \(header.internalCompression); ictu reads gzip or none (pmtiles convert writes gzip)")
        }
        self.header = header
        file = Mutex(handle)
        root = try Self.directory(file, header, offset: header.rootOffset, length: header.rootLength, path: path)
    }

    deinit { file.withLock { try? $0.close() } }

    static func bytes(_ file: borrowing Mutex<FileHandle>, offset: Int, length: Int) throws -> Data {
        try file.withLock { handle in
            try handle.seek(toOffset: UInt64(offset))
            return try handle.read(upToCount: length) ?? Data()
        }
    }

    static func directory(_ file: borrowing Mutex<FileHandle>, _ header: PMTiles.Header, offset: Int, length: Int, path: String) throws -> [PMTiles.Entry] {
        guard length > 0, length <= 64 << 20 else { throw Refusal(description: "\(path): a directory of \(length) bytes is not plausible") }
        let stored = try bytes(file, offset: offset, length: length)
        guard stored.count == length else { throw Refusal(description: "\(path): the file ends inside a directory (truncated?)") }
        do {
            return try PMTiles.decode(header.internalCompression == .gzip ? try Gzip.decompress(stored) : stored)
        } catch {
            throw Refusal(description: "\(path): a directory cannot be read (\(error))")
        }
    }

    /// The tile's bytes as stored (compressed as `header.tileCompression` says), or nil when the archive has none.
    public func tile(_ tile: WebMercator.Tile) throws -> Data? {
        guard tile.isValid else { return nil }
        let id = PMTiles.tileID(tile)
        var entries = root
        for _ in 0..<4 {
            guard let entry = PMTiles.find(id, in: entries) else { return nil }
            if entry.runLength > 0 { return try Self.bytes(file, offset: header.tileDataOffset + entry.offset, length: entry.length) }
            entries = try Self.directory(file, header, offset: header.leafDirectoriesOffset + entry.offset, length: entry.length, path: path)
        }
        return nil
    }

    /// The archive's JSON metadata.
    public func metadata() throws -> Data {
        let stored = try Self.bytes(file, offset: header.metadataOffset, length: header.metadataLength)
        return header.internalCompression == .gzip ? try Gzip.decompress(stored) : stored
    }
}
