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

/// Renews what describes the run to other tools (its QGIS project, STAC Item, sensors layer) after a command added
/// to it; a failure is said, and leaves the run as it is.
func writeDescriptions(_ run: String, manifest: String? = nil) {
    do { try RunDescription.write(run: try RunFolder(run), manifest: manifest) }
    catch { warn("the run's description (\(RunFolder.descriptionFiles.joined(separator: ", "))) was not renewed: \(error)") }
}
