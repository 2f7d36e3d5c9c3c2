import CGDAL
import Foundation

/// PNG encoding of an RGBA image through GDAL's PNG driver (libpng), in memory.
public enum PNGImage {
    /// Encodes `rgba` (row-major, 4 bytes per pixel, `width × height`) as PNG bytes. `compression` is zlib's level 1–9.
    public static func encode(rgba: [UInt8], width: Int, height: Int, compression: Int = 6) throws -> Data {
        precondition(rgba.count == width * height * 4)
        _ = gdalRuntime
        guard let mem = GDALGetDriverByName("MEM"), let png = GDALGetDriverByName("PNG") else { throw GeoError("GDAL's MEM and PNG drivers are needed") }
        guard let source = gdalCall({ GDALCreate(mem, "", Int32(width), Int32(height), 0, GDT_Byte, nil) }) else { throw GeoError.gdal("create in-memory image") }
        defer { GDALClose(source) }
        let path = "/vsimem/ictu-png-\(UUID().uuidString).png"
        defer { VSIUnlink(path) }
        // The four bands point straight into the interleaved buffer (pixel stride 4), so nothing is copied.
        return try rgba.withUnsafeBufferPointer { pixels in
            for band in 0..<4 {
                let address = UInt(bitPattern: pixels.baseAddress!) + UInt(band)
                let options = ["DATAPOINTER=\(address)", "PIXELOFFSET=4", "LINEOFFSET=\(width * 4)"]
                let status = gdalCall { withCStringList(options) { GDALAddBand(source, GDT_Byte, $0) } }
                guard status == CE_None else { throw GeoError.gdal("add band \(band + 1) to the in-memory image") }
            }
            GDALSetRasterColorInterpretation(GDALGetRasterBand(source, 4), GCI_AlphaBand)
            let copy = gdalCall { withCStringList(["ZLEVEL=\(compression)"]) { GDALCreateCopy(png, path, source, 0, $0, nil, nil) } }
            guard let copy else { throw GeoError.gdal("encode PNG") }
            GDALClose(copy)
            var length: vsi_l_offset = 0
            guard let bytes = VSIGetMemFileBuffer(path, &length, 0) else { throw GeoError.gdal("read back the encoded PNG") }
            return Data(bytes: bytes, count: Int(length))
        }
    }
}
