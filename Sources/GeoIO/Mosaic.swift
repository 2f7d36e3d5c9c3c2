import CGDAL
import Foundation

extension RasterDataset {
    /// A GDAL VRT at `path` assembling `sources` (same CRS, cell size and bands, side by side on one grid),
    /// opened. Reading it reads the sources; nothing is copied. The sources' no-data value is kept.
    public static func mosaic(of sources: [String], at path: String) throws -> RasterDataset {
        _ = gdalRuntime
        guard !sources.isEmpty else { throw GeoError("mosaic \(path): no source rasters") }
        var opened: [RasterDataset] = []
        for source in sources { opened.append(try RasterDataset.open(source)) }
        let options = withCStringList(["-resolution", "highest"]) { GDALBuildVRTOptionsNew($0, nil) }
        guard let options else { throw GeoError.gdal("mosaic options for \(path)") }
        defer { GDALBuildVRTOptionsFree(options) }
        var handles: [GDALDatasetH?] = opened.map { $0.handle }
        var usageError: Int32 = 0
        // The sources stay open until the VRT is closed (it holds raw pointers to them): Swift may otherwise
        // release `opened` right after its last use above.
        try withExtendedLifetime(opened) {
            let out = gdalCall { GDALBuildVRT(path, Int32(handles.count), &handles, nil, options, &usageError) }
            guard let out else { throw GeoError.gdal("mosaic of \(sources.count) rasters into \(path)") }
            // Written, then opened again from disk so the VRT does not hold the handles opened here.
            GDALClose(out)
        }
        return try RasterDataset.open(path, update: true)
    }
}
