import Foundation

/// Parses ISO 8601 date-times that carry their own UTC offset ("2022-07-18T14:00:00+02:00", "…Z").
/// A time without an offset is refused: local time must never be assumed.
public enum Timestamp {
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case missingOffset(String)
        public var description: String {
            switch self {
            case .malformed(let s): "'\(s)' is not an ISO 8601 date-time (expected e.g. 2022-07-18T14:00:00+02:00)"
            case .missingOffset(let s): "'\(s)' has no UTC offset: add 'Z' or '+02:00' (local time is never assumed)"
            }
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public static func parse(_ text: some StringProtocol) throws -> Int {
        var text = String(text)
        let parsed = text.withUTF8 { parse(utf8: $0) }
        switch parsed {
        case .seconds(let s): return s
        case .malformed: throw ParseError.malformed(text)
        case .missingOffset: throw ParseError.missingOffset(text)
        }
    }

    /// What the parser makes of a text: its instant, or why not.
    public enum Parsed: Equatable { case seconds(Int), malformed, missingOffset }

    /// The parser itself, on the text's UTF-8 bytes (no allocation: a measurement file has hundreds of thousands of times).
    public static func parse(utf8 b: UnsafeBufferPointer<UInt8>) -> Parsed {
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for i in at..<at + n {
                let d = Int(b[i]) - 48
                guard d >= 0, d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard let year = digits(0, 4), b.count >= 16, b[4] == 45, let month = digits(5, 2), b[7] == 45,
              let day = digits(8, 2), b[10] == 84 || b[10] == 32, let hour = digits(11, 2), b[13] == 58,
              let minute = digits(14, 2) else { return .malformed }
        var i = 16
        var second = 0
        if i < b.count, b[i] == 58 {
            guard let s = digits(i + 1, 2) else { return .malformed }
            second = s
            i += 3
            if i < b.count, b[i] == 46 || b[i] == 44 { // fractional seconds: ignored below the second
                i += 1
                while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            }
        }
        guard (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59, second <= 60 else { return .malformed }
        guard i < b.count else { return .missingOffset }
        var offset = 0
        if b[i] == 90 || b[i] == 122 { // Z
            i += 1
        } else if b[i] == 43 || b[i] == 45 { // + or -
            let sign = b[i] == 43 ? 1 : -1
            guard let oh = digits(i + 1, 2) else { return .malformed }
            var om = 0
            if let m = digits(i + 4, 2), i + 3 < b.count, b[i + 3] == 58 { om = m; i += 6 }
            else if let m = digits(i + 3, 2) { om = m; i += 5 }
            else { i += 3 }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return .malformed
        }
        guard i == b.count else { return .malformed }
        return .seconds(daysFromCivil(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second - offset)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// (year, month, day) of a day count since 1970-01-01.
    public static func civil(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// "2022-07-18T12:00:00Z"
    public static func isoUTC(_ seconds: Int) -> String {
        let days = Int((Double(seconds) / 86400).rounded(.down))
        let (y, m, d) = civil(fromDays: days)
        let rest = seconds - days * 86400
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, rest / 3600, (rest % 3600) / 60, rest % 60)
    }

    /// "2022-07-18T14:00:00+02:00" in a fixed offset.
    public static func iso(_ seconds: Int, offsetSeconds: Int) -> String {
        let local = seconds + offsetSeconds
        let days = Int((Double(local) / 86400).rounded(.down))
        let (y, m, d) = civil(fromDays: days)
        let rest = local - days * 86400
        let sign = offsetSeconds >= 0 ? "+" : "-"
        let o = abs(offsetSeconds)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d", y, m, d, rest / 3600, (rest % 3600) / 60, rest % 60,
                      sign, o / 3600, (o % 3600) / 60)
    }
}

/// The city's civil time zone, for the model's local-time windows (day 14–17 h, night 22–06 h).
public struct LocalClock: Sendable {
    public let zone: TimeZone

    public struct UnknownZone: Error, CustomStringConvertible {
        public let identifier: String
        public var description: String { "unknown time zone '\(identifier)'" }
    }

    public init(identifier: String) throws {
        guard let zone = TimeZone(identifier: identifier) else { throw UnknownZone(identifier: identifier) }
        self.zone = zone
    }

    public func offsetSeconds(at utcSeconds: Int) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utcSeconds)))
    }

    /// Local (day number since 1970-01-01, hour 0–23) of a UTC instant.
    public func localDayAndHour(_ utcSeconds: Int) -> (day: Int, hour: Int) {
        let local = utcSeconds + offsetSeconds(at: utcSeconds)
        let day = Int((Double(local) / 86400).rounded(.down))
        return (day, (local - day * 86400) / 3600)
    }

    /// Local fractional hour 0 ..< 24.
    public func localHour(_ utcSeconds: Int) -> Double {
        let local = utcSeconds + offsetSeconds(at: utcSeconds)
        let day = (Double(local) / 86400).rounded(.down)
        return (Double(local) - day * 86400) / 3600
    }
}
