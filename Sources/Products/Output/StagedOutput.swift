import Foundation

/// Writes a set of outputs into a hidden staging folder beside the destination, then moves each into place
/// only when all are complete: a crash or an error leaves no partial file under a final name, and nothing the
/// user had is overwritten unless `overwrite` is set. `path` may be called from several threads (it only creates
/// folders); `commit` once, from one.
public final class StagedOutput: @unchecked Sendable {
    public let destination: URL
    public let staging: URL
    private var committed = false

    public init(destination: String, entries: [String], overwrite: Bool) throws {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: destination).standardizedFileURL
        self.destination = root
        if !overwrite {
            let existing = entries.filter { fm.fileExists(atPath: root.appendingPathComponent($0).path) }
            if !existing.isEmpty {
                throw OutputError("\(destination) already holds \(existing.joined(separator: ", ")): choose another folder or pass --force to replace them")
            }
        }
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        Self.removeAbandonedStaging(in: root)
        staging = root.appendingPathComponent(".ictu-staging-\(getpid())-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    deinit { if !committed { try? FileManager.default.removeItem(at: staging) } }

    /// Staging folders left by a process that no longer runs (killed before it could clean up) are removed: they
    /// never hold anything under a final name, and the next run should not find them.
    static func removeAbandonedStaging(in folder: URL) {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where entry.hasPrefix(".ictu-staging-") {
            let pidText = entry.dropFirst(".ictu-staging-".count).prefix { $0 != "-" }
            guard let pid = Int32(pidText), pid != getpid() else { continue }
            // kill(pid, 0) fails with ESRCH when no such process exists.
            if kill(pid, 0) != 0 && errno == ESRCH { try? fm.removeItem(at: folder.appendingPathComponent(entry)) }
        }
    }

    /// Path of an output inside the staging folder (parent folders created).
    public func path(_ relative: String) throws -> String {
        let url = staging.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url.path
    }

    /// Moves every staged top-level entry into the destination (each a rename on the same file system).
    public func commit() throws {
        let fm = FileManager.default
        for entry in try fm.contentsOfDirectory(atPath: staging.path) {
            let target = destination.appendingPathComponent(entry)
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            try fm.moveItem(at: staging.appendingPathComponent(entry), to: target)
        }
        try fm.removeItem(at: staging)
        committed = true
    }
}

public struct OutputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
