import CDeflate
import CGDAL
import CZstd
import Foundation

/// Reads windows of a GeoTIFF laid out as ictu writes its rasters — tiled, Float32, ZSTD or DEFLATE with the
/// floating-point predictor, bands pixel-interleaved — by decoding the tiles here, on every core. GDAL (through
/// libtiff) undoes the predictor a byte at a time and copies each tile twice; for a scenario's region of the analysis
/// stacks that was two thirds of the read. The values are the file's, bit for bit (tested against GDAL's read).
/// Any other layout, a sparse tile or a file GDAL reads through a virtual file system returns nil: GDAL reads it.
struct DirectTileReader {
    enum Codec { case zstd, deflate }
    let path: String
    let codec: Codec
    let width: Int, height: Int, bands: Int
    let tileWidth: Int, tileHeight: Int
    let tilesAcross: Int
    /// Each tile's offset and byte count in the file, row by row of tiles (from GDAL's "TIFF" metadata domain).
    private let offsets: [UInt64], sizes: [Int]

    init?(_ dataset: RasterDataset) {
        let handle = dataset.handle
        guard !dataset.path.hasPrefix("/vsi"), dataset.driverName == "GTiff",
              let compression = dataset.metadata("COMPRESSION", domain: "IMAGE_STRUCTURE"),
              dataset.metadata("PREDICTOR", domain: "IMAGE_STRUCTURE") == "3" else { return nil }
        switch compression {
        case "ZSTD": codec = .zstd
        case "DEFLATE": codec = .deflate
        default: return nil
        }
        bands = dataset.bandCount
        guard bands >= 1, bands == 1 || dataset.metadata("INTERLEAVE", domain: "IMAGE_STRUCTURE") == "PIXEL" else { return nil }
        var tw: Int32 = 0, th: Int32 = 0
        for b in 1...bands {
            guard let band = GDALGetRasterBand(handle, Int32(b)), GDALGetRasterDataType(band) == GDT_Float32 else { return nil }
            var w: Int32 = 0, h: Int32 = 0
            GDALGetBlockSize(band, &w, &h)
            if b == 1 { (tw, th) = (w, h) } else if (w, h) != (tw, th) { return nil }
        }
        path = dataset.path
        width = dataset.width; height = dataset.height
        tileWidth = Int(tw); tileHeight = Int(th)
        // A striped file has blocks as wide as the image: not tiles.
        guard tileWidth > 0, tileHeight > 0, tileWidth % 16 == 0, tileHeight % 16 == 0 else { return nil }
        tilesAcross = (width + tileWidth - 1) / tileWidth
        let tilesDown = (height + tileHeight - 1) / tileHeight
        guard let first = GDALGetRasterBand(handle, 1) else { return nil }
        var offsets: [UInt64] = [], sizes: [Int] = []
        offsets.reserveCapacity(tilesAcross * tilesDown); sizes.reserveCapacity(tilesAcross * tilesDown)
        for ty in 0..<tilesDown {
            for tx in 0..<tilesAcross {
                guard let offset = GDALGetMetadataItem(first, "BLOCK_OFFSET_\(tx)_\(ty)", "TIFF").flatMap({ UInt64(String(cString: $0)) }),
                      let size = GDALGetMetadataItem(first, "BLOCK_SIZE_\(tx)_\(ty)", "TIFF").flatMap({ Int(String(cString: $0)) }),
                      offset > 0, size > 0 else { return nil } // a sparse tile: GDAL fills it
                offsets.append(offset); sizes.append(size)
            }
        }
        self.offsets = offsets; self.sizes = sizes
    }

    /// Whether the window lies inside the raster, not empty, and the bands (numbered from 1) are the raster's: what
    /// `read` takes (GDAL reports anything else).
    func covers(x: Int, y: Int, width w: Int, height h: Int, bands wanted: [Int]?) -> Bool {
        x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height && (wanted ?? []).allSatisfy { (1...bands).contains($0) }
    }

    /// The window's values of `wanted` bands (numbered from 1; all by default), one array per band (row-major), as
    /// GDAL's RasterIO gives them. The window and bands as `covers` says.
    func read(x: Int, y: Int, width w: Int, height h: Int, bands wanted: [Int]? = nil) throws -> [[Float]] {
        precondition(covers(x: x, y: y, width: w, height: h, bands: wanted), "a window and bands of the raster")
        let wanted = (wanted ?? Array(1...bands)).map { $0 - 1 }
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw GeoError("cannot open \(path) to read its tiles: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var out = wanted.map { _ in [Float](repeating: .nan, count: w * h) }
        let tx0 = x / tileWidth, tx1 = (x + w - 1) / tileWidth, ty0 = y / tileHeight, ty1 = (y + h - 1) / tileHeight
        let tiles = (ty0...ty1).flatMap { ty in (tx0...tx1).map { (tx: $0, ty: ty) } }
        let workers = min(tiles.count, ProcessInfo.processInfo.activeProcessorCount)
        var failures = [String?](repeating: nil, count: workers)
        withMutableBases(&out) { bases in
            failures.withUnsafeMutableBufferPointer { failed in
                // Each tile writes its own cells of the window, each worker its own failure.
                nonisolated(unsafe) let planes = bases, failed = failed
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    if let message = decode(tiles: stride(from: worker, to: tiles.count, by: workers).map { tiles[$0] }, from: fd,
                                            into: planes, bands: wanted, window: (x, y, w, h)) { failed[worker] = message }
                }
            }
        }
        if let message = failures.compactMap({ $0 }).first { throw GeoError(message) }
        return out
    }

    /// Decodes `tiles` and writes their cells inside the window into `planes` (one per band of `wanted`, numbered
    /// from 0, the window's size). Returns what went wrong, if anything.
    private func decode(tiles: [(tx: Int, ty: Int)], from fd: Int32, into planes: [UnsafeMutablePointer<Float>], bands wanted: [Int],
                        window: (x: Int, y: Int, width: Int, height: Int)) -> String? {
        let (x, y, w, h) = window
        let tileBytes = tileWidth * tileHeight * bands * 4
        let raw = UnsafeMutableRawPointer.allocate(byteCount: tileBytes + Self.slack, alignment: 64)
        var compressed = [UInt8]()
        let zstd = codec == .zstd ? ZSTD_createDCtx() : nil
        let deflate = codec == .deflate ? libdeflate_alloc_decompressor() : nil
        defer {
            raw.deallocate()
            if let zstd { ZSTD_freeDCtx(zstd) }
            if let deflate { libdeflate_free_decompressor(deflate) }
        }
        for (tx, ty) in tiles {
            let index = ty * tilesAcross + tx, size = sizes[index]
            if compressed.count < size { compressed = [UInt8](repeating: 0, count: size) }
            let decoded: Int? = compressed.withUnsafeMutableBytes { c in
                guard pread(fd, c.baseAddress, size, off_t(offsets[index])) == size else { return nil }
                switch codec {
                case .zstd:
                    let n = ZSTD_decompressDCtx(zstd, raw, tileBytes, c.baseAddress, size)
                    return ZSTD_isError(n) != 0 ? nil : n
                case .deflate:
                    var n = 0
                    return libdeflate_zlib_decompress(deflate, c.baseAddress, size, raw, tileBytes, &n) == LIBDEFLATE_SUCCESS ? n : nil
                }
            }
            guard decoded == tileBytes else { return "tile \(tx), \(ty) of \(path) does not decode to its \(tileBytes) bytes" }
            // The tile's rows and columns inside the window.
            let c0 = max(x, tx * tileWidth) - tx * tileWidth, c1 = min(x + w, (tx + 1) * tileWidth) - tx * tileWidth
            let r0 = max(y, ty * tileHeight) - ty * tileHeight, r1 = min(y + h, (ty + 1) * tileHeight) - ty * tileHeight
            let rowBytes = tileWidth * bands * 4, samples = tileWidth * bands
            for r in r0..<r1 {
                let row = raw.advanced(by: r * rowBytes).assumingMemoryBound(to: UInt8.self)
                Self.undoPredictor(row, bytes: rowBytes, stride: bands)
                let target = (ty * tileHeight + r - y) * w + tx * tileWidth - x
                // The predictor stores each sample's bytes in planes, the most significant first.
                let (p0, p1, p2, p3) = (row, row + samples, row + 2 * samples, row + 3 * samples)
                for (k, b) in wanted.enumerated() {
                    let out = planes[k] + target
                    var s = c0 &* bands &+ b
                    for c in c0..<c1 {
                        out[c] = Float(bitPattern: UInt32(p0[s]) << 24 | UInt32(p1[s]) << 16 | UInt32(p2[s]) << 8 | UInt32(p3[s]))
                        s &+= bands
                    }
                }
            }
        }
        return nil
    }
    /// The TIFF floating-point predictor (Adobe Photoshop TIFF technical note 3) undone on one row: each byte was
    /// stored as the difference with the byte `stride` before it (the same byte of the pixel before), across the
    /// row's byte planes. A pixel's bytes are added at once in one or two 16-byte vector registers (at most twice the
    /// pixel): each store spills past the pixel into the next one, which was loaded before and is stored over next,
    /// and the last pixel is stored exactly. The loads read up to 32 bytes past the row (`slack`).
    static func undoPredictor(_ row: UnsafeMutablePointer<UInt8>, bytes: Int, stride: Int) {
        let pixels = bytes / stride
        guard (8...32).contains(stride), pixels > 1 else {
            var previous = row, current = row + stride
            for _ in 1..<pixels {
                for j in 0..<stride { current[j] &+= previous[j] }
                previous = current; current += stride
            }
            return
        }
        // A concrete SIMD16 (on a generic vector type, Swift adds lane by lane); the high half for pixels over 16 bytes.
        let wide = stride > 16, raw = UnsafeMutableRawPointer(row)
        func load(_ offset: Int) -> SIMD16<UInt8> { raw.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self) }
        var low = load(0), high = wide ? load(16) : SIMD16()
        for k in 1..<pixels {
            let next = load(k &* stride), nextHigh = wide ? load(k &* stride &+ 16) : SIMD16()
            if k > 1 {
                raw.storeBytes(of: low, toByteOffset: (k &- 1) &* stride, as: SIMD16<UInt8>.self)
                if wide { raw.storeBytes(of: high, toByteOffset: (k &- 1) &* stride &+ 16, as: SIMD16<UInt8>.self) }
            }
            low &+= next; high &+= nextHigh
        }
        let last = row + (pixels - 1) * stride
        for j in 0..<stride { last[j] = j < 16 ? low[j] : high[j - 16] }
    }

    static let slack = 32
}

/// Calls `body` with the base address of each array's storage (valid for the call): several arrays written at once,
/// each by its own tasks.
func withMutableBases<R>(_ arrays: inout [[Float]], _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
    arrays.withUnsafeMutableBufferPointer { outer in
        func nest(_ k: Int, _ bases: [UnsafeMutablePointer<Float>]) -> R {
            guard k < outer.count else { return body(bases) }
            return outer[k].withUnsafeMutableBufferPointer { nest(k + 1, bases + [$0.baseAddress!]) }
        }
        return nest(0, [])
    }
}
