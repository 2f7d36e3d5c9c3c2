import CDeflate
import Foundation

/// gzip members (RFC 1952) by libdeflate, whole in memory: the PMTiles directories and metadata.
public enum Gzip {
    public static func compress(_ bytes: Data, level: Int = 9) throws -> Data {
        try bytes.withUnsafeBytes { try libdeflate(Array($0.bindMemory(to: UInt8.self)), level: level, operation: "gzip",
                                                    bound: libdeflate_gzip_compress_bound, compress: libdeflate_gzip_compress) }
    }

    /// `bytes` compressed by libdeflate at `level` (1–12) in the container `bound` and `compress` write (zlib for
    /// PNG, gzip for PMTiles).
    static func libdeflate(_ bytes: [UInt8], level: Int, operation: String,
                           bound: (OpaquePointer?, Int) -> Int,
                           compress: (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int) -> Int) throws -> Data {
        guard let compressor = libdeflate_alloc_compressor(Int32(max(1, min(12, level)))) else {
            throw GeoError(operation, libraryMessage: "libdeflate: out of memory")
        }
        defer { libdeflate_free_compressor(compressor) }
        var compressed = [UInt8](repeating: 0, count: bound(compressor, bytes.count))
        let size = compressed.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { compress(compressor, $0.baseAddress, $0.count, out.baseAddress, out.count) }
        }
        guard size > 0 else { throw GeoError(operation, libraryMessage: "libdeflate: the output did not fit its bound") }
        return Data(compressed[0..<size])
    }

    /// The member's bytes, refused when they would exceed `limit` (a file read from elsewhere cannot ask for unbounded memory).
    public static func decompress(_ member: Data, limit: Int = 256 << 20) throws -> Data {
        guard member.count >= 18 else { throw GeoError("gunzip", libraryMessage: "too short to be gzip (\(member.count) bytes)") }
        guard let decompressor = libdeflate_alloc_decompressor() else { throw GeoError("gunzip", libraryMessage: "libdeflate: out of memory") }
        defer { libdeflate_free_decompressor(decompressor) }
        // The trailer's ISIZE is the size modulo 2^32: a first guess, grown if the stream says it is short.
        let trailer = member.suffix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var capacity = max(64, trailer)
        while capacity <= limit {
            var out = [UInt8](repeating: 0, count: capacity)
            var written = 0
            let result = out.withUnsafeMutableBufferPointer { o in
                member.withUnsafeBytes { libdeflate_gzip_decompress(decompressor, $0.baseAddress, $0.count, o.baseAddress, o.count, &written) }
            }
            switch result {
            case LIBDEFLATE_SUCCESS: return Data(out[0..<written])
            case LIBDEFLATE_INSUFFICIENT_SPACE: capacity *= 4
            default: throw GeoError("gunzip", libraryMessage: "not a valid gzip stream (libdeflate result \(result.rawValue))")
            }
        }
        throw GeoError("gunzip", libraryMessage: "decompresses to more than \(limit) bytes")
    }
}
