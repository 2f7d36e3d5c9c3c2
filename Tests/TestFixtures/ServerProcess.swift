import Foundation
import Support

/// `ictu serve` in a process of its own.
public struct ServerProcess: Sendable {
    public let base: String
    public let process: Process
    public let errors: String
    private let stdin: Pipe

    /// Starts `ictu serve ARGUMENTS --port 0` (in `directory`, else this process's folder) and waits for its "serving … on http://HOST:PORT/" line.
    public static func start(_ arguments: [String], directory: String? = nil) throws -> ServerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.arguments = ["-c", "\"$0\" serve \"$@\" --port 0 & s=$!; cat >/dev/null; kill $s", IctuCommand.ictu] + arguments
        let stdin = Pipe(), stdout = Pipe()
        let errorLog = TestFiles.root + "serve-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorLog))
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { throw OutputError("ictu serve stopped: \((try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "")") }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let start = text.range(of: "http://"), let end = text[start.upperBound...].firstIndex(of: "/") else { throw OutputError("ictu serve said: \(text)") }
        return ServerProcess(base: String(text[start.lowerBound..<end]), process: process,
                             errors: (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "", stdin: stdin)
    }

    /// Stops the server now.
    public func stop() { try? stdin.fileHandleForWriting.close() }
}
