#!/usr/bin/env bash
# Benchmark: peak memory (and wall time) of every command that reads a run, on a big one — the aim is 2 GiB each on
# the 25 km metropolis. Each command runs under /usr/bin/time -v with a time limit (LIMIT seconds, default 900):
# explain (a point), tiles (day, z12–16), diagnose, watering, simulate (a 10 ha park in the middle; patched, then
# --standalone), and serve
# (started, one scenario posted, 50 tiles asked, stopped).
# Usage: bash Benchmarks/memory.sh RUN   (a full run: simulate and diagnose need its analysis stacks). Run by hand.
# STANDALONE=no skips `simulate --standalone` (it copies the whole run: 19 GB at 1 m for half the metropolis).
source "$(dirname "$0")/prepare.sh"
run=${1:?give a run folder}
limit=${LIMIT:-900}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { # LABEL COMMAND…
  local label=$1; shift
  local status=0
  timeout "$limit" /usr/bin/time -v "$@" 2> "$work/$label.txt" >/dev/null || status=$?
  local wall rss
  wall=$(grep "Elapsed (wall" "$work/$label.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$work/$label.txt" | awk '{print $NF}')
  if [ "$status" = 124 ]; then echo "$label: stopped after ${limit} s, peak RSS so far unknown"
  elif [ -n "$rss" ]; then echo "$label: wall $wall, peak RSS $((rss / 1024)) MiB$([ "$status" = 0 ] || echo ", exit $status: $(grep -v '^\s' "$work/$label.txt" | tail -1)")"
  else echo "$label: exit $status"; fi
}
read -r lon lat x y tx ty <<< "$(python3 -c "
import json, math; r = json.load(open('$run/calibration.json')); g = r['grid']; s = r['sites'][len(r['sites']) // 2]
x = g['originX'] + g['width'] * g['cellSize'] / 2; y = g['originY'] - g['height'] * g['cellSize'] / 2
phi = math.radians(s['latitude'])
tx = int((s['longitude'] + 180) / 360 * 2 ** 14); ty = int((1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * 2 ** 14)
print(s['longitude'], s['latitude'], x, y, tx - 3, ty - 3)")"
python3 - "$x" "$y" "$work/park.geojson" <<'PY'
import json, sys
x, y = float(sys.argv[1]), float(sys.argv[2])
ring = [[x, y], [x + 316, y], [x + 316, y + 316], [x, y + 316], [x, y]]
json.dump({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
           "features": [{"type": "Feature", "properties": {"id": "park", "kind": "park", "years_after_planting": 30},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}, open(sys.argv[3], "w"))
PY
copy=$work/run
mkdir -p "$copy" && for f in "$run"/*; do ln -s "$f" "$copy/"; done && rm -f "$copy/diagnosis" "$copy/watering" "$copy/tiles"
measure explain "$ictu" explain --run "$run" --at="$lon,$lat" --json
measure tiles "$ictu" tiles --run "$copy" --layer day --zoom 12-16 --format pmtiles --quiet
measure diagnose "$ictu" diagnose --run "$copy" --quiet
measure watering "$ictu" watering --run "$copy" --budget 50000 --quiet
measure simulate "$ictu" simulate "$work/park.geojson" --run "$run" --out "$work/park" --quiet
echo "  simulate wrote $(du -sm "$work/park" | cut -f1) MB (patched: the changed window only)"
if [ "${STANDALONE:-yes}" != no ]; then
  measure simulate-standalone "$ictu" simulate "$work/park.geojson" --run "$run" --out "$work/park-standalone" --standalone --quiet
  echo "  simulate --standalone wrote $(du -sm "$work/park-standalone" | cut -f1) MB"
  rm -rf "$work/park-standalone"
fi
# serve: started under time, one scenario and 50 tiles, then stopped (SIGTERM ends it cleanly).
/usr/bin/time -v "$ictu" serve --run "$run" --port 0 > "$work/serve.log" 2> "$work/serve.txt" &
timer=$!
for _ in $(seq 600); do grep -q "http://127.0.0.1:" "$work/serve.log" && break; sleep 0.1; done
port=$(grep -o "127.0.0.1:[0-9]*" "$work/serve.log" | head -1 | cut -d: -f2)
curl -s -o /dev/null -X POST --data-binary @"$work/park.geojson" "http://127.0.0.1:$port/api/scenario"
for i in $(seq 0 49); do curl -s -o /dev/null "http://127.0.0.1:$port/tiles/day/14/$((tx + i % 7))/$((ty + i / 7)).png"; done
pkill -TERM -P "$timer"; wait "$timer" || true
echo "serve (a scenario, 50 tiles): peak RSS $(($(grep "Maximum resident" "$work/serve.txt" | awk '{print $NF}') / 1024)) MiB"
