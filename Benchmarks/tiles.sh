#!/usr/bin/env bash
# Benchmark: tile export against GDAL's gdal2tiles.py, side by side in one run, same raster, same zooms; then
# dynamic tiles from `ictu serve` under load (wrk, on loopback): tiles/s and latency percentiles, with the tile
# cache off (every tile drawn from the COG) and on.
# Usage: bash Benchmarks/tiles.sh [RUN_DIR]   (default: a run of the sample city, computed if missing).
# ZOOMS=MIN-MAX sets the zoom levels (default: from the grid's extent to its resolution).
# Run by hand, not by CI. Installs the peers it needs: python3-gdal (gdal2tiles.py), wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
bash .ci/setup
dpkg -s wrk >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
swift build -c release --product ictu >/dev/null
run=${1:-run}
[ -f "$run/ictu_day.tif" ] || .build/release/ictu compute --city city.yaml --out "$run" --force --quiet
work=$(mktemp -d)
zooms=${ZOOMS:-}
[ -n "$zooms" ] || zooms=$(.build/release/ictu tiles --run "$run" --list >/dev/null && python3 - "$run" <<'PY'
import json, math, sys
r = json.load(open(sys.argv[1] + "/calibration.json"))
lat = 44.83; cell = r["grid"]["cellSize"]; width = max(r["grid"]["width"], r["grid"]["height"]) * cell
res = lambda z: 2 * math.pi * 6378137 / (256 << z) * math.cos(math.radians(lat))
zmax = next(z for z in range(23) if res(z) <= cell)
zmin = zmax
while zmin > 0 and res(zmin) * 256 < width: zmin -= 1
print(f"{zmin}-{zmax}")
PY
)
echo "zoom levels $zooms, 2 cores"

# gdal2tiles works on 8-bit images: give it the day map already coloured with ictu's ramp (RGBA, same grid),
# so it only warps, resamples and encodes — the part both tools share.
python3 - > "$work/ramp.txt" <<'PY'
stops = [(-13,49,54,149),(0,69,117,180),(9,171,217,233),(26,255,255,204),(29,255,237,160),(32,254,217,118),(35,254,178,76),
         (38,253,141,60),(41,252,78,42),(44,227,26,28),(46,189,0,38),(50,128,0,38),(54,60,0,30)]
for v, r, g, b in stops: print(v, r, g, b, 255)
print("nv 0 0 0 0")
PY
gdaldem color-relief -alpha -q "$run/ictu_day.tif" "$work/ramp.txt" "$work/day_rgba.tif"
start=$(date +%s.%N)
gdal2tiles.py -q --xyz -z "$zooms" --processes=2 -r average -w none "$work/day_rgba.tif" "$work/gdal2tiles" >/dev/null
gdal=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
.build/release/ictu tiles --run "$run" --layer day --format xyz --zoom "$zooms" --force --quiet
ours=$(echo "$(date +%s.%N) - $start" | bc)
echo "export: gdal2tiles.py $(printf %.2f "$gdal") s ($(find "$work/gdal2tiles" -name '*.png' | wc -l) tiles), ictu tiles $(printf %.2f "$ours") s ($(find "$run/tiles/day" -name '*.png' | wc -l) tiles): ratio $(echo "scale=1; $gdal / $ours" | bc)×"

# Dynamic tiles: wrk cycles through every tile of the highest zoom (Lua script), 2 threads, 8 connections, 15 s.
zmax=${zooms#*-}
find "$run/tiles/day/$zmax" -name '*.png' | sed "s|$run/tiles/day/|/tiles/day/|" > "$work/paths.txt"
cat > "$work/cycle.lua" <<LUA
local paths = {}
for line in io.lines("$work/paths.txt") do paths[#paths + 1] = line end
local i = 0
request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
LUA
for cache in 0 64; do
  .build/release/ictu serve --run "$run" --port 8799 --cache-mb "$cache" > "$work/serve.log" 2>&1 &
  server=$!
  sleep 2
  echo "dynamic tiles, cache ${cache} MiB ($(wc -l < "$work/paths.txt") distinct tiles at z$zmax):"
  wrk -t2 -c8 -d15s --latency -s "$work/cycle.lua" http://127.0.0.1:8799 | grep -E "Requests/sec|50%|90%|99%"
  kill $server; wait $server 2>/dev/null || true
done
rm -rf "$work"
