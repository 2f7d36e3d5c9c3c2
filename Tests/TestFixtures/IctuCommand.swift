import Foundation
import Testing

/// The `ictu` command-line tool as a user runs it: a process of its own, its errors logged.
public enum IctuCommand {
    /// The `ictu` executable `swift test` built beside the test bundle.
    public static let ictu = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent().appendingPathComponent("ictu").path

    /// The 5 m sample city mapped on a 20 m grid (its own manifest beside the sample's): quick enough to kill many
    /// times, with every stage of a real run (QC, calibration, blocks, COGs, report).
    public static let city: String = {
        let manifest = SampleRun.folder + "/crash-20m.yaml"
        do {
            let text = try String(contentsOfFile: SampleRun.folder + "/city.yaml", encoding: .utf8)
            try text.replacingOccurrences(of: "cell_size_m: 5.0", with: "cell_size_m: 20").write(toFile: manifest, atomically: true, encoding: .utf8)
        } catch { Issue.record("manifest: \(error)") }
        return manifest
    }()

    /// Runs `ictu` to its end: (exit status, standard error, seconds from its staging folder's appearance in `out`
    /// to its exit — the writing phase, where a kill can matter).
    public static func ictu(_ arguments: [String], out: String? = nil, directory: String? = nil) throws -> (status: Int32, errors: String, seconds: Double) {
        let process = try launch(arguments, directory: directory)
        var start = Date()
        if let out { start = waitForStaging(in: out, while: process) }
        process.waitUntilExit()
        let errors = (try? String(contentsOfFile: logPath(process), encoding: .utf8)) ?? ""
        return (process.terminationStatus, errors, Date().timeIntervalSince(start))
    }

    /// Waits until a staging folder appears in `folder` (or the process ends); returns when.
    public static func waitForStaging(in folder: String, while process: Process) -> Date {
        while process.isRunning {
            if ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains(where: { $0.hasPrefix(".ictu-staging-") }) { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return Date()
    }

    public static func logPath(_ process: Process) -> String { TestFiles.root + "ictu-\(process.processIdentifier).log" }

    /// Starts `ictu ARGUMENTS --quiet` (in `directory`, else this process's folder), its errors logged.
    public static func launch(_ arguments: [String], directory: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ictu)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.arguments = arguments + ["--quiet"]
        let log = TestFiles.root + "ictu-launch-\(UUID().uuidString).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        try? FileManager.default.moveItem(atPath: log, toPath: logPath(process))
        return process
    }
}
