/// A problem with a run, its outputs or a command's request, said as a sentence that names the path and the fix.
public struct OutputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
