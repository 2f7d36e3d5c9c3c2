import Foundation

public enum RelativePath {
    /// The path of `target` as seen from the folder `base` (both absolute), e.g. "../city/city.yaml".
    public static func from(_ base: URL, to target: URL) -> String {
        let from = base.absoluteURL.standardizedFileURL.pathComponents, to = target.absoluteURL.standardizedFileURL.pathComponents
        var common = 0
        while common < min(from.count, to.count), from[common] == to[common] { common += 1 }
        let up = Array(repeating: "..", count: from.count - common)
        return (up + to[common...]).joined(separator: "/")
    }
}
