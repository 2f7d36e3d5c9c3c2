import Foundation

/// Web Mercator (EPSG:3857) and the XYZ tile scheme (y down from the north, as OpenStreetMap and Leaflet).
public enum WebMercator {
    public static let radius = 6_378_137.0
    public static let halfWorld = Double.pi * radius
    public static let tileSize = 256

    public struct Tile: Hashable, Sendable, CustomStringConvertible {
        public var z: Int, x: Int, y: Int
        public init(z: Int, x: Int, y: Int) { self.z = z; self.x = x; self.y = y }
        public var description: String { "\(z)/\(x)/\(y)" }
        public var isValid: Bool { z >= 0 && z <= 30 && x >= 0 && y >= 0 && x < 1 << z && y < 1 << z }
        /// The tile's bounds in EPSG:3857 metres.
        public var bounds: (minX: Double, minY: Double, maxX: Double, maxY: Double) {
            let size = 2 * halfWorld / Double(1 << z)
            return (-halfWorld + Double(x) * size, halfWorld - Double(y + 1) * size, -halfWorld + Double(x + 1) * size, halfWorld - Double(y) * size)
        }
    }

    /// Metres (3857) per pixel at zoom z.
    public static func resolution(z: Int) -> Double { 2 * halfWorld / Double(tileSize << z) }

    public static func project(longitude: Double, latitude: Double) -> (x: Double, y: Double) {
        let phi = max(-85.05112878, min(85.05112878, latitude)) * .pi / 180
        return (radius * longitude * .pi / 180, radius * log(tan(.pi / 4 + phi / 2)))
    }

    public static func unproject(x: Double, y: Double) -> (longitude: Double, latitude: Double) {
        (x / radius * 180 / .pi, (2 * atan(exp(y / radius)) - .pi / 2) * 180 / .pi)
    }

    /// Tiles of zoom z covering a lon/lat box.
    public static func tiles(z: Int, west: Double, south: Double, east: Double, north: Double) -> [Tile] {
        let n = 1 << z
        func column(_ lon: Double) -> Int { min(n - 1, max(0, Int(floor((lon + 180) / 360 * Double(n))))) }
        func row(_ lat: Double) -> Int {
            let y = project(longitude: 0, latitude: lat).y
            return min(n - 1, max(0, Int(floor((halfWorld - y) / (2 * halfWorld) * Double(n)))))
        }
        var out: [Tile] = []
        for y in row(north)...row(south) { for x in column(west)...column(east) { out.append(Tile(z: z, x: x, y: y)) } }
        return out
    }

    /// The zoom range a grid deserves: up to the first zoom whose pixels (on the ground, at the grid's latitude)
    /// are at most the cell size; down to the zoom where the whole grid fits in about one tile.
    public static func zoomRange(cellSize: Double, widthMetres: Double, latitude: Double) -> ClosedRange<Int> {
        let scale = cos(latitude * .pi / 180)
        var maxZoom = 0
        while maxZoom < 22 && resolution(z: maxZoom) * scale > cellSize { maxZoom += 1 }
        var minZoom = maxZoom
        while minZoom > 0 && resolution(z: minZoom) * scale * Double(tileSize) < widthMetres { minZoom -= 1 }
        return minZoom...maxZoom
    }
}
