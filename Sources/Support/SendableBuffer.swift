/// A fixed-size buffer shared by `concurrentPerform` iterations that write disjoint indices.
public final class UnsafeMutableSendableBuffer: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    let count: Int
    public init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }
    public subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    public func deallocate() { pointer.deallocate() }
}
