import CGDAL

/// An error from GDAL, OGR, PROJ or GEOS, carrying the library's own message and what we were doing.
public struct GeoError: Error, CustomStringConvertible, Sendable {
    /// What the engine was doing (e.g. "open raster /data/canopy.tif").
    public let operation: String
    /// The C library's own message, when it gave one.
    public let libraryMessage: String

    public init(_ operation: String, libraryMessage: String = "") {
        self.operation = operation
        self.libraryMessage = libraryMessage
    }

    public var description: String {
        libraryMessage.isEmpty ? operation : "\(operation): \(libraryMessage)"
    }

    /// Builds an error from GDAL's thread-local last error; call it right after the failing call.
    static func gdal(_ operation: String) -> GeoError {
        let message = CPLGetLastErrorMsg().map { String(cString: $0) } ?? ""
        return GeoError(operation, libraryMessage: message)
    }
}

/// GDAL set-up done once per process: drivers registered, GDAL kept off stderr (errors come back as Swift errors).
let gdalRuntime: Void = {
    GDALAllRegister()
    CPLSetErrorHandler(CPLQuietErrorHandler)
}()

/// Runs a GDAL call with a clean error state so that a failure's message is the call's own.
@inline(__always)
func gdalCall<R>(_ body: () throws -> R) rethrows -> R {
    _ = gdalRuntime
    CPLErrorReset()
    return try body()
}

/// Calls `body` with a NULL-terminated C string list (GDAL's `char **` options), freed afterwards.
func withCStringList<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws -> R) rethrows -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for pointer in pointers { free(pointer) } }
    return try pointers.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
}

/// The same list seen as `const char *const *` (GDAL's CSLConstList).
func withConstCStringList<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> R) rethrows -> R {
    try withCStringList(strings) { list in
        try list.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: strings.count + 1) { try body(UnsafePointer($0)) }
    }
}

/// GDAL's version string, e.g. "3.6.2".
public var gdalVersion: String {
    _ = gdalRuntime
    return String(cString: GDALVersionInfo("RELEASE_NAME"))
}
