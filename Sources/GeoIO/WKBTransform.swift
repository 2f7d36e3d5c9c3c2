import CGDAL

extension WKB {
    /// The geometry reprojected from `source` to `target` (OGR, axis order x = east, y = north).
    public static func transformed(_ wkb: [UInt8], from source: SpatialReference, to target: SpatialReference) throws -> [UInt8] {
        if source.isSame(as: target) { return wkb }
        _ = gdalRuntime
        var bytes = wkb
        var geometry: OGRGeometryH? = nil
        let status = bytes.withUnsafeMutableBytes { OGR_G_CreateFromWkb($0.baseAddress, nil, &geometry, Int32(wkb.count)) }
        guard status == OGRERR_NONE, let geometry else { throw GeoError("read a WKB geometry", libraryMessage: "OGR error \(status)") }
        defer { OGR_G_DestroyGeometry(geometry) }
        guard let transform = gdalCall({ OCTNewCoordinateTransformation(source.handle, target.handle) }) else {
            throw GeoError.gdal("transform from \(source.name) to \(target.name)")
        }
        defer { OCTDestroyCoordinateTransformation(transform) }
        guard gdalCall({ OGR_G_Transform(geometry, transform) }) == OGRERR_NONE else { throw GeoError.gdal("reproject a geometry to \(target.name)") }
        var out = [UInt8](repeating: 0, count: Int(OGR_G_WkbSize(geometry)))
        _ = out.withUnsafeMutableBufferPointer { OGR_G_ExportToWkb(geometry, wkbNDR, $0.baseAddress) }
        return out
    }
}
