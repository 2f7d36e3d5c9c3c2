import CGDAL

/// A coordinate reference system (GDAL/OGR spatial reference), in traditional GIS axis order (x = east / lon).
public final class SpatialReference {
    let handle: OGRSpatialReferenceH

    /// Any definition GDAL understands: "EPSG:2154", WKT, PROJ string, "OGC:CRS84".
    public init(definition: String) throws {
        _ = gdalRuntime
        guard let handle = OSRNewSpatialReference(nil) else { throw GeoError("create spatial reference") }
        self.handle = handle
        let status = gdalCall { OSRSetFromUserInput(handle, definition) }
        guard status == OGRERR_NONE else {
            throw GeoError.gdal("unknown or invalid CRS '\(definition.prefix(80))'")
        }
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
    }

    public convenience init(epsg: Int) throws { try self.init(definition: "EPSG:\(epsg)") }

    /// Takes a clone of a borrowed handle.
    init(cloning borrowed: OGRSpatialReferenceH) {
        handle = OSRClone(borrowed)
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
    }

    deinit { OSRRelease(handle) }

    /// WKT 2 representation.
    public var wkt: String {
        var text: UnsafeMutablePointer<CChar>? = nil
        let status = withConstCStringList(["FORMAT=WKT2_2018"]) { OSRExportToWktEx(handle, &text, $0) }
        defer { VSIFree(text) }
        guard status == OGRERR_NONE, let text else { return "" }
        return String(cString: text)
    }

    /// Human-readable name, e.g. "RGF93 v1 / Lambert-93".
    public var name: String { OSRGetName(handle).map { String(cString: $0) } ?? "unnamed" }

    /// "EPSG:2154" when the CRS carries an authority code.
    public var authorityCode: String? {
        guard let authority = OSRGetAuthorityName(handle, nil), let code = OSRGetAuthorityCode(handle, nil) else { return nil }
        return "\(String(cString: authority)):\(String(cString: code))"
    }

    public var isProjected: Bool { OSRIsProjected(handle) != 0 }
    /// No real CRS: a local (engineering) one, or GeoPackage's "Undefined geographic/cartesian SRS" (what it records
    /// for a layer created without a CRS).
    public var isUndefined: Bool { OSRIsLocal(handle) != 0 || name.hasPrefix("Undefined ") }
    public var isGeographic: Bool { OSRIsGeographic(handle) != 0 }

    /// Metres per linear unit of a projected CRS.
    public var linearUnitMetres: Double { OSRGetLinearUnits(handle, nil) }

    public func isSame(as other: SpatialReference) -> Bool { OSRIsSame(handle, other.handle) != 0 }
}
