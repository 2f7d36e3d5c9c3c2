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
            let fields = try Self.split(line, file: displayName, line: reader.lineNumber)
            guard fields.count == header.count else {
                throw CityInputError(file: displayName, location: "line \(reader.lineNumber)", problem: "\(fields.count) fields where the header has \(header.count)",
                                     fix: "every row needs the columns \(header.joined(separator: ","))")
            }
            return Row(fields: fields, line: reader.lineNumber, reader: self)
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
