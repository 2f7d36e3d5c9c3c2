import Foundation

public enum FilePaths {
    /// The path of `target` as seen from the folder `base` (both absolute), e.g. "../city/city.yaml".
    public static func relative(from base: URL, to target: URL) -> String {
        let from = base.absoluteURL.standardizedFileURL.pathComponents, to = target.absoluteURL.standardizedFileURL.pathComponents
        var common = 0
        while common < min(from.count, to.count), from[common] == to[common] { common += 1 }
        let up = Array(repeating: "..", count: from.count - common)
        return (up + to[common...]).joined(separator: "/")
    }

    /// The nearest folder of `path` that exists (itself if it does), and the names below it that do not yet: where a
    /// folder an output will create sits on disk.
    public static func nearestExisting(_ path: String) -> (existing: URL, missing: [String]) {
        var url = URL(fileURLWithPath: path).absoluteURL.standardizedFileURL
        var missing: [String] = []
        while !FileManager.default.fileExists(atPath: url.path), url.path != "/" {
            missing.insert(url.lastPathComponent, at: 0)
            url.deleteLastPathComponent()
        }
        return (url, missing)
    }
}
