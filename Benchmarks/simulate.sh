#!/usr/bin/env bash
# Benchmark: a 10 ha park (316 m × 316 m, on industrial plots, 30 years after planting) simulated on a sample city
# of 2 m cells — 4 km (the sample, 16 km²) and 10 km (100 km²). Measures `ictu simulate` end to end (wall, peak
# RSS, its stages, written as patches and --standalone) and the time from the scenario received to its difference tiles servable in `ictu serve`
# (POST /api/scenario, then a delta tile): the first POST loads the run's city, the second is the steady state.
# Usage: bash Benchmarks/simulate.sh [SIZES_KM...]   (default: 4). Run by hand, not by CI; each city is generated
# and computed first (not timed) in a temporary folder, removed afterwards.
source "$(dirname "$0")/prepare.sh"
for size in "${@:-4}"; do
  city=$(mktemp -d)
  "$ictu" sample --out "$city" --size-km "$size" --quiet
  "$ictu" compute --city "$city/city.yaml" --out "$city/run" --quiet
  # The core's industrial district (SyntheticCity.coreLayout): column core0 + 2, row core0, Lambert-93.
  python3 - "$size" "$city/park.geojson" <<'PY'
import json, sys
n = int(sys.argv[1]); core0 = n // 2 - 2
x0 = 418000 - n * 500 + (core0 + 2) * 1000 + 342; y0 = 6421000 - n * 500 + core0 * 1000 + 342
ring = [[x0, y0], [x0 + 316, y0], [x0 + 316, y0 + 316], [x0, y0 + 316], [x0, y0]]
json.dump({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
           "features": [{"type": "Feature", "properties": {"id": "park-10ha", "kind": "park", "years_after_planting": 30},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}, open(sys.argv[2], "w"))
PY
  # Patched (the default: the changed window over the run's rasters), then --standalone (whole COGs).
  for mode in patched standalone; do
    flag=(); [ "$mode" = standalone ] && flag=(--standalone)
    /usr/bin/time -v "$ictu" simulate "$city/park.geojson" --run "$city/run" --out "$city/park-$mode" "${flag[@]}" --quiet 2> "$city/time.txt"
    wall=$(grep "Elapsed (wall" "$city/time.txt" | awk '{print $NF}')
    rss=$(grep "Maximum resident" "$city/time.txt" | awk '{print $NF}')
    summary=$(python3 -c "
import json,sys; s=json.load(open(sys.argv[1]))
print(f\"{s['recomputedCells']} cells recomputed; simulation {s['seconds']:.1f} s ({', '.join(f'{k} {v:.1f} s' for k,v in s['stageSeconds'].items())})\")" "$city/park-$mode/summary.json")
    echo "simulate ${size} km (2 m), 10 ha park, $mode: wall $wall, peak RSS $((rss / 1024)) MiB, written $(du -sm "$city/park-$mode" | cut -f1) MB; $summary"
  done
  # The server: scenario received → delta tiles servable.
  "$ictu" serve --run "$city/run" --port 0 > "$city/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do grep -q "http://127.0.0.1:" "$city/serve.log" && break; sleep 0.1; done
  port=$(grep -o "127.0.0.1:[0-9]*" "$city/serve.log" | head -1 | cut -d: -f2)
  for attempt in first second; do
    t=$(curl -s -o "$city/answer.json" -w "%{time_total}" -X POST --data-binary @"$city/park.geojson" "http://127.0.0.1:$port/api/scenario")
    id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['id'])" "$city/answer.json")
    tile=$(curl -s -o /dev/null -w "%{http_code} %{time_total}" "http://127.0.0.1:$port/scenario/$id/tiles/delta/0/0/0.png")
    echo "  serve, $attempt scenario: POST answered in $t s; delta tile $tile s"
  done
  kill "$server"
  rm -rf "$city"
done
