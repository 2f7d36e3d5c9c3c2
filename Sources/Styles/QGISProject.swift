import City
import Foundation
import Run
import Support

/// `run.qgs`: a QGIS project that opens a run — its maps, the diagnosis's islands, the watering priorities and the
/// city's building outlines — styled as the viewer draws them, grouped, named in the run's language, with paths
/// relative to the project (the folder can move, or be mailed whole). Rewritten by every command that adds to the
/// run, so it lists what the run holds.
public enum QGISProject {
    struct Layer {
        var id: String, name: String, source: String, provider: String
        /// "raster", or the vector geometry ("Polygon", "Point").
        var geometry: String?
        var style: String
    }

    /// The project's text for a run at `runPath` whose files are (for now) in `contents`.
    static func project(runPath: String, contents: URL, record: RunRecord, manifest: String?) -> String {
        let root = URL(fileURLWithPath: runPath).standardizedFileURL
        func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: contents.appendingPathComponent(relative).path) }
        var groups: [(String, [Layer])] = []

        var maps: [Layer] = []
        for entry in [RunFolder.Entry.dayMap, .nightMap, .classes, .relativeToMedian, .delta, .hydricStress, .uncertainty] {
            let file = RunFolder.fileName(entry, record: record)
            guard exists(file), let style = MapStyle.of(entry) else { continue }
            maps.append(Layer(id: entry.stem, name: tr(style.title), source: "./" + file, provider: "gdal", geometry: nil, style: style.pipe))
        }
        groups.append((tr("Maps"), maps))

        var diagnosis: [Layer] = []
        if exists("diagnosis/heat_islands.gpkg") {
            diagnosis.append(Layer(id: "heat_islands_day", name: tr("Heat islands, day"), source: "./diagnosis/heat_islands.gpkg|layername=day", provider: "ogr",
                                   geometry: "Polygon", style: fill(fill: "215,48,31,90", outline: "103,0,13,255")))
            diagnosis.append(Layer(id: "heat_islands_night", name: tr("Heat islands, night"), source: "./diagnosis/heat_islands.gpkg|layername=night", provider: "ogr",
                                   geometry: "Polygon", style: fill(fill: "128,125,186,90", outline: "63,0,125,255")))
        }
        if exists("diagnosis/cool_islands.gpkg") {
            diagnosis.append(Layer(id: "cool_islands", name: tr("Cool islands"), source: "./diagnosis/cool_islands.gpkg|layername=cool_islands", provider: "ogr",
                                   geometry: "Polygon", style: fill(fill: "66,146,198,90", outline: "8,48,107,255")))
        }
        if exists("watering/watering.geojson") {
            diagnosis.append(Layer(id: "watering", name: tr("Watering priorities (trees)"), source: "./watering/watering.geojson", provider: "ogr",
                                   geometry: "Point", style: marker(colour: "35,139,69,255")))
        }
        if !diagnosis.isEmpty { groups.insert((tr("Diagnosis"), diagnosis), at: 0) }

        var city: [Layer] = []
        if exists(RunFolder.sensorsFileName) {
            city.append(Layer(id: "sensors", name: tr("Sensor sites"), source: "./" + RunFolder.sensorsFileName, provider: "ogr",
                              geometry: "Point", style: marker(colour: "33,102,172,255")))
        }

        // The city's footprints, found through the run's manifest, referred to relative to the run.
        if let path = manifest, let settings = (try? Manifest.load(path))?.vectors?["buildings"] {
            let file = Manifest.resolve(settings.path, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent())
            let relative = FilePaths.relative(from: root, to: URL(fileURLWithPath: file))
            let source = (relative.hasPrefix("..") ? relative : "./" + relative) + (settings.layer.map { "|layername=\($0)" } ?? "")
            city.append(Layer(id: "buildings", name: tr("Buildings"), source: source, provider: "ogr", geometry: "Polygon",
                              style: fill(fill: "0,0,0,0", outline: "35,35,35,255")))
        }
        groups.append((tr("City"), city))

        let crs = record.grid.crs
        var tree = "", layers = ""
        for (group, members) in groups where !members.isEmpty {
            tree += "    <layer-tree-group name=\"\(MapStyle.xml(group))\" checked=\"Qt::Checked\" expanded=\"1\">\n"
            for (k, layer) in members.enumerated() {
                // The first map of each group shown; the others listed, ready to tick.
                let shown = k == 0 || layer.geometry != nil
                tree += "      <layer-tree-layer id=\"\(layer.id)\" name=\"\(MapStyle.xml(layer.name))\" source=\"\(MapStyle.xml(layer.source))\" providerKey=\"\(layer.provider)\" checked=\"\(shown ? "Qt::Checked" : "Qt::Unchecked")\" expanded=\"0\"/>\n"
                let kind = layer.geometry == nil ? "type=\"raster\"" : "type=\"vector\" geometry=\"\(layer.geometry!)\""
                layers += """
                    <maplayer \(kind)>
                      <id>\(layer.id)</id>
                      <datasource>\(MapStyle.xml(layer.source))</datasource>
                      <layername>\(MapStyle.xml(layer.name))</layername>
                      <provider\(layer.provider == "ogr" ? " encoding=\"UTF-8\"" : "")>\(layer.provider)</provider>
                \(layer.style)
                    </maplayer>

                """
            }
            tree += "    </layer-tree-group>\n"
        }
        let title = tr("ICTU felt-temperature map — {}", record.cityName ?? root.lastPathComponent)
        let text = """
        <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
        <qgis projectname="\(MapStyle.xml(title))" version="3.22.16-Białowieża">
          <title>\(MapStyle.xml(title))</title>
          <projectCrs><spatialrefsys><authid>\(MapStyle.xml(crs))</authid></spatialrefsys></projectCrs>
          <layer-tree-group>
        \(tree)  </layer-tree-group>
          <projectlayers>
        \(layers)  </projectlayers>
          <properties><Paths><Absolute type="bool">false</Absolute></Paths></properties>
        </qgis>

        """
        return text
    }

    static func fill(fill: String, outline: String) -> String {
        symbol(type: "fill", layerClass: "SimpleFill", options: ["color": fill, "outline_color": outline, "outline_width": "0.5", "outline_width_unit": "MM",
                                                                 "style": fill.hasSuffix(",0") ? "no" : "solid", "outline_style": "solid"])
    }

    static func marker(colour: String) -> String {
        symbol(type: "marker", layerClass: "SimpleMarker", options: ["color": colour, "outline_color": "255,255,255,255", "size": "2.4", "size_unit": "MM",
                                                                     "name": "circle", "outline_width": "0.3"])
    }

    static func symbol(type: String, layerClass: String, options: [String: String]) -> String {
        let values = options.sorted { $0.key < $1.key }.map { "              <Option name=\"\($0.key)\" value=\"\($0.value)\" type=\"QString\"/>" }.joined(separator: "\n")
        return """
              <renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">
                <symbols>
                  <symbol type="\(type)" name="0" alpha="1" clip_to_extent="1" force_rhr="0">
                    <layer class="\(layerClass)" enabled="1" locked="0" pass="0">
                      <Option type="Map">
        \(values)
                      </Option>
                    </layer>
                  </symbol>
                </symbols>
              </renderer-v2>
        """
    }
}
