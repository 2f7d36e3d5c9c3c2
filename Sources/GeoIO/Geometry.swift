import CGEOS
import Foundation

/// A GEOS context: single-thread; make one per task and create the task's geometries with it.
public final class GeometryContext {
    let handle: GEOSContextHandle_t
    let messages = GEOSMessages()

    public init() {
        handle = GEOS_init_r()
        GEOSContext_setErrorMessageHandler_r(handle, geosMessageHandler, Unmanaged.passUnretained(messages).toOpaque())
    }

    deinit { GEOS_finish_r(handle) }
}

final class GEOSMessages { var last = "" }

private let geosMessageHandler: GEOSMessageHandler_r = { message, data in
    guard let message, let data else { return }
    Unmanaged<GEOSMessages>.fromOpaque(data).takeUnretainedValue().last = String(cString: message)
}

/// A planar geometry (GEOS), owned; its context is kept alive with it.
public final class Geometry {
    let handle: OpaquePointer
    public let context: GeometryContext

    init(handle: OpaquePointer, context: GeometryContext) {
        self.handle = handle
        self.context = context
    }

    deinit { GEOSGeom_destroy_r(context.handle, handle) }

    public convenience init(wkb: [UInt8], context: GeometryContext = GeometryContext()) throws {
        guard let reader = GEOSWKBReader_create_r(context.handle) else { throw GeoError("create WKB reader") }
        defer { GEOSWKBReader_destroy_r(context.handle, reader) }
        let geometry = wkb.withUnsafeBufferPointer { GEOSWKBReader_read_r(context.handle, reader, $0.baseAddress, $0.count) }
        guard let geometry else { throw GeoError("read WKB geometry", libraryMessage: context.messages.last) }
        self.init(handle: geometry, context: context)
    }

    public convenience init(wkt: String, context: GeometryContext = GeometryContext()) throws {
        guard let reader = GEOSWKTReader_create_r(context.handle) else { throw GeoError("create WKT reader") }
        defer { GEOSWKTReader_destroy_r(context.handle, reader) }
        guard let geometry = GEOSWKTReader_read_r(context.handle, reader, wkt) else {
            throw GeoError("read WKT geometry", libraryMessage: context.messages.last)
        }
        self.init(handle: geometry, context: context)
    }

    private func wrap(_ result: OpaquePointer?, _ operation: String) throws -> Geometry {
        guard let result else { throw GeoError(operation, libraryMessage: context.messages.last) }
        return Geometry(handle: result, context: context)
    }

    public var isEmpty: Bool { GEOSisEmpty_r(context.handle, handle) == 1 }
    public var isValid: Bool { GEOSisValid_r(context.handle, handle) == 1 }

    /// Why the geometry is invalid ("Self-intersection[x y]"), or "Valid Geometry".
    public var validityReason: String {
        guard let reason = GEOSisValidReason_r(context.handle, handle) else { return "unknown" }
        defer { GEOSFree_r(context.handle, reason) }
        return String(cString: reason)
    }

    public var typeName: String {
        guard let name = GEOSGeomType_r(context.handle, handle) else { return "unknown" }
        defer { GEOSFree_r(context.handle, name) }
        return String(cString: name)
    }

    public var vertexCount: Int { Int(GEOSGetNumCoordinates_r(context.handle, handle)) }

    /// Planar area in CRS units².
    public var area: Double {
        var value = 0.0
        GEOSArea_r(context.handle, handle, &value)
        return value
    }

    public var length: Double {
        var value = 0.0
        GEOSLength_r(context.handle, handle, &value)
        return value
    }

    /// (minX, minY, maxX, maxY).
    public var bounds: (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        var minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0
        GEOSGeom_getXMin_r(context.handle, handle, &minX); GEOSGeom_getYMin_r(context.handle, handle, &minY)
        GEOSGeom_getXMax_r(context.handle, handle, &maxX); GEOSGeom_getYMax_r(context.handle, handle, &maxY)
        return (minX, minY, maxX, maxY)
    }

    public func buffer(_ distance: Double, quadrantSegments: Int = 8) throws -> Geometry {
        try wrap(GEOSBuffer_r(context.handle, handle, distance, Int32(quadrantSegments)), "buffer by \(distance)")
    }

    public func intersection(_ other: Geometry) throws -> Geometry {
        try wrap(GEOSIntersection_r(context.handle, handle, other.handle), "intersection")
    }

    public func union(_ other: Geometry) throws -> Geometry {
        try wrap(GEOSUnion_r(context.handle, handle, other.handle), "union")
    }

    public func difference(_ other: Geometry) throws -> Geometry {
        try wrap(GEOSDifference_r(context.handle, handle, other.handle), "difference")
    }

    public func intersects(_ other: Geometry) -> Bool { GEOSIntersects_r(context.handle, handle, other.handle) == 1 }
    public func contains(_ other: Geometry) -> Bool { GEOSContains_r(context.handle, handle, other.handle) == 1 }

    public var wkb: [UInt8] {
        guard let writer = GEOSWKBWriter_create_r(context.handle) else { return [] }
        defer { GEOSWKBWriter_destroy_r(context.handle, writer) }
        var size = 0
        guard let bytes = GEOSWKBWriter_write_r(context.handle, writer, handle, &size) else { return [] }
        defer { GEOSFree_r(context.handle, bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    public var wkt: String {
        guard let writer = GEOSWKTWriter_create_r(context.handle) else { return "" }
        defer { GEOSWKTWriter_destroy_r(context.handle, writer) }
        guard let text = GEOSWKTWriter_write_r(context.handle, writer, handle) else { return "" }
        defer { GEOSFree_r(context.handle, text) }
        return String(cString: text)
    }
}
