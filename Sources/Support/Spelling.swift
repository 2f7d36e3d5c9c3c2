/// The nearest of the valid names to a mistyped one, for "did you mean …?" in error messages.
public enum Spelling {
    /// The valid name closest to `name` (edit distance, case and separators ignored), if it is close enough to be
    /// what was meant: a prefix of it, or at most a third of its letters different.
    public static func nearest(to name: String, among valid: [String]) -> String? {
        let key = normalised(name)
        guard !key.isEmpty else { return nil }
        let scored = valid.map { ($0, distance(key, normalised($0))) }
        if let prefixed = valid.first(where: { normalised($0).hasPrefix(key) && key.count >= 3 }) { return prefixed }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    /// "did you mean `x`? " or nothing, then the valid names.
    public static func hint(for name: String, among valid: [String]) -> String {
        (nearest(to: name, among: valid).map { "did you mean `\($0)`? " } ?? "") + "valid: " + valid.joined(separator: ", ")
    }

    static func normalised(_ s: String) -> String { s.lowercased().filter { $0.isLetter || $0.isNumber } }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count), current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
