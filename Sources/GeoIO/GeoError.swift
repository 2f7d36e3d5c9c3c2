import CGDAL
import Foundation

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

    /// A failed write to `path`: GDAL's message (often only "Write error at scanline 0"), and when the disk holding
    /// the file is (nearly) full, that reason in plain words.
    static func gdalWrite(_ operation: String, path: String) -> GeoError {
        let error = gdal(operation)
        guard let free = freeBytes(near: path), free < 1 << 20 else { return error }
        return GeoError(operation, libraryMessage: error.libraryMessage + " — No space left on device (\(free) bytes free on the disk holding \(path))")
    }

    /// Free bytes on the file system holding `path` (its nearest existing folder); nil for GDAL's virtual paths.
    static func freeBytes(near path: String) -> UInt64? {
        guard !path.hasPrefix("/vsi") else { return nil }
        var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.path), folder.path != "/" { folder.deleteLastPathComponent() }
        var stats = statvfs()
        guard statvfs(folder.path, &stats) == 0 else { return nil }
        return UInt64(stats.f_bavail) * UInt64(stats.f_frsize)
    }
}

/// GDAL set-up done once per process: drivers registered, GDAL kept off stderr (errors come back as Swift errors).
let gdalRuntime: Void = {
    GDALAllRegister()
    CPLSetErrorHandler(CPLQuietErrorHandler)
}()

/// GDAL's block cache (decoded raster blocks, shared by every open dataset): bounded so that a long-running process
/// such as the server stays within its memory (GDAL's default is 5 % of the machine's RAM).
public enum RasterBlockCache {
    public static var maxBytes: Int {
        get { _ = gdalRuntime; return Int(GDALGetCacheMax64()) }
        set { _ = gdalRuntime; GDALSetCacheMax64(Int64(newValue)) }
    }
}

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
