/// One bit per cell of a grid.
public struct BitGrid: Sendable {
    public let width: Int, height: Int
    public internal(set) var words: [UInt64]
    public init(width: Int, height: Int) {
        self.width = width; self.height = height
        words = [UInt64](repeating: 0, count: (width * height + 63) / 64)
    }
    public subscript(col: Int, row: Int) -> Bool {
        get { let i = row * width + col; return words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
        set { let i = row * width + col; if newValue { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) } }
    }
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
}
