import Foundation

/// No command writes over, or into the folder tree of, a file it reads: an output folder that is an input's folder
/// (or above it) is refused before anything is written, `--force` or not.
public enum InputProtection {
    public static func check(output: String, inputs: [(role: String, path: String)]) throws {
        let out = canonical(output)
        for (role, path) in inputs {
            let input = canonical(path)
            if input == out || input.hasPrefix(out.hasSuffix("/") ? out : out + "/") {
                throw OutputError("--out \(output) holds \(path) (\(role)), which this command reads: write the outputs to a folder of their own, outside the inputs' folders (--force never allows this)")
            }
        }
    }

    /// The absolute path with symbolic links resolved (of its nearest existing ancestor, for a folder not yet made).
    static func canonical(_ path: String) -> String {
        let (url, missing) = FilePaths.nearestExisting(path)
        var resolved = url.resolvingSymlinksInPath()
        for component in missing { resolved.appendPathComponent(component) }
        return resolved.path
    }
}
