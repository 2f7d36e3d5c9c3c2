/// Progress reports: (stage, fraction done 0–1).
public typealias ProgressHandler = @Sendable (String, Double) -> Void
