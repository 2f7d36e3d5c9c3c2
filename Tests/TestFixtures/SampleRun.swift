import Engine
import Foundation
import Run
import Sample
import Testing

/// The sample city generated at 5 m (4 km, 640 000 cells) and its calibrated run, made once per test process and
/// shared by the suites that read it (those that write into it take a copy).
public enum SampleRun {
    public static let folder: String = {
        let folder = TestFiles.root + "ictu-recovery-\(UUID().uuidString)"
        var options = SampleOptions()
        options.cellMetres = 5
        do {
            try SampleWriter(options: options).write(to: folder)
            _ = try ComputeRun.run(manifest: folder + "/city.yaml", out: folder + "/run")
        } catch { Issue.record("sample or compute failed: \(error)") }
        return folder
    }()

    /// A private copy of the computed run's files (not the folders other suites write into, such as tiles/), for a
    /// suite that writes into it: suites run in parallel.
    public static func copyOfRun() throws -> String {
        let fm = FileManager.default
        let copy = TestFiles.root + "ictu-run-copy-\(UUID().uuidString)"
        try fm.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for name in RunFolder.runEntries.map(\.fileName) { try fm.copyItem(atPath: folder + "/run/" + name, toPath: copy + "/" + name) }
        return copy
    }
}
