import CPROJ
import Foundation

/// A PROJ transformation between two CRSs, in GIS axis order (lon/lat, easting/northing).
/// Not thread-safe: make one per task.
public final class CoordinateTransform {
    private let context: OpaquePointer
    private let transform: OpaquePointer
    private let log = ProjLog()

    /// `source` / `target`: any definition PROJ understands ("EPSG:2154", "EPSG:4326", WKT).
    public init(from source: String, to target: String) throws {
        guard let context = proj_context_create() else { throw GeoError("create PROJ context") }
        self.context = context
        proj_log_func(context, Unmanaged.passUnretained(log).toOpaque(), projLogHandler)
        guard let raw = proj_create_crs_to_crs(context, source, target, nil) else {
            let message = log.lastMessage
            proj_context_destroy(context)
            throw GeoError("transform from \(source.prefix(60)) to \(target.prefix(60))", libraryMessage: message)
        }
        guard let normalised = proj_normalize_for_visualization(context, raw) else {
            proj_destroy(raw)
            let message = log.lastMessage
            proj_context_destroy(context)
            throw GeoError("normalise axis order", libraryMessage: message)
        }
        proj_destroy(raw)
        transform = normalised
    }

    deinit {
        proj_destroy(transform)
        proj_context_destroy(context)
    }

    /// Transforms one point; throws when PROJ cannot (e.g. outside the CRS's domain).
    public func transform(x: Double, y: Double) throws -> (x: Double, y: Double) {
        let output = proj_trans(transform, PJ_FWD, proj_coord(x, y, 0, 0))
        guard output.xy.x.isFinite, output.xy.y.isFinite else {
            throw GeoError("transform point (\(x), \(y))", libraryMessage: log.lastMessage)
        }
        return (output.xy.x, output.xy.y)
    }

    /// Transforms many points in place.
    public func transform(xs: inout [Double], ys: inout [Double]) throws {
        precondition(xs.count == ys.count)
        let count = xs.count
        let stride = MemoryLayout<Double>.stride
        xs.withUnsafeMutableBufferPointer { x in
            ys.withUnsafeMutableBufferPointer { y in
                _ = proj_trans_generic(transform, PJ_FWD,
                                       x.baseAddress, stride, count,
                                       y.baseAddress, stride, count,
                                       nil, 0, 0, nil, 0, 0)
            }
        }
        if let bad = xs.indices.first(where: { !xs[$0].isFinite || !ys[$0].isFinite }) {
            throw GeoError("transform point #\(bad)", libraryMessage: log.lastMessage)
        }
    }
}

/// Collects PROJ's messages instead of letting them reach stderr.
final class ProjLog {
    var lastMessage = ""
}

private let projLogHandler: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?) -> Void = { data, _, message in
    guard let data, let message else { return }
    Unmanaged<ProjLog>.fromOpaque(data).takeUnretainedValue().lastMessage = String(cString: message)
}
