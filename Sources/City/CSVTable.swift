import GeoIO

/// Reads a CSV file (optionally .gz) row by row with its header, reporting errors as file:line:column.
/// Supports quoted fields ("a,b" and doubled quotes); a field may not span lines.
struct CSVReader {
    let path: String
    let displayName: String
    let reader: TextLineReader
    let header: [String]
    private let index: [String: Int]

    init(path: String, displayName: String, required: [String]) throws {
        self.path = path
        self.displayName = displayName
        let lines: TextLineReader
        do { lines = try TextLineReader(path: path) } catch {
            throw CityInputError(file: displayName, problem: "cannot be opened: \(error)", fix: "check the path in the manifest (paths are relative to it)")
        }
        reader = lines
        guard let first = try Self.wrap(displayName, { try lines.nextLine() }) else {
            throw CityInputError(file: displayName, problem: "the file is empty", fix: "expected a header line: \(required.joined(separator: ","))")
        }
        header = try Self.split(first.hasPrefix("\u{FEFF}") ? String(first.dropFirst()) : first, file: displayName, line: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            if let first = index[name] {
                throw CityInputError(file: displayName, location: "line 1, columns \(first + 1) and \(i + 1)", problem: "column '\(name)' appears twice",
                                     fix: "keep one column of each name")
            }
            index[name] = i
        }
        self.index = index
        let missing = required.filter { index[$0] == nil }
        // A whole header in one field: the file is separated by something else than commas (a spreadsheet's export).
        if !missing.isEmpty, header.count == 1, let separator = [";", "\t", "|"].first(where: { first.contains($0) }) {
            let name = separator == "\t" ? "tabs" : "'\(separator)'"
            throw CityInputError(file: displayName, location: "line 1", problem: "the columns are separated by \(name), not commas",
                                 fix: "export it as CSV with commas (and decimal points): e.g. in LibreOffice, field delimiter «,»")
        }
        if !missing.isEmpty {
            throw CityInputError(file: displayName, location: "line 1", problem: "missing column(s) \(missing.joined(separator: ", "))",
                                 fix: "the header must name: \(required.joined(separator: ","))")
        }
    }

    /// Reads through `body`, turning the text reader's errors into input errors (with the line when it gave one).
    static func wrap<R>(_ file: String, _ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as GeoError {
            let location = error.operation.hasPrefix("line ") ? error.operation : nil
            throw CityInputError(file: file, location: location, problem: error.libraryMessage.isEmpty ? error.operation : error.libraryMessage)
        }
    }

    /// A data row: values by column name, with the line number for messages.
    struct Row {
        let fields: [String]
        let line: Int
        let reader: CSVReader
        func text(_ column: String) -> String { fields[reader.index[column]!] }

        /// The value as a number; nil when the field is empty; an error naming line and column otherwise.
        func number(_ column: String, allowEmpty: Bool = true) throws -> Double? {
            let raw = text(column).trimmingCharacters(in: .whitespaces)
            if raw.isEmpty {
                if allowEmpty { return nil }
                throw CityInputError(file: reader.displayName, location: "line \(line), column \(column)", problem: "empty value", fix: "a number is required here")
            }
            guard let value = Double(raw), value.isFinite else {
                if raw.contains(","), let decimal = Double(raw.replacingOccurrences(of: ",", with: ".")), decimal.isFinite {
                    throw CityInputError(file: reader.displayName, location: "line \(line), column \(column)", problem: "'\(raw.prefix(40))' has a decimal comma",
                                         fix: "use a decimal point (23.4), as CSV numbers do")
                }
                throw CityInputError(file: reader.displayName, location: "line \(line), column \(column)", problem: "'\(raw.prefix(40))' is not a number",
                                     fix: "use a decimal point and no units (e.g. 23.4)")
            }
            return value
        }
    }

    /// The next row, nil at end of file. Blank lines are skipped.
    func next() throws -> Row? {
        while let line = try Self.wrap(displayName, { try reader.nextLine() }) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            return try row(fields: try Self.split(line, file: displayName, line: reader.lineNumber), number: reader.lineNumber)
        }
        return nil
    }

    static func split(_ line: String, file: String, line number: Int) throws -> [String] {
        guard line.contains("\"") else { return line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var fields: [String] = [], current = ""
        var quoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    // A doubled quote is a literal quote; a single one closes the field.
                    var lookahead = chars
                    if lookahead.next() == "\"" { current.append("\""); chars = lookahead } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { fields.append(current); current = "" }
            else { current.append(c) }
        }
        if quoted { throw CityInputError(file: file, location: "line \(number)", problem: "unclosed quote") }
        fields.append(current)
        return fields
    }
}

// MARK: - Rows as bytes

extension CSVReader {
    /// The position of a column in every row.
    func column(_ name: String) -> Int { index[name]! }

    /// Every data row as its fields' bytes, with no string made per field: for files read by the hundred thousand
    /// rows (the measurements). Blank lines are skipped, quoted fields unquoted and the text checked as UTF-8, as
    /// `next()` does. `row()` makes the `Row` that `next()` would have given, for a field the caller cannot take from
    /// its bytes (and for the message that field deserves).
    func forEachRawRow(_ body: (_ fields: RawFields, _ row: () throws -> Row) throws -> Void) throws {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(header.count)
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        while let slice = try Self.wrap(displayName, { try reader.nextLineBytes() }) {
            let number = reader.lineNumber
            if slice.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            func row() throws -> Row { try self.row(slice, number: number) }
            if slice.contains(where: { $0 >= 0x80 }), String(validating: slice, as: UTF8.self) == nil { _ = try row() } // says where
            if slice.contains(quote) {
                // Rare: unquoted by the string reader, its fields' bytes laid end to end.
                var joined: [UInt8] = []
                ranges.removeAll(keepingCapacity: true)
                for field in try row().fields { let start = joined.count; joined.append(contentsOf: field.utf8); ranges.append(start..<joined.count) }
                try joined.withUnsafeBufferPointer { try body(RawFields(bytes: $0, ranges: ranges), row) }
                continue
            }
            try slice.withUnsafeBufferPointer { line in
                ranges.removeAll(keepingCapacity: true)
                var start = 0
                for i in 0..<line.count where line[i] == comma { ranges.append(start..<i); start = i + 1 }
                ranges.append(start..<line.count)
                guard ranges.count == header.count else { _ = try row(); return } // says how many
                try body(RawFields(bytes: line, ranges: ranges), row)
            }
        }
    }

    /// The `Row` a line's bytes make (what `next()` returns for it): UTF-8 checked, fields split and unquoted.
    func row(_ bytes: ArraySlice<UInt8>, number: Int) throws -> Row {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CityInputError(file: displayName, location: "line \(number)", problem: "not valid UTF-8 text (save the file as UTF-8)")
        }
        return try row(fields: try Self.split(text, file: displayName, line: number), number: number)
    }

    /// A line's fields as a row, when there are as many as the header names.
    func row(fields: [String], number: Int) throws -> Row {
        guard fields.count == header.count else {
            throw CityInputError(file: displayName, location: "line \(number)", problem: "\(fields.count) fields where the header has \(header.count)",
                                 fix: "every row needs the columns \(header.joined(separator: ","))")
        }
        return Row(fields: fields, line: number, reader: self)
    }
}

/// A row's fields as bytes: valid while the row is being read.
struct RawFields {
    let bytes: UnsafeBufferPointer<UInt8>
    let ranges: [Range<Int>]

    /// A field's bytes without the spaces and tabs around them.
    func trimmed(_ column: Int) -> UnsafeBufferPointer<UInt8> {
        var lo = ranges[column].lowerBound, hi = ranges[column].upperBound
        while lo < hi, bytes[lo] == 32 || bytes[lo] == 9 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 32 || bytes[hi - 1] == 9 { hi -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[lo..<hi])
    }
}

/// A field read as a number without making a string: empty, a plain decimal, or something else (left to `Double`).
enum PlainNumber: Equatable {
    case empty, value(Double), other

    /// "-12.34", "7", "0.5": at most 15 digits, so they make an exact integer that one division by an exact power of
    /// ten rounds once, correctly — the Double that `Double("-12.34")` reads. Exponents, a '+', a bare point, inner
    /// spaces and longer numbers are `.other`.
    init(_ b: UnsafeBufferPointer<UInt8>) {
        guard !b.isEmpty else { self = .empty; return }
        var i = 0
        let negative = b[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var mantissa: Int64 = 0, digits = 0, decimals = 0, point = false
        while i < b.count {
            let c = b[i]
            if c >= 48 && c <= 57 {
                mantissa = mantissa &* 10 &+ Int64(c - 48); digits += 1
                if point { decimals += 1 }
            } else if c == UInt8(ascii: "."), !point, digits > 0 {
                point = true
            } else { self = .other; return }
            i += 1
        }
        guard digits > 0, digits <= 15, !(point && decimals == 0) else { self = .other; return }
        let magnitude = Double(mantissa) / Self.powersOfTen[decimals]
        self = .value(negative ? -magnitude : magnitude)
    }

    /// The value, or nil for an empty field; nil nil for a field `Double` must read.
    var known: Double?? {
        switch self {
        case .empty: .some(nil)
        case .value(let v): .some(v)
        case .other: nil
        }
    }

    /// 10⁰ … 10¹⁵, each exact (products of exact values below 2⁵³).
    private static let powersOfTen: [Double] = (0...15).reduce(into: []) { p, k in p.append(k == 0 ? 1 : p[k - 1] * 10) }
}
