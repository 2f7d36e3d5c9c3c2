#!/usr/bin/python3
"""A run folder's maps as QGIS opens them, headless (Debian's qgis 3.22, QT_QPA_PLATFORM=offscreen): each map
layer's validity, the renderer QGIS chose (its style is the .qml beside the map, loaded by default), the colours
of that renderer, and the distinct colours of the class map drawn to an image.
Prints JSON.

With the run's project (run.qgs): every layer it lists, whether QGIS finds it valid, its renderer, and the groups.

With --xyz TILEJSON: the TileJSON's tiles added as QGIS's XYZ layer, valid or not, and its opaque pixels drawn.

usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_check.py RUN_FOLDER [--xyz TILEJSON]
"""
import json, os, sys
from urllib.parse import quote
from qgis.core import (QgsApplication, QgsRasterLayer, QgsMapSettings, QgsMapRendererSequentialJob, QgsProject, QgsRectangle,
                       QgsCoordinateReferenceSystem, QgsCoordinateTransform)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

folder = sys.argv[1]
app = QgsApplication([], False)
app.initQgis()
result = {"layers": {}}


def render(layer, extent, crs):
    """The layer drawn to a 256 × 256 transparent image over `extent` (in `crs`)."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(crs)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(256, 256))
    settings.setBackgroundColor(QColor(0, 0, 0, 0))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()

for name in ["ictu_day", "ictu_night", "ictu_class", "ictu_delta_median", "uncertainty", "hydric_stress"]:
    path = os.path.join(folder, name + ".tif")
    if not os.path.exists(path):
        continue
    layer = QgsRasterLayer(path, name)
    renderer = layer.renderer()
    entry = {"valid": layer.isValid(), "renderer": renderer.type() if renderer else None}
    if renderer and renderer.type() == "paletted":
        entry["colours"] = [[int(c.value), c.color.name(), c.label] for c in renderer.classes()]
    elif renderer and renderer.type() == "singlebandpseudocolor":
        entry["colours"] = [[i.value, i.color.name(), i.label] for i in renderer.shader().rasterShaderFunction().colorRampItemList()]
    result["layers"][name] = entry
    if name == "ictu_class" and layer.isValid():
        image = render(layer, layer.extent(), layer.crs())
        seen = {}
        for y in range(0, image.height(), 2):
            for x in range(0, image.width(), 2):
                if QColor.fromRgba(image.pixel(x, y)).alpha() == 0:
                    continue
                name = QColor(image.pixel(x, y)).name()
                seen[name] = seen.get(name, 0) + 1
        result["classImageColours"] = seen

if "--xyz" in sys.argv:
    with open(sys.argv[sys.argv.index("--xyz") + 1]) as f:
        tilejson = json.load(f)
    url = tilejson["tiles"][0]
    source = f"type=xyz&url={quote(url, safe=':/')}&zmin={tilejson['minzoom']}&zmax={tilejson['maxzoom']}"
    layer = QgsRasterLayer(source, "xyz", "wms")
    w, s_, e, n = tilejson["bounds"]
    mercator = QgsCoordinateReferenceSystem("EPSG:3857")
    extent = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), mercator, QgsProject.instance()).transformBoundingBox(QgsRectangle(w, s_, e, n))
    image = render(layer, extent, mercator) if layer.isValid() else None
    opaque = sum(1 for y in range(0, 256, 4) for x in range(0, 256, 4) if QColor.fromRgba(image.pixel(x, y)).alpha() > 0) if image else 0
    result["xyz"] = {"url": url, "valid": layer.isValid(), "opaque": opaque}

project_path = os.path.join(folder, "run.qgs")
if os.path.exists(project_path):
    project = QgsProject.instance()
    read = project.read(project_path)
    layers = {}
    for layer_id, layer in project.mapLayers().items():
        renderer = layer.renderer()
        layers[layer_id] = {"name": layer.name(), "valid": layer.isValid(), "renderer": renderer.type() if renderer else None,
                            "source": layer.source(), "features": layer.featureCount() if hasattr(layer, "featureCount") else None}
    groups = [g.name() for g in project.layerTreeRoot().children() if hasattr(g, "addGroup")]
    result["project"] = {"read": read, "layers": layers, "groups": groups, "title": project.title()}
print(json.dumps(result), flush=True)
# QGIS 3.22 can crash while tearing down a headless application: leave without it, the answer given.
os._exit(0)
