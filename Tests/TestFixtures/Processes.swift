import Foundation
import Support

/// Runs Tests/Browser/open_page.py and decodes what the browser saw.
public enum Browser {
    public struct Image: Decodable { public var ok: Bool; public var width: Int?; public var height: Int? }
    public struct Message: Decodable { public var level: String; public var message: String }
    /// `pageWidth`: the document's scroll width, which exceeds `viewportWidth` when the page scrolls sideways.
    public struct Result: Decodable {
        public var title: String; public var console: [Message]; public var images: [Image]; public var counts: [String: Int]
        public var pageWidth: Int; public var viewportWidth: Int
    }

    /// `width`: the browser window's, px (1200 by default; 390 is a phone's).
    public static func open(_ url: String, script: String, count selectors: [String] = [], screenshot: String? = nil, width: Int? = nil) throws -> Result {
        let arguments = [script, url] + (screenshot.map { ["--screenshot", $0] } ?? []) + (width.map { ["--width", String($0)] } ?? [])
            + (selectors.isEmpty ? [] : ["--count"] + selectors)
        let data = try Process.output("/usr/bin/python3", arguments)
        return try JSONDecoder().decode(Result.self, from: Data(data.utf8))
    }
}

extension Process {
    /// Runs a program and returns its standard output (throws with its error output when it fails).
    public static func output(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out; process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OutputError("\(program) failed (\(process.terminationStatus)): \(String(decoding: errors, as: UTF8.self).suffix(2000))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The independent readers the tests check ictu's files with (Tests/Clients/*.py), run by .ci/setup's virtual
/// environment: PyPI's pmtiles and stac-validator, Debian's GDAL seen through it.
public enum Clients {
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    public static let python = repository + "/.build/test-venv/bin/python"

    /// The script's standard output (JSON, by convention).
    public static func run(_ script: String, _ arguments: [String]) throws -> Data {
        Data(try Process.output(python, [repository + "/Tests/Clients/" + script] + arguments).utf8)
    }
}
