import CGDAL

extension RasterDataset {
    /// Burns every feature of `layer` into band 1: with the value of `attribute` when given, else `burnValue`.
    /// A cell is burnt when its centre is inside (or, with `allTouched`, when the shape touches it).
    public func rasterize(_ layer: VectorLayer, attribute: String? = nil, burnValue: Double = 1, allTouched: Bool = false) throws {
        var options: [String] = []
        if let attribute { options.append("ATTRIBUTE=\(attribute)") }
        if allTouched { options.append("ALL_TOUCHED=TRUE") }
        var bands: [Int32] = [1]
        var burn = [burnValue]
        var layers: [OGRLayerH?] = [layer.handle]
        let status = gdalCall {
            withCStringList(options) { list in
                burn.withUnsafeMutableBufferPointer { burnValues in
                    GDALRasterizeLayers(handle, 1, &bands, 1, &layers, nil, nil,
                                        attribute == nil ? burnValues.baseAddress : nil, list, nil, nil)
                }
            }
        }
        guard status == CE_None else { throw GeoError.gdal("rasterize \(layer.name) onto \(path)") }
    }

    /// Burns WKB geometries (in this raster's CRS) into band 1, each with its own value.
    public func rasterize(geometries: [[UInt8]], values: [Double], allTouched: Bool = false) throws {
        precondition(geometries.count == values.count)
        var handles: [OGRGeometryH?] = []
        defer { for h in handles { OGR_G_DestroyGeometry(h) } }
        for (i, wkb) in geometries.enumerated() {
            var bytes = wkb
            var geometry: OGRGeometryH? = nil
            let status = bytes.withUnsafeMutableBufferPointer { OGR_G_CreateFromWkb($0.baseAddress, nil, &geometry, Int32($0.count)) }
            guard status == OGRERR_NONE, geometry != nil else { throw GeoError("geometry #\(i) is not valid WKB") }
            handles.append(geometry)
        }
        var bands: [Int32] = [1]
        var burn = values
        let options = allTouched ? ["ALL_TOUCHED=TRUE"] : []
        let status = gdalCall {
            withCStringList(options) {
                GDALRasterizeGeometries(handle, 1, &bands, Int32(handles.count), &handles, nil, nil, &burn, $0, nil, nil)
            }
        }
        guard status == CE_None else { throw GeoError.gdal("rasterize geometries onto \(path)") }
    }
}
