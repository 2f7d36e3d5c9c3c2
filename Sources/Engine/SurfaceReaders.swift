import City
import Foundation
import Grid
import Model
import Support

/// The city's surface layers read by several threads at once. A GDAL dataset handle serves one thread at a time,
/// so each reader is its own opening of the inputs, lent to one caller at a time: the blocks and the park pass
/// read on every core instead of queueing behind one lock.
public final class SurfaceReaders: @unchecked Sendable {
    public typealias Read = (Window) throws -> SurfaceLayers
    private let readers: [Read]
    private var free: [Int]
    private let condition = NSCondition()

    /// How far a cell's layers depend on others (`City.layersReachCells`).
    let reachCells: Int

    public init(_ readers: [Read], reachCells: Int = 0) {
        precondition(!readers.isEmpty, "at least one reader")
        self.readers = readers
        self.reachCells = reachCells
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
        self.init(readers, reachCells: city.layersReachCells)
    }

    /// Readers of the city's grid and its surroundings (City.surroundings): the city's own when it has no margin.
    public convenience init(surroundingsOf city: City, count: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        guard city.surroundings.hasMargin else { try self.init(city: city, count: count); return }
        try self.init(city: City(manifestPath: city.manifestPath, surfaceOnly: true, grid: city.surroundings.grid), count: count)
    }

    public var count: Int { readers.count }

    /// The layers on a large `window`, read in one strip per reader at once, each with the rows its cells depend on
    /// (within the window): the same values as one read of the window, in a fraction of the time.
    public func readInStrips(_ window: Window) throws -> SurfaceLayers {
        let rows = (window.height + count - 1) / count
        guard count > 1, rows >= 4 * reachCells + 64 else { return try read(window) }
        let strips = Window(x: 0, y: 0, width: window.width, height: window.height).strips(rows: rows)
        let lock = NSLock(), failure = ErrorBox()
        nonisolated(unsafe) var out = SurfaceLayers(width: window.width, height: window.height) // each strip pastes its rows under the lock
        DispatchQueue.concurrentPerform(iterations: strips.count) { k in
            let strip = strips[k]
            let top = max(0, strip.y - reachCells), bottom = min(window.height, strip.y + strip.height + reachCells)
            do {
                let read = try self.read(Window(x: window.x, y: window.y + top, width: window.width, height: bottom - top))
                    .cropped(to: Window(x: 0, y: strip.y - top, width: strip.width, height: strip.height))
                lock.withLock { for role in SurfaceLayers.roles { out[keyPath: role.keyPath].paste(read[keyPath: role.keyPath], x: 0, y: strip.y) } }
            } catch { failure.set(error) }
        }
        if let error = failure.error { throw error }
        return out
    }

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
