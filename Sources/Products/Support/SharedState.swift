import Synchronization

/// The first error raised by any of several concurrent workers (the others stop when they see it).
final class ErrorBox: Sendable {
    private let stored = Mutex<Error?>(nil)
    var hasError: Bool { stored.withLock { $0 != nil } }
    var error: Error? { stored.withLock { $0 } }
    func set(_ e: Error) { stored.withLock { if $0 == nil { $0 = e } } }
}

/// A count shared by concurrent workers.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() -> Int { count.withLock { $0 += 1; return $0 } }
    var value: Int { count.withLock { $0 } }
}
