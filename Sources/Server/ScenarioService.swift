import Foundation
import Synchronization
import Grid
import Reports
import Run
import Scenario
import Support
import Tiles

/// Scenarios sent to the server (POST /api/scenario): simulated on the served run, kept in memory (the last few)
/// with their after and difference maps as the run's COGs with the changed window drawn over them. One simulation at a time; the run's city is loaded on
/// the first scenario.
public final class ScenarioService: Sendable {
    public static let maxBodyBytes = 1 << 20
    /// Variants held at once: each holds its changed window (four maps and their pyramids in memory, and every band
    /// for a click's explanation in a temporary file, `VariantBands`), so they are kept until removed and a further
    /// one is refused with what to do, never dropped unsaid.
    static let maxVariants = 6

    struct Entry {
        var id: String
        /// The designer's name for it ("park with pond"), or the next letter: A, B, C…
        var name: String
        /// The scenario as posted, with its name: downloaded to be loaded again or run by `ictu simulate`.
        var geojson: Data
        var summary: ScenarioSummary
        /// Its maps as tile sources (the run's COGs with its window drawn over them), by layer name.
        var pyramids: [String: any TileSource]
        /// Its tile layers, the differences' ramps sized to its largest changes.
        var layers: [TileLayer]
        /// The recomputed bands (maps, terms, intermediate fields) over its region, for a click's explanation.
        var bands: VariantBands
    }

    private struct State {
        var base: SimulationBase?
        var entries: [Entry] = []
        var busy = false
        var counter = 0
    }

    let folder: RunFolder
    /// The run's city when given on the command line (`serve --city`), else found from the run's record.
    let manifest: String?
    private let state = Mutex(State())
    /// Completes the summaries after their first figures were answered, one at a time; a new scenario waits for
    /// them (both would share the same two cores).
    private let completions = DispatchQueue(label: "ictu.scenario.summaries")

    init(folder: RunFolder, manifest: String?) { self.folder = folder; self.manifest = manifest }

    enum Failure: Error { case busy, badScenario(String), full([String]) }

    /// Simulates a scenario (the GeoJSON text of the request body) as a new variant, named `name`, the GeoJSON's own
    /// top-level `name`, or the next free letter; returns its id and summary.
    func simulate(_ body: Data, name given: String? = nil) throws -> (id: String, summary: ScenarioSummary) {
        try state.withLock { s in
            guard !s.busy else { throw Failure.busy }
            guard s.entries.count < Self.maxVariants else { throw Failure.full(s.entries.map(\.name)) }
            s.busy = true
        }
        defer { state.withLock { $0.busy = false } }
        completions.sync {}
        let file = NSTemporaryDirectory() + "ictu-posted-\(UUID().uuidString).geojson"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try body.write(to: URL(fileURLWithPath: file))
        let grid = folder.record.grid
        let scenario: Scenario
        do { scenario = try Scenario(path: file, grid: grid) } catch { throw Failure.badScenario("\(error)".replacingOccurrences(of: URL(fileURLWithPath: file).lastPathComponent, with: "scenario")) }
        let base = try state.withLock { $0.base } ?? SimulationBase(run: folder.path, manifest: manifest)
        state.withLock { $0.base = base }
        let result: SimulationResult
        var options = SimulationOptions()
        options.firstFiguresOnly = true
        do { result = try Simulation.compute(scenario, name: "scenario", base: base, options: options) }
        catch let e as OutputError { throw Failure.badScenario(e.description) }
        // The variant's maps: the run's COGs with the changed window drawn over them (its after values, its change).
        let dayMap = try COGLayer(folder, band: RunFolder.map(.day)), nightMap = try COGLayer(folder, band: RunFolder.map(.night))
        let window = PatchedLayer.window(around: result.region ?? Window(x: 0, y: 0, width: 1, height: 1), base: dayMap)
        let dayBefore = try base.map(.day, window: window), nightBefore = try base.map(.night, window: window)
        let afterDay = result.after(.day, before: dayBefore, window: window), afterNight = result.after(.night, before: nightBefore, window: window)
        let dayChange = afterDay.change(since: dayBefore), nightChange = afterNight.change(since: nightBefore)
        // Keyed by the names of TileLayer.scenarioLayers.
        let pyramids: [String: any TileSource] = [
            "after": try PatchedLayer(base: dayMap, window: window, values: afterDay, zeroOutside: false),
            "after-night": try PatchedLayer(base: nightMap, window: window, values: afterNight, zeroOutside: false),
            "delta": try PatchedLayer(base: dayMap, window: window, values: dayChange, zeroOutside: true),
            "delta-night": try PatchedLayer(base: nightMap, window: window, values: nightChange, zeroOutside: true)]
        func largest(_ p: Plane) -> Double { Double(p.values.reduce(Float(0)) { $1.isNaN ? $0 : max($0, abs($1)) }) }
        let layers = TileLayer.scenarioLayers(dayRange: ColourRamp.differenceRange(largest: largest(dayChange)),
                                              nightRange: ColourRamp.differenceRange(largest: largest(nightChange)))
        var document = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:]
        let bands = VariantBands(result.after, region: result.region)
        let answer: (id: String, summary: ScenarioSummary) = state.withLock { s in
            s.counter += 1
            let id = "s\(s.counter)"
            let taken = Set(s.entries.map(\.name))
            let letters = (65...90).map { String(UnicodeScalar(UInt8($0))) }
            let named = (given ?? document["name"] as? String).map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(80)) }
            var name = named.flatMap { $0.isEmpty ? nil : $0 } ?? letters.first { !taken.contains($0) } ?? id
            // Names tell variants apart: a name already held gets its number.
            if taken.contains(name) { name = (2...).lazy.map { "\(name) (\($0))" }.first { !taken.contains($0) }! }
            document["name"] = name
            let geojson = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? body
            s.entries.append(Entry(id: id, name: name, geojson: geojson, summary: result.summary, pyramids: pyramids, layers: layers, bands: bands))
            return (id, result.summary)
        }
        // The rest of the summary (whole-city cool islands, the 15 h maps) after the answer; a failure is said in
        // the summary, which then stays without those figures. Then the variant's bands go to disk.
        let language = Language.current
        completions.async {
            let summary = Result { try Language.$scoped.withValue(language) { try Simulation.completed(result, scenario: scenario, name: "scenario", base: base) } }
            do { try bands.spill() } catch {
                FileHandle.standardError.write(Data("ictu serve: variant \(answer.id)'s bands stay in memory, the temporary file failed: \(error)\n".utf8))
            }
            self.state.withLock { s in
                guard let k = s.entries.firstIndex(where: { $0.id == answer.id }) else { return }
                switch summary {
                case .success(let complete): s.entries[k].summary = complete
                case .failure(let error): s.entries[k].summary.pending = nil; s.entries[k].summary.failure = "\(error)"
                }
            }
        }
        return answer
    }

    /// Removes a variant; false when it is not held.
    func remove(_ id: String) -> Bool {
        state.withLock { s in
            guard let index = s.entries.firstIndex(where: { $0.id == id }) else { return false }
            s.entries.remove(at: index)
            return true
        }
    }

    /// The variants held, oldest first.
    func variants() -> [(id: String, name: String, summary: ScenarioSummary)] { state.withLock { $0.entries.map { ($0.id, $0.name, $0.summary) } } }

    func name(_ id: String) -> String? { state.withLock { $0.entries.first { $0.id == id }?.name } }

    func geojson(_ id: String) -> Data? { state.withLock { $0.entries.first { $0.id == id }?.geojson } }

    /// A held scenario's value of `band` at `cell`, nil where the scenario left the run's value (outside what the
    /// edits reach) or when it is not held.
    func value(_ id: String, _ band: RunFolder.Band, at cell: (col: Int, row: Int)) throws -> Double? {
        guard let bands = state.withLock({ s in s.entries.first(where: { $0.id == id })?.bands }),
              let v = try bands.value(band.entry, band: band.number - 1, col: cell.col, row: cell.row) else { return nil }
        return v.isNaN && band.entry != .dayMap && band.entry != .nightMap ? nil : Double(v)
    }

    func holds(_ id: String) -> Bool { state.withLock { s in s.entries.contains { $0.id == id } } }

    func layers(_ id: String) -> [TileLayer]? { state.withLock { $0.entries.first { $0.id == id }?.layers } }

    func summary(_ id: String) -> ScenarioSummary? { state.withLock { $0.entries.first { $0.id == id }?.summary } }

    func pyramid(_ id: String, layer: String) -> (any TileSource)? { state.withLock { $0.entries.first { $0.id == id }?.pyramids[layer] } }
}
