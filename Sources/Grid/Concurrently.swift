import Foundation

/// `body` of 0..<count on every core (one call per index, each on its own task), the results in order.
public func concurrentMap<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let out = buffer // each call writes its own element
        DispatchQueue.concurrentPerform(iterations: count) { out[$0] = body($0) }
    }
    return results.map { $0! }
}
