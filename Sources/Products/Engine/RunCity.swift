import City
import Foundation

/// The city a run was computed from, opened again to recompute parts of it (scenarios, watering): its manifest
/// found, its inputs checked against the SHA-256 the run recorded (so what is recomputed is the run's city), its
/// surface layers opened (sensors are not read again).
public enum RunCity {
    public static func open(record: RunRecord, run: String, manifest: String?) throws -> City {
        let path = try manifestPath(record: record, run: run, given: manifest)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        for (file, hash) in record.inputs.sorted(by: { $0.key < $1.key }) {
            let current = try? SHA256.hex(ofFile: folder.appendingPathComponent(file).path)
            guard current == hash else {
                throw OutputError("\(folder.appendingPathComponent(file).path) \(current == nil ? "is missing" : "has changed") since the run \(run) was computed: compute the run again (`ictu compute`) so the results describe the city as it is")
            }
        }
        let city = try City(manifestPath: path, surfaceOnly: true)
        guard city.grid == record.grid else { throw OutputError("\(path): its analysis grid differs from the run's (\(run)/calibration.json)") }
        return city
    }

    /// The manifest: the one given, else the run's (as recorded, from the current folder, then beside the run folder).
    static func manifestPath(record: RunRecord, run: String, given: String?) throws -> String {
        let fm = FileManager.default
        if let given {
            guard fm.fileExists(atPath: given) else { throw OutputError("\(given): no such manifest") }
            return given
        }
        let candidates = [record.manifest, URL(fileURLWithPath: run).deletingLastPathComponent().appendingPathComponent(record.manifest).path]
        guard let found = candidates.first(where: { fm.fileExists(atPath: $0) }) else {
            throw OutputError("the run's manifest \(record.manifest) is not found from here: pass --city MANIFEST")
        }
        return found
    }
}
