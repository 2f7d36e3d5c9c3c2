#!/usr/bin/env bash
# Benchmark: `ictu watering` on the sample city (4 km, 2 m cells) with its own inventory (≈ 3 300 trees) and with a
# synthetic inventory of 100 000 trees (random positions over the city, crowns 4–12 m), each ranked with a budget.
# Wall time and peak RSS. Usage: bash Benchmarks/watering.sh [TREES] (default 100000). Run by hand, not by CI; the
# cities are generated and computed first (not timed) in a temporary folder, removed afterwards.
source "$(dirname "$0")/prepare.sh"
count=${1:-100000}
city=$(mktemp -d)
"$ictu" sample --out "$city" --quiet
"$ictu" compute --city "$city/city.yaml" --out "$city/run" --quiet
measure() { # label run
  /usr/bin/time -v "$ictu" watering --run "$2" --budget 50000 --quiet 2> "$city/time.txt"
  wall=$(grep "Elapsed (wall" "$city/time.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$city/time.txt" | awk '{print $NF}')
  n=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['trees'])" "$2/watering/watering.json")
  echo "watering, $1: $n trees, wall $wall, peak RSS $((rss / 1024)) MiB"
}
measure "sample inventory" "$city/run"
# The same city with a synthetic inventory in place of its own (computed again: the run records its inputs).
/usr/bin/python3 - "$city/Rasters/trees.gpkg" "$count" <<'PY'
import random, sys
from osgeo import ogr, osr
path, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
driver = ogr.GetDriverByName("GPKG"); driver.DeleteDataSource(path)
ds = driver.CreateDataSource(path)
srs = osr.SpatialReference(); srs.ImportFromEPSG(2154)
layer = ds.CreateLayer("trees", srs, ogr.wkbPoint)
for name, kind in [("id", ogr.OFTString), ("species", ogr.OFTString), ("height_m", ogr.OFTReal), ("crown_diameter_m", ogr.OFTReal), ("planted", ogr.OFTInteger)]:
    layer.CreateField(ogr.FieldDefn(name, kind))
layer.StartTransaction()
for i in range(n):
    f = ogr.Feature(layer.GetLayerDefn())
    f.SetField("id", f"t{i}"); f.SetField("species", "Platanus x hispanica")
    f.SetField("height_m", random.uniform(6, 20)); f.SetField("crown_diameter_m", random.uniform(4, 12)); f.SetField("planted", random.randint(1950, 2020))
    f.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT ({random.uniform(416010, 419990)} {random.uniform(6419010, 6422990)})"))
    layer.CreateFeature(f)
layer.CommitTransaction()
PY
"$ictu" compute --city "$city/city.yaml" --out "$city/run2" --quiet
measure "synthetic inventory" "$city/run2"
rm -rf "$city"
