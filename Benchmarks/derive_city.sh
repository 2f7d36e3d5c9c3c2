#!/usr/bin/env bash
# A generated city on other cells: derive_city.sh FROM CELL_M OUT — FROM's rasters resampled to CELL_M m by
# gdal_translate (nearest when finer, average when coarser; rasters already at CELL_M or coarser than 10 m are
# kept as they are), its vectors and sensors shared (symbolic links), its manifest with the new cell size.
# Used by metropolis.sh (the 1 m city from the 2 m one: the generator is single-threaded and needs ≈ 4 h and
# > 6 GiB at 25 km and 1 m) and peers.sh (the city on InVEST's 10 m and 5 m cells).
set -euo pipefail
from=$(realpath "$1") cell=$2 out=$3
[ -f "$out/city.yaml" ] && exit 0
mkdir -p "$out/Rasters"
ln -sfn "$from/SensorData" "$out/SensorData"
for f in "$from"/Rasters/*.gpkg; do ln -sfn "$f" "$out/Rasters/$(basename "$f")"; done
for f in "$from"/Rasters/*.tif; do
  res=$(gdalinfo "$f" | sed -n 's/^Pixel Size = (\([0-9.]*\),.*/\1/p')
  method=$(python3 -c "r, c = float('$res'), float('$cell'); print('keep' if r > 10 or abs(r - c) < 1e-9 else ('near' if c < r else 'average'))")
  if [ "$method" = keep ]; then
    cp "$f" "$out/Rasters/"
  else
    gdal_translate -q -tr "$cell" "$cell" -r "$method" -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=2 -co NUM_THREADS=2 \
      -co BIGTIFF=IF_SAFER "$f" "$out/Rasters/$(basename "$f")"
  fi
done
sed -e "s/cell_size_m: .*/cell_size_m: $cell/" -e "s|^# ICTU city manifest.*|# ICTU city manifest: $from on $cell m cells (rasters resampled by Benchmarks/derive_city.sh).|" \
  "$from/city.yaml" > "$out/city.yaml.part"
mv "$out/city.yaml.part" "$out/city.yaml"
