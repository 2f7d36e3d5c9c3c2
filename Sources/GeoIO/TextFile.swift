import CGDAL
import Foundation

/// Reads a text file line by line through GDAL's virtual file system, so `.gz` files are
/// decompressed on the fly (/vsigzip/). Lines are returned without their terminator; a line longer
/// than `maxLineBytes` is an error (protects memory against a file with no newlines).
public final class TextLineReader {
    private let file: UnsafeMutablePointer<VSILFILE>
    public let path: String
    public let maxLineBytes: Int
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0, end = 0
    private var finished = false
    /// Number of the line last returned, from 1.
    public private(set) var lineNumber = 0

    public init(path: String, maxLineBytes: Int = 1 << 20) throws {
        _ = gdalRuntime
        self.path = path
        self.maxLineBytes = maxLineBytes
        guard FileManager.default.fileExists(atPath: path) else { throw GeoError("open \(path)", libraryMessage: "no such file") }
        let virtualPath = path.hasSuffix(".gz") ? "/vsigzip/" + path : path
        guard let file = gdalCall({ VSIFOpenL(virtualPath, "rb") }) else { throw GeoError.gdal("open \(path)") }
        self.file = file
    }

    deinit { VSIFCloseL(file) }

    /// The next line as raw bytes, or nil at end of file.
    public func nextLineBytes() throws -> ArraySlice<UInt8>? {
        var line: [UInt8] = []
        while true {
            if start < end {
                if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                    var piece = buffer[start..<newline]
                    start = newline + 1
                    lineNumber += 1
                    if line.isEmpty {
                        if piece.last == UInt8(ascii: "\r") { piece = piece.dropLast() }
                        return piece
                    }
                    line.append(contentsOf: piece)
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    return line[...]
                }
                line.append(contentsOf: buffer[start..<end])
                start = end
                if line.count > maxLineBytes {
                    throw GeoError("line \(lineNumber + 1)", libraryMessage: "longer than \(maxLineBytes) bytes (is this a text file?)")
                }
            }
            if finished {
                guard !line.isEmpty else { return nil }
                lineNumber += 1
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return line[...]
            }
            let count = gdalCall { buffer.withUnsafeMutableBytes { VSIFReadL($0.baseAddress, 1, $0.count, file) } }
            // A corrupt or truncated .gz reads as a short file: GDAL says so only through its error state.
            if CPLGetLastErrorType().rawValue >= CE_Failure.rawValue || (count == 0 && VSIFEofL(file) == 0) {
                throw GeoError("line \(lineNumber + 1)", libraryMessage: "the file is truncated or corrupt (\(String(cString: CPLGetLastErrorMsg())))")
            }
            if count == 0 { finished = true }
            start = 0; end = count
        }
    }

    /// The next line decoded as UTF-8, or nil at end of file.
    public func nextLine() throws -> String? {
        guard let bytes = try nextLineBytes() else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw GeoError("line \(lineNumber)", libraryMessage: "not valid UTF-8 text (save the file as UTF-8)")
        }
        return text
    }
}

/// Writes a text file, gzip-compressed when the path ends in `.gz`.
public final class TextFileWriter {
    private var file: UnsafeMutablePointer<VSILFILE>?
    public let path: String

    public init(path: String) throws {
        _ = gdalRuntime
        self.path = path
        let virtualPath = path.hasSuffix(".gz") ? "/vsigzip/" + path : path
        guard let file = gdalCall({ VSIFOpenL(virtualPath, "wb") }) else { throw GeoError.gdal("create \(path)") }
        self.file = file
    }

    deinit { if let file { VSIFCloseL(file) } }

    public func write(_ text: String) throws {
        var text = text
        let written = text.withUTF8 { VSIFWriteL($0.baseAddress, 1, $0.count, file) }
        guard written == text.utf8.count else { throw GeoError("write \(path)", libraryMessage: "disk full or file closed") }
    }

    public func close() throws {
        guard let file else { return }
        self.file = nil
        guard VSIFCloseL(file) == 0 else { throw GeoError("close \(path)", libraryMessage: "write failed (disk full?)") }
    }
}
