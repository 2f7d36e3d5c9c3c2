import Foundation

/// Writes a set of outputs into a hidden staging folder beside the destination, then moves them into place only
/// when all are complete: a crash or an error leaves no partial file under a final name, and nothing the user had
/// is overwritten unless `overwrite` is set. `path` may be called from several threads (it only creates folders);
/// `commit` once, from one.
///
/// The set is committed as a unit, the way a database commits a transaction:
/// 1. the staged files are flushed to disk (one `sync`, not one `fsync` per tile);
/// 2. a journal `.ictu-commit-<pid>-<tag>` is written (and flushed) beside the staging folder: from then on the set
///    is complete and will be moved into place even if this process dies;
/// 3. each entry is renamed into place (what it replaces renamed aside first, never deleted in place), the folder
///    flushed, the staging folder (with what was replaced) and the journal removed.
/// A process killed during step 3 leaves the journal; the next `StagedOutput` into that folder, or the next reader
/// of a run (`RunRecord.load`), finishes the moves first (`finishInterruptedCommits`). A process killed before step
/// 2 leaves only its staging folder, which the next output removes.
public final class StagedOutput: @unchecked Sendable {
    public let destination: URL
    public let staging: URL
    private let tag: String
    private var committed = false
    /// Whether this output created the destination folder (removed again, if still empty, when nothing is committed).
    private let createdDestination: Bool

    static let stagingPrefix = ".ictu-staging-", journalPrefix = ".ictu-commit-"

    /// Entries of the destination this set withdraws: they go with the commit (a run without the analysis stacks
    /// must not leave the stacks of the run it replaces beside its maps).
    private let withdrawn: [String]

    /// The destination folder, open and locked (flock) while this output lives: one writer at a time. The kernel
    /// releases it when the process ends, however it ends.
    private let lock: Int32

    /// Locks `folder` for this output, or says which process is writing into it.
    static func lockFolder(_ folder: URL, destination: String) throws -> Int32 {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw OutputError("\(destination): cannot be opened (\(String(cString: strerror(errno))))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            let writers = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).compactMap { owner($0, prefix: stagingPrefix) }
                .filter { !isGone($0) && $0 != getpid() }
            let who = writers.first.map { "ictu (process \($0))" } ?? "another ictu command"
            throw OutputError("\(destination) is being written by \(who): wait until it ends, or write to another folder")
        }
        return fd
    }

    static func unlock(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// A Foundation error's reason in words (its underlying POSIX message when there is one), not its dump.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        switch ns.code {
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
        case NSFileWriteFileExistsError: return "a file of that name is in the way"
        case NSFileWriteOutOfSpaceError: return "no space left on the device"
        case NSFileWriteVolumeReadOnlyError: return "the volume is read-only"
        default: return ns.localizedDescription
        }
    }

    public init(destination: String, entries: [String], withdrawing withdrawn: [String] = [], overwrite: Bool) throws {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: destination).standardizedFileURL
        self.destination = root
        createdDestination = !fm.fileExists(atPath: root.path)
        if let target = try? fm.destinationOfSymbolicLink(atPath: root.path), !fm.fileExists(atPath: root.path) {
            throw OutputError("\(destination) is a symbolic link to \(target), which does not exist: create that folder, or choose another --out")
        }
        do { try fm.createDirectory(at: root, withIntermediateDirectories: true) } catch {
            throw OutputError("\(destination): cannot be created as a folder (\(Self.reason(error))): choose a folder you can write to")
        }
        lock = try Self.lockFolder(root, destination: destination)
        try Self.finishInterruptedCommits(in: root)
        if !overwrite {
            let existing = (entries + withdrawn).filter { fm.fileExists(atPath: root.appendingPathComponent($0).path) }
            if !existing.isEmpty {
                throw OutputError("\(destination) already holds \(existing.joined(separator: ", ")): choose another folder or pass --force to replace them")
            }
        }
        self.withdrawn = withdrawn
        Self.removeAbandonedStaging(in: root)
        tag = "\(getpid())-\(UUID().uuidString.prefix(8))"
        staging = root.appendingPathComponent(Self.stagingPrefix + tag)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    /// An output abandoned by an error leaves nothing: its staging folder goes, and the destination folder too when
    /// this output created it and it is still empty.
    deinit {
        Self.unlock(lock)
        guard !committed else { return }
        let fm = FileManager.default
        try? fm.removeItem(at: staging)
        if createdDestination, (try? fm.contentsOfDirectory(atPath: destination.path))?.isEmpty == true { try? fm.removeItem(at: destination) }
    }

    /// The process id in a staging folder's or journal's name (`<prefix><pid>-<tag>`).
    static func owner(_ entry: String, prefix: String) -> Int32? {
        guard entry.hasPrefix(prefix) else { return nil }
        return Int32(entry.dropFirst(prefix.count).prefix { $0 != "-" })
    }

    /// Whether the process `pid` is gone (kill(pid, 0) fails with ESRCH when no such process exists).
    static func isGone(_ pid: Int32) -> Bool { pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH }

    /// Staging folders left by a process that no longer runs (killed before it could commit) are removed: they
    /// never hold anything under a final name, and the next run should not find them.
    static func removeAbandonedStaging(in folder: URL) {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
            guard let pid = owner(entry, prefix: stagingPrefix), isGone(pid) else { continue }
            let tag = entry.dropFirst(stagingPrefix.count)
            // A staging folder with a journal is a complete set: finishInterruptedCommits moves it, never this.
            if fm.fileExists(atPath: folder.appendingPathComponent(journalPrefix + tag).path) { continue }
            try? fm.removeItem(at: folder.appendingPathComponent(entry))
        }
    }

    /// Finishes the commits of processes killed after their journal was written: their staged set is complete, so
    /// its remaining entries are moved into place. Called before anything reads or writes the folder's outputs.
    public static func finishInterruptedCommits(in folder: URL) throws {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return }
        for entry in names.sorted() {
            guard let pid = owner(entry, prefix: journalPrefix), isGone(pid) else { continue }
            let tag = String(entry.dropFirst(journalPrefix.count))
            try moveIntoPlace(staging: folder.appendingPathComponent(stagingPrefix + tag), destination: folder,
                              journal: folder.appendingPathComponent(entry))
        }
    }

    /// Path of an output inside the staging folder (parent folders created).
    public func path(_ relative: String) throws -> String {
        let url = staging.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url.path
    }

    /// Makes the staged set durable, journals it, and moves every staged top-level entry into the destination.
    public func commit() throws {
        if !withdrawn.isEmpty { try Data(withdrawn.joined(separator: "\n").utf8).write(to: staging.appendingPathComponent(Self.withdrawnList)) }
        Self.flushFileSystem()
        let journal = destination.appendingPathComponent(Self.journalPrefix + tag)
        let entries = try FileManager.default.contentsOfDirectory(atPath: staging.path).filter { !$0.hasPrefix(".") }.sorted()
        try Self.writeDurably(Data((entries.joined(separator: "\n") + "\n").utf8), to: journal)
        try Self.moveIntoPlace(staging: staging, destination: destination, journal: journal)
        committed = true
    }

    /// The staged file naming the entries the set withdraws (written before the journal, so a finished interrupted
    /// commit withdraws them too).
    static let withdrawnList = ".withdrawn"

    /// Moves what is left in `staging` into `destination` (replacing entries of the same name) and moves aside the
    /// entries the set withdraws, flushes the folder, then removes the staging folder and the journal. Safe to
    /// repeat after an interruption at any point.
    static func moveIntoPlace(staging: URL, destination: URL, journal: URL) throws {
        let fm = FileManager.default
        // What an entry replaces is first renamed into the staging folder (one atomic rename: deleting a tile tree in
        // place takes seconds, and a crash then would leave half of it under its final name), then deleted with it.
        let replaced = staging.appendingPathComponent(".replaced")
        func moveAside(_ entry: String) throws {
            let target = destination.appendingPathComponent(entry)
            guard fm.fileExists(atPath: target.path) else { return }
            try fm.createDirectory(at: replaced, withIntermediateDirectories: true)
            try? fm.removeItem(at: replaced.appendingPathComponent(entry))
            try fm.moveItem(at: target, to: replaced.appendingPathComponent(entry))
        }
        for entry in ((try? fm.contentsOfDirectory(atPath: staging.path)) ?? []).sorted() where !entry.hasPrefix(".") {
            try moveAside(entry)
            try fm.moveItem(at: staging.appendingPathComponent(entry), to: destination.appendingPathComponent(entry))
        }
        let list = (try? String(contentsOf: staging.appendingPathComponent(withdrawnList), encoding: .utf8)) ?? ""
        for entry in list.split(separator: "\n").map(String.init) where !entry.isEmpty && !entry.contains("/") && !entry.hasPrefix(".") {
            try moveAside(entry)
        }
        try flushFolder(destination)
        try? fm.removeItem(at: staging)
        try fm.removeItem(at: journal)
        try flushFolder(destination)
    }

    /// Writes `data` to `url` through a temporary name, flushed before and after the rename.
    public static func writeDurably(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try data.write(to: temporary)
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, url.path) == 0 else { throw OutputError("\(url.path): cannot be written (\(String(cString: strerror(errno))))") }
        try flushFolder(url.deletingLastPathComponent())
    }

    /// Flushes a folder's entries (renames, creations) to disk.
    static func flushFolder(_ folder: URL) throws {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw OutputError("\(folder.path): cannot be opened (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw OutputError("\(folder.path): cannot be flushed to disk (\(String(cString: strerror(errno))))") }
    }

    /// Flushes everything written so far to disk: all the staged files at once (a tile export has tens of thousands
    /// of files; one `sync` costs what their data costs, not one round trip per file). Linux's `sync` waits for the
    /// writes to complete.
    static func flushFileSystem() { sync() }
}
