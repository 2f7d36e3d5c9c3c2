import Foundation

/// PMTiles version 3 (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): one file holding a tile
/// pyramid, read with HTTP range requests. A 127-byte header, a root directory within the first 16 KiB, JSON
/// metadata, leaf directories, then the tile data. Tiles are addressed by a single number that runs zoom by zoom
/// along a Hilbert curve, so neighbouring tiles sit side by side in the file.
public enum PMTiles {
    public static let headerSize = 127
    /// The header and the root directory fit in the first 16 KiB: one request opens the archive.
    public static let rootBudget = 16_384 - headerSize

    public enum Compression: UInt8, Sendable { case unknown = 0, none = 1, gzip = 2, brotli = 3, zstd = 4 }
    public enum TileType: UInt8, Sendable { case unknown = 0, mvt = 1, png = 2, jpeg = 3, webp = 4, avif = 5 }

    public struct Header: Equatable, Sendable {
        public var rootOffset = 0, rootLength = 0
        public var metadataOffset = 0, metadataLength = 0
        public var leafDirectoriesOffset = 0, leafDirectoriesLength = 0
        public var tileDataOffset = 0, tileDataLength = 0
        public var addressedTiles = 0, tileEntries = 0, tileContents = 0
        public var clustered = true
        public var internalCompression = Compression.gzip
        public var tileCompression = Compression.none
        public var tileType = TileType.png
        public var minZoom = 0, maxZoom = 0
        /// Degrees × 10⁷, as the format stores them.
        public var minLonE7: Int32 = 0, minLatE7: Int32 = 0, maxLonE7: Int32 = 0, maxLatE7: Int32 = 0
        public var centerZoom = 0
        public var centerLonE7: Int32 = 0, centerLatE7: Int32 = 0

        public init() {}

        public func encoded() -> Data {
            var data = Data("PMTiles".utf8)
            data.append(3)
            for value in [rootOffset, rootLength, metadataOffset, metadataLength, leafDirectoriesOffset, leafDirectoriesLength,
                          tileDataOffset, tileDataLength, addressedTiles, tileEntries, tileContents] {
                withUnsafeBytes(of: UInt64(value).littleEndian) { data.append(contentsOf: $0) }
            }
            data.append(contentsOf: [clustered ? 1 : 0, internalCompression.rawValue, tileCompression.rawValue, tileType.rawValue,
                                     UInt8(minZoom), UInt8(maxZoom)])
            for value in [minLonE7, minLatE7, maxLonE7, maxLatE7] { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
            data.append(UInt8(centerZoom))
            for value in [centerLonE7, centerLatE7] { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
            return data
        }

        /// The header of `bytes` (the file's first 127 bytes or more); nil when they are not PMTiles version 3.
        public init?(decoding bytes: Data) {
            let b = [UInt8](bytes.prefix(headerSize))
            guard b.count == headerSize, b.starts(with: Array("PMTiles".utf8)), b[7] == 3 else { return nil }
            func u64(_ at: Int) -> Int { Int(truncatingIfNeeded: (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) }) }
            func i32(_ at: Int) -> Int32 { Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) }) }
            rootOffset = u64(8); rootLength = u64(16); metadataOffset = u64(24); metadataLength = u64(32)
            leafDirectoriesOffset = u64(40); leafDirectoriesLength = u64(48); tileDataOffset = u64(56); tileDataLength = u64(64)
            addressedTiles = u64(72); tileEntries = u64(80); tileContents = u64(88)
            clustered = b[96] == 1
            internalCompression = Compression(rawValue: b[97]) ?? .unknown
            tileCompression = Compression(rawValue: b[98]) ?? .unknown
            tileType = TileType(rawValue: b[99]) ?? .unknown
            minZoom = Int(b[100]); maxZoom = Int(b[101])
            minLonE7 = i32(102); minLatE7 = i32(106); maxLonE7 = i32(110); maxLatE7 = i32(114)
            centerZoom = Int(b[118]); centerLonE7 = i32(119); centerLatE7 = i32(123)
        }

        public static func e7(_ degrees: Double) -> Int32 { Int32((degrees * 10_000_000).rounded()) }
    }

    /// A run of `runLength` consecutive tile ids sharing the bytes at `offset` (from the tile data's start); a run
    /// length of 0 points at a leaf directory instead (offset from the leaf section's start).
    public struct Entry: Equatable, Sendable {
        public var tileID: UInt64
        public var offset: Int
        public var length: Int
        public var runLength: Int
        public init(tileID: UInt64, offset: Int, length: Int, runLength: Int) {
            self.tileID = tileID; self.offset = offset; self.length = length; self.runLength = runLength
        }
    }

    /// The tile's id: the tiles of all lower zooms, then its place on zoom z's Hilbert curve.
    public static func tileID(_ tile: WebMercator.Tile) -> UInt64 {
        let z = UInt64(tile.z)
        var id: UInt64 = ((1 << (2 * z)) - 1) / 3
        var x = UInt64(tile.x), y = UInt64(tile.y)
        var a = z
        while a > 0 {
            a -= 1
            let s: UInt64 = 1 << a
            let rx: UInt64 = x & s != 0 ? 1 : 0, ry: UInt64 = y & s != 0 ? 1 : 0
            id += ((3 * rx) ^ ry) << (2 * a)
            (x, y) = rotate(s, x, y, rx, ry)
        }
        return id
    }

    /// The tile with id `id` (the inverse of `tileID`).
    public static func tile(_ id: UInt64) -> WebMercator.Tile {
        var z: UInt64 = 0
        while z < 31, ((1 << (2 * (z + 1))) - 1) / 3 <= id { z += 1 }
        var position = id - ((1 << (2 * z)) - 1) / 3
        var x: UInt64 = 0, y: UInt64 = 0, s: UInt64 = 1
        while s < 1 << z {
            let rx = (position / 2) & 1, ry = (position ^ rx) & 1
            (x, y) = rotate(s, x, y, rx, ry)
            x += s * rx; y += s * ry
            position >>= 2
            s <<= 1
        }
        return WebMercator.Tile(z: Int(z), x: Int(x), y: Int(y))
    }

    @inline(__always)
    static func rotate(_ s: UInt64, _ x: UInt64, _ y: UInt64, _ rx: UInt64, _ ry: UInt64) -> (UInt64, UInt64) {
        guard ry == 0 else { return (x, y) }
        // Wrapping: x and y may exceed s here; only their bits below s matter from now on.
        return rx == 1 ? (s &- 1 &- y, s &- 1 &- x) : (y, x)
    }

    /// A directory's bytes before compression: the count, then each column of the entries as varints (ids as
    /// differences; an offset of 0 means "right after the previous tile", otherwise offset + 1).
    public static func encode(_ entries: [Entry]) -> Data {
        var data = Data()
        data.reserveCapacity(entries.count * 6)
        func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 { data.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
            data.append(UInt8(v))
        }
        varint(UInt64(entries.count))
        var last: UInt64 = 0
        for entry in entries { varint(entry.tileID - last); last = entry.tileID }
        for entry in entries { varint(UInt64(entry.runLength)) }
        for entry in entries { varint(UInt64(entry.length)) }
        for (i, entry) in entries.enumerated() {
            let follows = i > 0 && entry.offset == entries[i - 1].offset + entries[i - 1].length
            varint(follows ? 0 : UInt64(entry.offset) + 1)
        }
        return data
    }

    public struct MalformedDirectory: Error, CustomStringConvertible {
        public var description: String { "a PMTiles directory ends early or holds impossible numbers" }
    }

    public static func decode(_ data: Data) throws -> [Entry] {
        let bytes = [UInt8](data)
        var at = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard at < bytes.count, shift < 64 else { throw MalformedDirectory() }
                let byte = bytes[at]; at += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        let count = Int(clamping: try varint())
        guard count <= bytes.count else { throw MalformedDirectory() }
        var entries = [Entry](repeating: Entry(tileID: 0, offset: 0, length: 0, runLength: 0), count: count)
        var id: UInt64 = 0
        for i in 0..<count { id &+= try varint(); entries[i].tileID = id }
        for i in 0..<count { entries[i].runLength = Int(clamping: try varint()) }
        for i in 0..<count { entries[i].length = Int(clamping: try varint()) }
        for i in 0..<count {
            let value = try varint()
            if i > 0 && value == 0 { entries[i].offset = entries[i - 1].offset + entries[i - 1].length }
            else { guard value > 0 else { throw MalformedDirectory() }; entries[i].offset = Int(clamping: value - 1) }
        }
        return entries
    }

    /// The entry holding `id` in a sorted directory: the tile's run, or the leaf directory that covers it.
    public static func find(_ id: UInt64, in entries: [Entry]) -> Entry? {
        var low = 0, high = entries.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if entries[middle].tileID == id { return entries[middle] }
            if entries[middle].tileID < id { low = middle + 1 } else { high = middle - 1 }
        }
        guard high >= 0 else { return nil }
        let candidate = entries[high]
        if candidate.runLength == 0 || id - candidate.tileID < UInt64(candidate.runLength) { return candidate }
        return nil
    }
}
