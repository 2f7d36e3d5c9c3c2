import CGDAL
import Foundation

/// Field types the engine writes to vector layers.
public enum FieldType: Sendable {
    case integer, real, string
    var ogr: OGRFieldType {
        switch self {
        case .integer: OFTInteger64
        case .real: OFTReal
        case .string: OFTString
        }
    }
}

public enum GeometryKind: Sendable {
    case point, polygon, multiPolygon, lineString, unknown
    var ogr: OGRwkbGeometryType {
        switch self {
        case .point: wkbPoint
        case .polygon: wkbPolygon
        case .multiPolygon: wkbMultiPolygon
        case .lineString: wkbLineString
        case .unknown: wkbUnknown
        }
    }
}

/// A vector dataset (GeoPackage, GeoJSON, Shapefile, …) through OGR.
public final class VectorDataset {
    let handle: GDALDatasetH
    public let path: String

    private init(handle: GDALDatasetH, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit { GDALClose(handle) }

    public static func open(_ path: String, update: Bool = false) throws -> VectorDataset {
        let flags = UInt32(GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY))
        guard let handle = gdalCall({ GDALOpenEx(path, flags, nil, nil, nil) }) else {
            if !FileManager.default.fileExists(atPath: path) && !path.hasPrefix("/vsi") {
                throw GeoError("open vector \(path)", libraryMessage: "no such file")
            }
            throw GeoError.gdal("open vector \(path)")
        }
        return VectorDataset(handle: handle, path: path)
    }

    /// Creates a new vector file with `driver` ("GPKG", "GeoJSON", "ESRI Shapefile").
    public static func create(_ path: String, driver: String, options: [String] = []) throws -> VectorDataset {
        _ = gdalRuntime
        guard let drv = GDALGetDriverByName(driver) else { throw GeoError("GDAL driver \(driver) not available") }
        let handle = gdalCall { withCStringList(options) { GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, $0) } }
        guard let handle else { throw GeoError.gdal("create \(driver) \(path)") }
        return VectorDataset(handle: handle, path: path)
    }

    public var layerCount: Int { Int(GDALDatasetGetLayerCount(handle)) }

    public func layer(_ index: Int = 0) throws -> VectorLayer {
        guard index >= 0, index < layerCount, let layer = GDALDatasetGetLayer(handle, Int32(index)) else {
            throw GeoError("layer \(index) of \(path)", libraryMessage: "the file has \(layerCount) layer(s)")
        }
        return VectorLayer(handle: layer, dataset: self)
    }

    public func createLayer(_ name: String, crs: SpatialReference?, geometry: GeometryKind,
                            fields: [(String, FieldType)], options: [String] = []) throws -> VectorLayer {
        let layer = gdalCall {
            withCStringList(options) { GDALDatasetCreateLayer(handle, name, crs?.handle, geometry.ogr, $0) }
        }
        guard let layer else { throw GeoError.gdal("create layer \(name) in \(path)") }
        for (fieldName, type) in fields {
            let definition = OGR_Fld_Create(fieldName, type.ogr)
            defer { OGR_Fld_Destroy(definition) }
            guard gdalCall({ OGR_L_CreateField(layer, definition, 1) }) == OGRERR_NONE else {
                throw GeoError.gdal("create field \(fieldName) in \(path)")
            }
        }
        return VectorLayer(handle: layer, dataset: self)
    }

    /// Runs `body` in one transaction (essential for GeoPackage write speed).
    public func inTransaction<R>(_ body: () throws -> R) throws -> R {
        let started = GDALDatasetStartTransaction(handle, 0) == OGRERR_NONE
        do {
            let result = try body()
            if started, gdalCall({ GDALDatasetCommitTransaction(handle) }) != OGRERR_NONE {
                throw GeoError.gdal("commit to \(path)")
            }
            return result
        } catch {
            if started { _ = GDALDatasetRollbackTransaction(handle) }
            throw error
        }
    }
}

/// A field value read from or written to a feature.
public enum FieldValue: Sendable, Equatable {
    case integer(Int)
    case real(Double)
    case string(String)

    public var doubleValue: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .real(let v): v
        case .string(let s): Double(s.trimmingCharacters(in: .whitespaces))
        }
    }

    public var stringValue: String {
        switch self {
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .string(let s): s
        }
    }
}

/// One feature read from a layer: its id, attributes (nil = null/unset) and geometry as WKB.
public struct Feature: Sendable {
    public let id: Int
    public let fields: [String: FieldValue?]
    public let geometryWKB: [UInt8]?
    /// For point features: the coordinates, in the layer's CRS.
    public let point: (x: Double, y: Double)?
}

/// A layer of a vector dataset; keeps its dataset alive.
public struct VectorLayer {
    let handle: OGRLayerH
    public let dataset: VectorDataset

    public var name: String { String(cString: OGR_L_GetName(handle)) }
    public var featureCount: Int { Int(OGR_L_GetFeatureCount(handle, 1)) }
    public var spatialReference: SpatialReference? { OGR_L_GetSpatialRef(handle).map { SpatialReference(cloning: $0) } }

    public var fieldNames: [String] {
        let definition = OGR_L_GetLayerDefn(handle)
        return (0..<OGR_FD_GetFieldCount(definition)).map { String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, $0))) }
    }

    /// (minX, minY, maxX, maxY) of all features, in the layer's CRS.
    public var extent: (minX: Double, minY: Double, maxX: Double, maxY: Double)? {
        var envelope = OGREnvelope()
        guard OGR_L_GetExtent(handle, &envelope, 1) == OGRERR_NONE else { return nil }
        return (envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY)
    }

    /// Restricts reading (and rasterizing) to features whose envelope meets this rectangle, in the layer's CRS;
    /// nil clears it. The driver's spatial index answers it (a GeoPackage's R-tree): a window of a city reads only
    /// its own buildings.
    public func setSpatialFilter(_ rect: (minX: Double, minY: Double, maxX: Double, maxY: Double)?) {
        if let rect { OGR_L_SetSpatialFilterRect(handle, rect.minX, rect.minY, rect.maxX, rect.maxY) } else { OGR_L_SetSpatialFilter(handle, nil) }
    }

    /// The geometries of the features whose envelope meets `rect` (in the layer's CRS), as GeoJSON geometry objects
    /// in `target`'s coordinates, at most `limit` of them; and
    /// whether the limit cut the list short.
    public func geoJSONGeometries(in rect: (minX: Double, minY: Double, maxX: Double, maxY: Double), to target: SpatialReference,
                                  limit: Int) throws -> (geometries: [String], truncated: Bool) {
        guard let source = OGR_L_GetSpatialRef(handle) else { throw GeoError("\(name): no coordinate reference system") }
        guard let transform = OCTNewCoordinateTransformation(source, target.handle) else { throw GeoError.gdal("transform \(name) to the target CRS") }
        defer { OCTDestroyCoordinateTransformation(transform) }
        setSpatialFilter(rect)
        defer { setSpatialFilter(nil) }
        OGR_L_ResetReading(handle)
        var out: [String] = []
        while let feature = OGR_L_GetNextFeature(handle) {
            defer { OGR_F_Destroy(feature) }
            guard let geometry = OGR_F_GetGeometryRef(feature), OGR_G_IsEmpty(geometry) == 0 else { continue }
            guard out.count < limit else { return (out, true) }
            guard let copy = OGR_G_Clone(geometry) else { continue }
            defer { OGR_G_DestroyGeometry(copy) }
            guard OGR_G_Transform(copy, transform) == OGRERR_NONE, let text = OGR_G_ExportToJson(copy) else { continue }
            defer { VSIFree(text) }
            out.append(String(cString: text))
        }
        return (out, false)
    }

    /// Calls `body` for every feature, in order, reading one at a time.
    public func forEachFeature(_ body: (Feature) throws -> Void) throws {
        OGR_L_ResetReading(handle)
        let definition = OGR_L_GetLayerDefn(handle)
        let names = fieldNames
        while let feature = OGR_L_GetNextFeature(handle) {
            defer { OGR_F_Destroy(feature) }
            var fields: [String: FieldValue?] = [:]
            for (i, name) in names.enumerated() {
                let index = Int32(i)
                guard OGR_F_IsFieldSetAndNotNull(feature, index) != 0 else { fields[name] = .some(nil); continue }
                switch OGR_Fld_GetType(OGR_FD_GetFieldDefn(definition, index)) {
                case OFTInteger, OFTInteger64: fields[name] = .integer(Int(OGR_F_GetFieldAsInteger64(feature, index)))
                case OFTReal: fields[name] = .real(OGR_F_GetFieldAsDouble(feature, index))
                default: fields[name] = .string(String(cString: OGR_F_GetFieldAsString(feature, index)))
                }
            }
            var wkb: [UInt8]? = nil
            var point: (Double, Double)? = nil
            if let geometry = OGR_F_GetGeometryRef(feature) {
                let size = Int(OGR_G_WkbSize(geometry))
                var bytes = [UInt8](repeating: 0, count: size)
                _ = bytes.withUnsafeMutableBufferPointer { OGR_G_ExportToWkb(geometry, wkbNDR, $0.baseAddress) }
                wkb = bytes
                if OGR_GT_Flatten(OGR_G_GetGeometryType(geometry)) == wkbPoint {
                    point = (OGR_G_GetX(geometry, 0), OGR_G_GetY(geometry, 0))
                }
            }
            try body(Feature(id: Int(OGR_F_GetFID(feature)), fields: fields, geometryWKB: wkb, point: point))
        }
    }

    /// Appends a feature with a WKB geometry (or none) and attribute values by field name.
    public func addFeature(wkb: [UInt8]?, values: [String: FieldValue]) throws {
        let feature = OGR_F_Create(OGR_L_GetLayerDefn(handle))
        defer { OGR_F_Destroy(feature) }
        for (name, value) in values {
            let index = OGR_F_GetFieldIndex(feature, name)
            guard index >= 0 else { throw GeoError("field \(name) not in layer \(self.name) of \(dataset.path)") }
            switch value {
            case .integer(let v): OGR_F_SetFieldInteger64(feature, index, GIntBig(v))
            case .real(let v): OGR_F_SetFieldDouble(feature, index, v)
            case .string(let s): OGR_F_SetFieldString(feature, index, s)
            }
        }
        if var wkb {
            var geometry: OGRGeometryH? = nil
            let status = wkb.withUnsafeMutableBufferPointer { OGR_G_CreateFromWkb($0.baseAddress, nil, &geometry, Int32($0.count)) }
            guard status == OGRERR_NONE, let geometry else { throw GeoError("invalid WKB geometry for layer \(self.name)") }
            OGR_F_SetGeometryDirectly(feature, geometry)
        }
        guard gdalCall({ OGR_L_CreateFeature(handle, feature) }) == OGRERR_NONE else {
            throw GeoError.gdal("write feature to \(dataset.path)")
        }
    }
}
