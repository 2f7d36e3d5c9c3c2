import CZlib
import Foundation

/// PNG encoding of an RGBA image, written directly (signature, IHDR, one zlib IDAT, IEND): no GDAL dataset per
/// image, which matters for tiles drawn on demand.
public enum PNGImage {
    /// Encodes `rgba` (row-major, 4 bytes per pixel, `width × height`) as PNG bytes. `compression` is zlib's level 1–9.
    /// Rows use the PNG "Sub" filter (each byte minus the one 4 bytes left), which helps smooth colour ramps compress.
    public static func encode(rgba: [UInt8], width: Int, height: Int, compression: Int = 6) throws -> Data {
        precondition(rgba.count == width * height * 4)
        let stride = width * 4
        var filtered = [UInt8](repeating: 0, count: (stride + 1) * height)
        rgba.withUnsafeBufferPointer { src in
            filtered.withUnsafeMutableBufferPointer { dst in
                for row in 0..<height {
                    let o = row * (stride + 1), s = row * stride
                    dst[o] = 1 // Sub
                    for i in 0..<min(4, stride) { dst[o + 1 + i] = src[s + i] }
                    if stride > 4 { for i in 4..<stride { dst[o + 1 + i] = src[s + i] &- src[s + i - 4] } }
                }
            }
        }
        var bound = compressBound(uLong(filtered.count))
        var compressed = [UInt8](repeating: 0, count: Int(bound))
        let status = compressed.withUnsafeMutableBufferPointer { out in
            filtered.withUnsafeBufferPointer { compress2(out.baseAddress, &bound, $0.baseAddress, uLong($0.count), Int32(max(1, min(9, compression)))) }
        }
        guard status == Z_OK else { throw GeoError("encode PNG", libraryMessage: "zlib error \(status)") }
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.appendBigEndian(UInt32(width)); header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, 6, 0, 0, 0]) // 8 bits, RGBA, deflate, adaptive filtering, no interlace
        png.appendChunk("IHDR", header)
        png.appendChunk("IDAT", Data(compressed[0..<Int(bound)]))
        png.appendChunk("IEND", Data())
        return png
    }
}

extension Data {
    mutating func appendBigEndian(_ value: UInt32) { Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) } }

    /// A PNG chunk: length, type, data, CRC-32 of type + data.
    mutating func appendChunk(_ type: String, _ data: Data) {
        appendBigEndian(UInt32(data.count))
        var body = Data(type.utf8)
        body.append(data)
        append(body)
        let crc = body.withUnsafeBytes { crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, uInt($0.count)) }
        appendBigEndian(UInt32(crc))
    }
}
