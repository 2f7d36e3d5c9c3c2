#!/usr/bin/env bash
# Benchmark: design at the speed of drawing — from a scenario posted to `ictu serve` to the first tile of its
# difference, for a 1 ha park, a 10 ha park and a 60 m tower, each at 10 placements across the city's core (median
# and slowest), after one warm-up POST that loads the run's city; then until its summary is complete (the server
# answers with the difference and the zones, and completes the cool-island and 15 h figures after). Between two
# placements the benchmark waits for the summary, as a designer looks at the result; each variant is then removed.
# Each placement is then moved 20 m east and measured again (what re-use gives when a designer nudges a polygon).
# Usage: bash Benchmarks/design.sh [RUN]   (default: the 4 km sample at 2 m, generated and computed first in a
# temporary folder, not timed). PLACEMENTS=N takes the first N placements (default 10); MOVED=no skips the moves
# (a metropolis's summary reads its whole day map in strips: tens of seconds a placement). Run by hand, not by CI.
source "$(dirname "$0")/prepare.sh"
run=${1:-}
if [ -z "$run" ]; then
  city=$(mktemp -d)
  "$ictu" sample --out "$city" --size-km 4 --quiet
  "$ictu" compute --city "$city/city.yaml" --out "$city/run" --quiet
  run=$city/run
fi
log=$(mktemp)
"$ictu" serve --run "$run" --port 0 > "$log" 2>&1 &
server=$!
trap 'kill $server; rm -f "$log"' EXIT
for _ in $(seq 300); do grep -q "http://127.0.0.1:" "$log" && break; sleep 0.1; done
port=$(grep -o "127.0.0.1:[0-9]*" "$log" | head -1 | cut -d: -f2)
python3 - "$port" "$run" "${PLACEMENTS:-10}" "${MOVED:-yes}" <<'PY'
import json, math, statistics, sys, time, urllib.request
port, run, count, moves = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] != "no"
base = f"http://127.0.0.1:{port}"
record = json.load(open(f"{run}/calibration.json"))
grid = record["grid"]
# The grid's middle half, Lambert-93 (the record's CRS): placements on a 4 × 3 lattice there, the first 10.
x0 = grid["originX"] + grid["width"] * grid["cellSize"] * 0.25; y1 = grid["originY"] - grid["height"] * grid["cellSize"] * 0.25
span_x = grid["width"] * grid["cellSize"] * 0.5; span_y = grid["height"] * grid["cellSize"] * 0.5
places = [(x0 + span_x * (i + 0.5) / 4, y1 - span_y * (j + 0.5) / 3) for j in range(3) for i in range(4)][:count]
kinds = {"1 ha park": (100, {"kind": "park", "years_after_planting": 30}),
         "10 ha park": (316, {"kind": "park", "years_after_planting": 30}),
         "60 m tower": (30, {"kind": "building", "height_m": 60})}
lon0, lat0 = record["sites"][0]["longitude"], record["sites"][0]["latitude"]
x_site, y_site = record["sites"][0]["x"], record["sites"][0]["y"]
def tile_of(x, y, z=16):
    # Near enough for picking the tile under a polygon: metres to degrees around the first site.
    lat = lat0 + (y - y_site) / 111_320; lon = lon0 + (x - x_site) / (111_320 * math.cos(math.radians(lat0)))
    n = 2 ** z; phi = math.radians(lat)
    return z, int((lon + 180) / 360 * n), int((1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * n)
def scenario(x, y, side, properties):
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
                       "features": [{"type": "Feature", "properties": dict(id="e1", **properties), "geometry": {"type": "Polygon", "coordinates": [ring]}}]}).encode()
def post(body):
    started = time.perf_counter()
    answer = json.load(urllib.request.urlopen(urllib.request.Request(base + "/api/scenario", data=body, method="POST")))
    return answer, time.perf_counter() - started
def complete(answer):
    while True:
        summary = json.load(urllib.request.urlopen(base + f"/api/scenario/{answer['id']}"))["summary"]
        if not summary.get("pending"): return summary
        time.sleep(0.05)
def remove(answer):
    urllib.request.urlopen(urllib.request.Request(base + f"/api/scenario/{answer['id']}", method="DELETE"))
warm, seconds = post(scenario(*places[0], 100, kinds["1 ha park"][1])); complete(warm); remove(warm)
print(f"warm-up (loads the run's city): {seconds:.2f} s")
for name, (side, properties) in kinds.items():
    totals, posts, cells, summaries, moved = [], [], [], [], []
    for x, y in places:
        # Placed, then moved 20 m east as a designer nudges it (the run's blocks the last one read are in GDAL's cache).
        for dx in ((0, 20) if moves else (0,)):
            started = time.perf_counter()
            answer, seconds = post(scenario(x + dx, y, side, properties))
            z, tx, ty = tile_of(x + dx + side / 2, y + side / 2)
            urllib.request.urlopen(base + f"/scenario/{answer['id']}/tiles/delta/{z}/{tx}/{ty}.png").read()
            first = time.perf_counter() - started
            complete(answer)
            if dx: moved.append(first)
            else:
                totals.append(first); posts.append(seconds); cells.append(answer["summary"]["recomputedCells"])
                summaries.append(time.perf_counter() - started)
            remove(answer)
    print(f"{name}: POST → first difference tile median {statistics.median(totals):.2f} s, slowest {max(totals):.2f} s "
          f"(POST alone median {statistics.median(posts):.2f} s; whole summary {statistics.median(summaries):.2f} s; "
          f"{int(statistics.median(cells))} cells recomputed, median)"
          + (f"; moved 20 m: median {statistics.median(moved):.2f} s, slowest {max(moved):.2f} s" if moved else ""))
PY
