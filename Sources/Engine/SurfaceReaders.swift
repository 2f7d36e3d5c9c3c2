import City
import Foundation
import Grid
import Model

/// The city's surface layers read by several threads at once. A GDAL dataset handle serves one thread at a time,
/// so each reader is its own opening of the inputs, lent to one caller at a time: the blocks and the park pass
/// read on every core instead of queueing behind one lock.
public final class SurfaceReaders: @unchecked Sendable {
    public typealias Read = (Window) throws -> SurfaceLayers
    private let readers: [Read]
    private var free: [Int]
    private let condition = NSCondition()

    public init(_ readers: [Read]) {
        precondition(!readers.isEmpty, "at least one reader")
        self.readers = readers
        free = Array(readers.indices.reversed())
    }

    /// The city itself and `count − 1` more openings of its surface inputs (neither scanned nor checked again:
    /// the city's own opening checked them).
    public convenience init(city: City, count: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        var readers: [Read] = [{ try city.layers($0) }]
        for _ in 1..<max(1, count) {
            let twin = try City(manifestPath: city.manifestPath, surfaceOnly: true, grid: city.grid)
            readers.append { try twin.layers($0) }
        }
        self.init(readers)
    }

    /// Readers of the city's grid and its surroundings (City.surroundings): the city's own when it has no margin.
    public convenience init(surroundingsOf city: City, count: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        guard city.surroundings.hasMargin else { try self.init(city: city, count: count); return }
        try self.init(city: City(manifestPath: city.manifestPath, surfaceOnly: true, grid: city.surroundings.grid), count: count)
    }

    public var count: Int { readers.count }

    /// The layers on `window`, read by the first free reader (waits while all are busy).
    public func read(_ window: Window) throws -> SurfaceLayers {
        condition.lock()
        while free.isEmpty { condition.wait() }
        let reader = free.removeLast()
        condition.unlock()
        defer {
            condition.lock()
            free.append(reader)
            condition.signal()
            condition.unlock()
        }
        return try readers[reader](window)
    }
}
