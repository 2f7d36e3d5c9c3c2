import Foundation

/// Minimal little-endian WKB writers for the shapes the engine creates (points, lines and polygons), and a reader.
public enum WKB {
    public static func point(x: Double, y: Double) -> [UInt8] {
        var bytes: [UInt8] = [1]
        append(UInt32(1), to: &bytes)
        append(x, to: &bytes); append(y, to: &bytes)
        return bytes
    }

    /// A polygon from rings of (x, y); each ring is closed here if it is not already.
    public static func polygon(_ rings: [[(x: Double, y: Double)]]) -> [UInt8] {
        var bytes: [UInt8] = [1]
        append(UInt32(3), to: &bytes)
        append(UInt32(rings.count), to: &bytes)
        for ring in rings {
            var points = ring
            if let first = ring.first, let last = ring.last, first != last { points.append(first) }
            append(UInt32(points.count), to: &bytes)
            for p in points { append(p.x, to: &bytes); append(p.y, to: &bytes) }
        }
        return bytes
    }

    public static func lineString(_ points: [(x: Double, y: Double)]) -> [UInt8] {
        var bytes: [UInt8] = [1]
        append(UInt32(2), to: &bytes)
        append(UInt32(points.count), to: &bytes)
        for p in points { append(p.x, to: &bytes); append(p.y, to: &bytes) }
        return bytes
    }

    public static func rectangle(minX: Double, minY: Double, maxX: Double, maxY: Double) -> [UInt8] {
        polygon([[(minX, minY), (maxX, minY), (maxX, maxY), (minX, maxY)]])
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func append(_ value: Double, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

extension WKB {
    /// The vertices of a WKB geometry, in 2-D: points and line strings as lines (a point is a one-vertex line),
    /// polygons as their rings.
    public struct Shape: Sendable {
        public var lines: [[(x: Double, y: Double)]] = []
        public var polygons: [[[(x: Double, y: Double)]]] = []
    }

    /// Reads a WKB geometry of either byte order, multi-part geometries and collections included; Z and M values
    /// are skipped. Nil when the bytes are not valid WKB.
    public static func shape(_ wkb: [UInt8]) -> Shape? {
        var reader = Reader(bytes: wkb)
        var out = Shape()
        guard reader.geometry(into: &out), reader.offset == wkb.count else { return nil }
        return out
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var littleEndian = true

        mutating func uint32() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(bytes[offset + k]) << (8 * k) }
            offset += 4
            return littleEndian ? v : v.byteSwapped
        }

        mutating func double() -> Double? {
            guard offset + 8 <= bytes.count else { return nil }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[offset + k]) << (8 * k) }
            offset += 8
            return Double(bitPattern: littleEndian ? v : v.byteSwapped)
        }

        /// A count of items each at least `minBytes` long: refused when the rest of the bytes cannot hold them.
        mutating func count(minBytes: Int) -> Int? {
            guard let n = uint32(), Int(n) * minBytes <= bytes.count - offset else { return nil }
            return Int(n)
        }

        mutating func points(dimensions: Int) -> [(x: Double, y: Double)]? {
            guard let n = count(minBytes: 8 * dimensions) else { return nil }
            var line: [(x: Double, y: Double)] = []
            line.reserveCapacity(n)
            for _ in 0..<n {
                guard let x = double(), let y = double() else { return nil }
                for _ in 2..<dimensions { guard double() != nil else { return nil } }
                line.append((x, y))
            }
            return line
        }

        mutating func geometry(into out: inout Shape) -> Bool {
            guard offset < bytes.count else { return false }
            littleEndian = bytes[offset] == 1
            offset += 1
            guard let raw = uint32() else { return false }
            // ISO codes (1000s for Z, 2000s for M, 3000s for ZM) and the EWKB/OGR high-bit flags.
            var code = Int(raw & 0x0FFF_FFFF)
            var dimensions = 2
            if raw & 0x8000_0000 != 0 { dimensions += 1 }
            if raw & 0x4000_0000 != 0 { dimensions += 1 }
            switch code / 1000 { case 1, 2: dimensions += 1; case 3: dimensions += 2; default: break }
            code %= 1000
            switch code {
            case 1:
                var point: [(x: Double, y: Double)] = []
                guard let x = double(), let y = double() else { return false }
                for _ in 2..<dimensions { guard double() != nil else { return false } }
                if !x.isNaN { point.append((x, y)) }
                out.lines.append(point)
            case 2:
                guard let line = points(dimensions: dimensions) else { return false }
                out.lines.append(line)
            case 3:
                guard let rings = count(minBytes: 4) else { return false }
                var polygon: [[(x: Double, y: Double)]] = []
                for _ in 0..<rings { guard let ring = points(dimensions: dimensions) else { return false }; polygon.append(ring) }
                out.polygons.append(polygon)
            case 4, 5, 6, 7:
                guard let parts = count(minBytes: 5) else { return false }
                for _ in 0..<parts { guard geometry(into: &out) else { return false } }
            default:
                return false
            }
            return true
        }
    }
}
