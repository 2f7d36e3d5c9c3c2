import Foundation

/// Wall-clock seconds per named stage of a command (to the hundredth), for its record and its profile.
public struct StageClock: Sendable {
    public private(set) var stages: [String: Double] = [:]
    private var started = Date()

    public init() {}

    /// Ends the stage running since the last lap (or the start) under `name`.
    public mutating func lap(_ name: String) {
        stages[name] = (Date().timeIntervalSince(started) * 100).rounded() / 100
        started = Date()
    }
}
