"""The InVEST urban cooling model on an ictu city: the city's layers mapped onto InVEST's inputs (a land-cover
raster and its biophysical table, a reference ET raster, an area of interest), then the model run once.
Usage: VENV/bin/python Benchmarks/invest_run.py CITY_FOLDER WORKSPACE   (run under /usr/bin/time -v by peers.sh)."""
import csv, os, sys, time
import numpy as np
from osgeo import gdal, ogr, osr

city, workspace = sys.argv[1], sys.argv[2]
os.makedirs(workspace, exist_ok=True)
started = time.time()

def read(name, scale=0.01):
    ds = gdal.Open(f"{city}/Rasters/{name}.tif")
    return ds, ds.GetRasterBand(1).ReadAsArray().astype(np.float32) * scale

canopy_ds, canopy = read("tree_canopy")
_, shrub = read("shrub"); _, grass = read("grass"); _, water = read("water")
_, impervious = read("impervious"); _, albedo = read("albedo")
h, w = canopy.shape
# Building footprints burnt on the same grid.
mem = gdal.GetDriverByName("MEM").Create("", w, h, 1, gdal.GDT_Byte)
mem.SetGeoTransform(canopy_ds.GetGeoTransform()); mem.SetProjection(canopy_ds.GetProjection())
buildings = ogr.Open(f"{city}/Rasters/buildings.gpkg")
gdal.RasterizeLayer(mem, [1], buildings.GetLayer(0), burn_values=[1], options=["ALL_TOUCHED=FALSE"])
building = mem.GetRasterBand(1).ReadAsArray() > 0

# Land cover: the cell's dominant surface (the classes InVEST's table describes).
classes = {1: "building", 2: "water", 3: "tree", 4: "shrub", 5: "grass", 6: "sealed", 7: "other"}
lulc = np.full((h, w), 7, np.int16)
lulc[impervious >= 0.5] = 6
lulc[(grass >= 0.5)] = 5
lulc[(shrub >= 0.5)] = 4
lulc[(canopy >= 0.5)] = 3
lulc[water >= 0.5] = 2
lulc[building] = 1
drv = gdal.GetDriverByName("GTiff")
def write(path, array, dtype):
    ds = drv.Create(path, w, h, 1, dtype, ["TILED=YES", "COMPRESS=DEFLATE"])
    ds.SetGeoTransform(canopy_ds.GetGeoTransform()); ds.SetProjection(canopy_ds.GetProjection())
    ds.GetRasterBand(1).WriteArray(array); ds.GetRasterBand(1).SetNoDataValue(-1); ds = None
write(f"{workspace}/lulc.tif", lulc, gdal.GDT_Int16)
write(f"{workspace}/et0.tif", np.full((h, w), 5.0, np.float32), gdal.GDT_Float32)  # mm/day, uniform: a hot summer day
table = {"building": (0, 0.1, 0, 1.0), "water": (0, 1.0, 0, 0), "tree": (1, 1.0, 1, 0), "shrub": (0, 0.8, 1, 0),
         "grass": (0, 0.7, 1, 0), "sealed": (0, 0.1, 0, 0.3), "other": (0, 0.3, 0, 0)}
with open(f"{workspace}/biophysical.csv", "w", newline="") as f:
    out = csv.writer(f); out.writerow(["lucode", "shade", "kc", "green_area", "building_intensity", "albedo"])
    for code, name in classes.items():
        mean_albedo = float(albedo[lulc == code].mean()) if (lulc == code).any() else 0.2
        shade, kc, green, intensity = table[name]
        out.writerow([code, shade, kc, green, intensity, round(mean_albedo, 3)])
# Area of interest: the grid's extent.
gt = canopy_ds.GetGeoTransform()
srs = osr.SpatialReference(wkt=canopy_ds.GetProjection())
aoi = ogr.GetDriverByName("GPKG").CreateDataSource(f"{workspace}/aoi.gpkg")
layer = aoi.CreateLayer("aoi", srs, ogr.wkbPolygon)
ring = ogr.Geometry(ogr.wkbLinearRing)
x0, y0, x1, y1 = gt[0], gt[3] + gt[5] * h, gt[0] + gt[1] * w, gt[3]
for x, y in [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]: ring.AddPoint(x, y)
poly = ogr.Geometry(ogr.wkbPolygon); poly.AddGeometry(ring)
feature = ogr.Feature(layer.GetLayerDefn()); feature.SetGeometry(poly); layer.CreateFeature(feature)
aoi = None
prepared = time.time() - started

import natcap.invest.urban_cooling_model as ucm
args = {
    "workspace_dir": f"{workspace}/out", "results_suffix": "", "n_workers": -1,
    "lulc_raster_path": f"{workspace}/lulc.tif", "ref_eto_raster_path": f"{workspace}/et0.tif",
    "aoi_vector_path": f"{workspace}/aoi.gpkg", "biophysical_table_path": f"{workspace}/biophysical.csv",
    "t_ref": 30.0, "uhi_max": 3.0, "t_air_average_radius": 500.0, "green_area_cooling_distance": 450.0,
    "cc_method": "factors", "cc_weight_shade": 0.6, "cc_weight_albedo": 0.2, "cc_weight_eti": 0.2,
    "do_energy_valuation": False, "do_productivity_valuation": False,
}
started = time.time()
ucm.execute(args)
print(f"invest: mapped inputs in {prepared:.1f} s, model in {time.time() - started:.1f} s, {w} x {h} cells")
