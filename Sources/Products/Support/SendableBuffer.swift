/// A fixed-size buffer shared by `concurrentPerform` iterations that write disjoint indices.
final class UnsafeMutableSendableBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }
    subscript(i: Int) -> Float {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    func deallocate() { pointer.deallocate() }
}
