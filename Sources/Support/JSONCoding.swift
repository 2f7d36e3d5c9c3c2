import Foundation

/// How ictu writes and reads its JSON documents: sorted keys (stable diffs), and NaN and infinities as strings
/// ("nan", "inf"), which plain JSON cannot hold.
public enum JSONCoding {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// On one line (for HTTP responses and identities).
    public static var compactEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    /// Writes `value` as a pretty-printed document at `path`.
    public static func write<T: Encodable>(_ value: T, to path: String) throws {
        try encoder.encode(value).write(to: URL(fileURLWithPath: path))
    }
}
