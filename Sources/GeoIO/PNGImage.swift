import CDeflate
import Foundation

/// PNG encoding of an RGBA image, written directly (signature, IHDR, one zlib IDAT, IEND): no GDAL dataset per
/// image, which matters for tiles drawn on demand.
public enum PNGImage {
    /// Encodes `rgba` (row-major, 4 bytes per pixel, `width × height`) as PNG bytes, losslessly. `compression` is the
    /// deflate level, 1–12 (libdeflate's).
    ///
    /// An image of at most 256 colours — most tiles: a tile spans a few degrees of a colour ramp — is written with a
    /// palette, one byte a pixel: a quarter of the bytes to compress, and smaller files. Other images are written as
    /// RGBA with Paeth-filtered rows. Measured on tiles of the 2 m metropolis in `Benchmarks/RESULTS.md`.
    public static func encode(rgba: [UInt8], width: Int, height: Int, compression: Int = 4) throws -> Data {
        precondition(rgba.count == width * height * 4)
        let found = rgba.withUnsafeBytes { raw in raw.withMemoryRebound(to: UInt32.self) { palette(of: $0) } }
        if let (colours, indices) = found {
            return try indexed(colours: colours, indices: indices, width: width, height: height, compression: compression)
        }
        return try trueColour(rgba: rgba, width: width, height: height, compression: compression)
    }

    /// The same, from pixels packed R, G, B, A in memory order.
    public static func encode(pixels: [UInt32], width: Int, height: Int, compression: Int = 4) throws -> Data {
        precondition(pixels.count == width * height)
        if let (colours, indices) = pixels.withUnsafeBufferPointer({ palette(of: $0) }) {
            return try indexed(colours: colours, indices: indices, width: width, height: height, compression: compression)
        }
        return try trueColour(rgba: pixels.withUnsafeBytes { Array($0) }, width: width, height: height, compression: compression)
    }

    /// The image's colours (RGBA packed in memory order) and each pixel's index among them, or nil when the image has
    /// more than 256 colours. Runs of one colour skip the lookup.
    static func palette(of pixels: UnsafeBufferPointer<UInt32>) -> (colours: [UInt32], indices: [UInt8])? {
        var palette = PaletteIndex()
        var indices = [UInt8](repeating: 0, count: pixels.count)
        let complete = indices.withUnsafeMutableBufferPointer { out in
            var last = UInt32(0), lastIndex: UInt8 = 0, haveLast = false
            for i in 0..<pixels.count {
                let colour = pixels[i]
                if haveLast && colour == last { out[i] = lastIndex; continue }
                guard let k = palette.index(of: colour) else { return false }
                lastIndex = UInt8(k); last = colour; haveLast = true
                out[i] = lastIndex
            }
            return true
        }
        return complete ? (palette.colours, indices) : nil
    }

    /// Colour type 3: PLTE with the colours (at most 256, packed R, G, B, A in memory order), tRNS with their alphas
    /// when any is not opaque, rows of one index a pixel, unfiltered (PNG's advice for palette images: differences of
    /// indices mean nothing).
    public static func indexed(colours: [UInt32], indices: [UInt8], width: Int, height: Int, compression: Int) throws -> Data {
        var rows = [UInt8](repeating: 0, count: (width + 1) * height)
        indices.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { dst in
                for row in 0..<height {
                    // dst[row * (width + 1)] stays 0: filter "None".
                    let target = UnsafeMutableRawPointer(dst.baseAddress! + row * (width + 1) + 1)
                    target.copyMemory(from: src.baseAddress! + row * width, byteCount: width)
                }
            }
        }
        var plte = Data(), trns = Data()
        for colour in colours {
            let bytes = Swift.withUnsafeBytes(of: colour) { Array($0) } // memory order: R, G, B, A
            plte.append(contentsOf: bytes[0..<3])
            trns.append(bytes[3])
        }
        var png = signature
        png.appendChunk("IHDR", header(width: width, height: height, colourType: 3))
        png.appendChunk("PLTE", plte)
        if trns.contains(where: { $0 != 255 }) { png.appendChunk("tRNS", trns) }
        png.appendChunk("IDAT", try zlib(rows, level: compression))
        png.appendChunk("IEND", Data())
        return png
    }

    /// Colour type 6 (RGBA). Rows use the PNG "Paeth" filter (each byte minus its best guess from the left, upper and
    /// upper-left bytes): on colour ramps it compresses 10 % better than "Sub", so a faster level gives the same size.
    static func trueColour(rgba: [UInt8], width: Int, height: Int, compression: Int) throws -> Data {
        let stride = width * 4
        var filtered = [UInt8](repeating: 0, count: (stride + 1) * height)
        rgba.withUnsafeBufferPointer { src in
            filtered.withUnsafeMutableBufferPointer { dst in
                for row in 0..<height {
                    let o = row * (stride + 1), s = row * stride
                    dst[o] = 4 // Paeth
                    // The first pixel has no left neighbours, the first row no upper ones: their guesses are the upper byte and the left byte.
                    for i in 0..<min(4, stride) { dst[o + 1 + i] = src[s + i] &- (row > 0 ? src[s - stride + i] : 0) }
                    guard stride > 4 else { continue }
                    if row == 0 {
                        for i in 4..<stride { dst[o + 1 + i] = src[s + i] &- src[s + i - 4] }
                        continue
                    }
                    for i in 4..<stride {
                        let a = Int(src[s + i - 4]), b = Int(src[s - stride + i]), c = Int(src[s - stride + i - 4])
                        let pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c)
                        let guess = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                        dst[o + 1 + i] = src[s + i] &- UInt8(truncatingIfNeeded: guess)
                    }
                }
            }
        }
        var png = signature
        png.appendChunk("IHDR", header(width: width, height: height, colourType: 6))
        png.appendChunk("IDAT", try zlib(filtered, level: compression))
        png.appendChunk("IEND", Data())
        return png
    }

    static let signature = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

    /// 8 bits a sample, deflate, adaptive filtering, no interlace.
    static func header(width: Int, height: Int, colourType: UInt8) -> Data {
        var header = Data()
        header.appendBigEndian(UInt32(width)); header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, colourType, 0, 0, 0])
        return header
    }

    /// A zlib stream of `bytes` by libdeflate at `level` (1–12).
    static func zlib(_ bytes: [UInt8], level: Int) throws -> Data {
        try Gzip.libdeflate(bytes, level: level, operation: "encode PNG", bound: libdeflate_zlib_compress_bound, compress: libdeflate_zlib_compress)
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
        let crc = body.withUnsafeBytes { libdeflate_crc32(0, $0.baseAddress, $0.count) }
        appendBigEndian(UInt32(crc))
    }
}

/// Up to 256 colours numbered in the order they are first seen, looked up in a small open-addressing table.
public struct PaletteIndex {
    public init() {}
    private static let slotCount = 1024 // ≤ 256 colours: the table stays at most a quarter full
    private var slots = [Int16](repeating: -1, count: slotCount), keys = [UInt32](repeating: 0, count: slotCount)
    public private(set) var colours: [UInt32] = []

    /// The colour's number, a new one when it is first seen; nil when it would be the 257th.
    @inline(__always)
    public mutating func index(of colour: UInt32) -> Int? {
        var slot = Int((colour &* 2_654_435_761) >> 22) // Fibonacci hashing: the top 10 bits
        while slots[slot] >= 0 && keys[slot] != colour { slot = (slot + 1) & (Self.slotCount - 1) }
        if slots[slot] >= 0 { return Int(slots[slot]) }
        guard colours.count < 256 else { return nil }
        slots[slot] = Int16(colours.count); keys[slot] = colour
        colours.append(colour)
        return colours.count - 1
    }
}
