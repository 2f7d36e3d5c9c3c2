import Foundation

/// Minimal little-endian WKB writers for the shapes the engine creates (points and polygons).
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
