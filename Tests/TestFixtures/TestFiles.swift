import Foundation

/// Every file a test writes goes under one folder of this test process, removed when the process exits.
public enum TestFiles {
    public static let root: String = {
        let path = NSTemporaryDirectory() + "ictu-tests-\(getpid())/"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestFiles.root) }
        return path
    }()
}
