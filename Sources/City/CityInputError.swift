/// A problem with the user's input, said the way a user can act on it: which file, where in it
/// (line, column, feature, band, pixel), what is wrong, and how to fix it.
public struct CityInputError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var location: String?
    public var problem: String
    public var fix: String?

    public init(file: String, location: String? = nil, problem: String, fix: String? = nil) {
        self.file = file; self.location = location; self.problem = problem; self.fix = fix
    }

    public var description: String {
        var text = file
        if let location { text += " (\(location))" }
        text += ": \(problem)"
        if let fix { text += " — \(fix)" }
        return text
    }
}
