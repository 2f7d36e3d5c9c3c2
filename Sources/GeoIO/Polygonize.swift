import CGDAL

extension RasterDataset {
    /// The regions of equal non-zero value of band 1 as polygons (GDAL's polygonize: 4-connected, holes kept),
    /// each with its value, as WKB in the raster's CRS. Zero is background.
    public func polygons() throws -> [(value: Int, wkb: [UInt8])] {
        let memory = try VectorDataset.create("", driver: "Memory")
        let layer = try memory.createLayer("regions", crs: spatialReference, geometry: .polygon, fields: [("value", .integer)])
        let band = try self.band(1)
        let status = gdalCall { GDALPolygonize(band.handle, band.handle, layer.handle, 0, nil, nil, nil) }
        guard status == CE_None else { throw GeoError.gdal("polygonize \(path)") }
        var out: [(value: Int, wkb: [UInt8])] = []
        try layer.forEachFeature { feature in
            guard let wkb = feature.geometryWKB, case .integer(let value)?? = feature.fields["value"] else { return }
            out.append((value, wkb))
        }
        return out
    }
}
