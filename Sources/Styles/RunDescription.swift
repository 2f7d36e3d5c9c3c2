import Foundation
import Run
import Support

/// What describes a run to the tools around it, written together with its maps and rewritten by every command that
/// adds to the run: the sensor sites as GeoJSON, the QGIS project (`run.qgs`) and the STAC Item (`stac-item.json`,
/// last: it lists the others).
public enum RunDescription {
    /// Into a run being staged (committed with its maps): `staged` names where a file goes, `runPath` is where the
    /// run will be.
    public static func stage(into staged: (String) throws -> String, runPath: String, record: RunRecord, manifest: String?) throws {
        let contents = URL(fileURLWithPath: try staged(RunFolder.projectFileName)).deletingLastPathComponent()
        try sensors(record).write(to: URL(fileURLWithPath: try staged(RunFolder.sensorsFileName)))
        try QGISProject.project(runPath: runPath, contents: contents, record: record, manifest: manifest)
            .write(toFile: try staged(RunFolder.projectFileName), atomically: false, encoding: .utf8)
        try STACItem.encoded(try STACItem.item(runPath: runPath, contents: contents, record: record)).write(to: URL(fileURLWithPath: try staged(RunFolder.stacItemFileName)))
    }

    /// Rewrites them in a run (each through a temporary name renamed over the old one): after a command that added to
    /// it (its diagnosis, its watering priorities, its tiles).
    public static func write(run: RunFolder, manifest: String? = nil) throws {
        let root = URL(fileURLWithPath: run.path).standardizedFileURL
        try StagedOutput.writeDurably(sensors(run.record), to: root.appendingPathComponent(RunFolder.sensorsFileName))
        let project = QGISProject.project(runPath: run.path, contents: root, record: run.record, manifest: try? run.manifestPath(given: manifest))
        try StagedOutput.writeDurably(Data(project.utf8), to: root.appendingPathComponent(RunFolder.projectFileName))
        try StagedOutput.writeDurably(try STACItem.encoded(try STACItem.item(runPath: run.path, contents: root, record: run.record)),
                                      to: root.appendingPathComponent(RunFolder.stacItemFileName))
    }

    /// The sensor sites as GeoJSON points (WGS 84): id, commune, setting, sensors, and the calibration's residual
    /// (observed − predicted anomaly, °C) by regime where the site calibrated.
    static func sensors(_ record: RunRecord) throws -> Data {
        let features: [[String: Any]] = record.sites.map { site in
            var properties: [String: Any] = ["id": site.id, "commune": site.commune, "setting": site.setting, "sensors": site.sensors.joined(separator: ", ")]
            if let residual = record.day?.residuals[site.id], residual.isFinite { properties["day_residual_c"] = (residual * 100).rounded() / 100 }
            if let residual = record.night?.residuals[site.id], residual.isFinite { properties["night_residual_c"] = (residual * 100).rounded() / 100 }
            return ["type": "Feature", "geometry": ["type": "Point", "coordinates": [site.longitude, site.latitude]], "properties": properties]
        }
        return try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features], options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
