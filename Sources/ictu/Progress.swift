import Foundation
import Run
import Styles
import Support

/// Progress on a terminal (one updating line on stderr); silent in pipes or with --quiet.
struct TerminalProgress: Sendable {
    let enabled: Bool

    init(quiet: Bool) { enabled = !quiet && isatty(STDERR_FILENO) != 0 }

    func report(_ stage: String, _ fraction: Double) {
        guard enabled else { return }
        let percent = Int((fraction * 100).rounded())
        FileHandle.standardError.write("\r\u{1B}[2K\(stage) \(percent) %".data(using: .utf8)!)
        if fraction >= 1 && stage == "done" { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    }
}

/// Says something the user must know (a fallback, something left out) on standard error, and carries on.
func warn(_ message: String) {
    FileHandle.standardError.write("ictu: warning: \(message)\n".data(using: .utf8)!)
}

/// Prints a value as pretty, key-sorted JSON (the commands' --json output).
func printJSON<T: Encodable>(_ value: T) throws {
    print(String(data: try JSONCoding.encoder.encode(value), encoding: .utf8)!)
}

/// Writes (or renews) the run's QGIS project, `run.qgs`; a failure is said, and leaves the run as it is.
func writeProject(_ run: String, manifest: String? = nil) {
    do { try QGISProject.write(run: try RunFolder(run), manifest: manifest) } catch { warn("the QGIS project (\(RunFolder.projectFileName)) was not written: \(error)") }
}
