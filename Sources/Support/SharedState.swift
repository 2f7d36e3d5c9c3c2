import Synchronization

/// The first error raised by any of several concurrent workers (the others stop when they see it).
public final class ErrorBox: Sendable {
    private let stored = Mutex<Error?>(nil)
    public init() {}
    public var hasError: Bool { stored.withLock { $0 != nil } }
    public var error: Error? { stored.withLock { $0 } }
    public func set(_ e: Error) { stored.withLock { if $0 == nil { $0 = e } } }
}

/// A count shared by concurrent workers.
public final class Counter: Sendable {
    private let count = Mutex(0)
    public init() {}
    public func increment() -> Int { count.withLock { $0 += 1; return $0 } }
    public var value: Int { count.withLock { $0 } }
}

/// Results of concurrent workers, one slot each, read once they are done.
public final class SharedSlots<Value: Sendable>: Sendable {
    private let slots: Mutex<[Value]>
    public init(count: Int, initial: Value) { slots = Mutex([Value](repeating: initial, count: count)) }
    public subscript(i: Int) -> Value {
        get { slots.withLock { $0[i] } }
        set { slots.withLock { $0[i] = newValue } }
    }
}
