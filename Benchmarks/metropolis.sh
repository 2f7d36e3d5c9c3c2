#!/usr/bin/env bash
# Benchmark: the metropolis on one machine — `ictu sample` at SIZE km × SIZE km and CELL m, then `ictu compute`
# and `ictu tiles` (day and night, zooms 12–18) on it: wall time, cells/s, peak RSS of each, the compute's stages.
# Usage: bash Benchmarks/metropolis.sh [SIZE_KM] [CELL_M] [FOLDER]   (default 25 2 /tmp/metropolis-SIZE-CELL).
# The sample is kept in FOLDER (re-used when present: generating it is not what is measured). Run by hand.
# FROM=OTHER_FOLDER makes the city from another sample on CELL m cells instead of generating it (the 1 m city:
# FROM=/tmp/metropolis-25-2 bash Benchmarks/metropolis.sh 25 1).
# MAPS_ONLY=1 computes the maps without the analysis stacks (`--maps-only`) into FOLDER/run-maps.
source "$(dirname "$0")/prepare.sh"
size=${1:-25} cell=${2:-2}
city=${3:-/tmp/metropolis-$size-$cell}
measure() { # LABEL COMMAND… — runs it under /usr/bin/time -v, prints wall and peak RSS
  local label=$1; shift
  /usr/bin/time -v "$@" 2> "$city/time-$label.txt" >/dev/null
  local wall rss
  wall=$(grep "Elapsed (wall" "$city/time-$label.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$city/time-$label.txt" | awk '{print $NF}')
  echo "$label: wall $wall, peak RSS $((rss / 1024)) MiB"
}
if [ ! -f "$city/city.yaml" ] && [ -n "${FROM:-}" ]; then
  bash Benchmarks/derive_city.sh "$FROM" "$cell" "$city"
  echo "city: $FROM on $cell m cells in $city"
fi
if [ ! -f "$city/city.yaml" ]; then
  mkdir -p "$city"
  measure sample "$ictu" sample --out "$city" --size-km "$size" --cell "$cell" --quiet --force
fi
cells=$(python3 -c "print(round($size * 1000 / $cell) ** 2)")
run=$city/run compute_options=()
if [ -n "${MAPS_ONLY:-}" ]; then run=$city/run-maps compute_options=(--maps-only); fi
measure compute "$ictu" compute --city "$city/city.yaml" --out "$run" --force --quiet "${compute_options[@]}"
python3 - "$run/calibration.json" "$cells" "$city/time-compute.txt" <<'PY'
import json, sys
record, cells = json.load(open(sys.argv[1])), int(sys.argv[2])
wall = [l for l in open(sys.argv[3]) if "Elapsed (wall" in l][0].split()[-1].split(":")
seconds = sum(float(v) * 60 ** i for i, v in enumerate(reversed(wall)))
print(f"compute: {cells / 1e6:.0f} M cells in {seconds:.0f} s = {cells / seconds / 1000:.0f} k cells/s")
print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in record["stageSeconds"].items()))
PY
measure tiles "$ictu" tiles --run "$run" --zoom 12-18 --format xyz --force --quiet
echo "tiles: $(find "$run/tiles" -name '*.png' | wc -l) PNG tiles"
du -sh "$run" --exclude=tiles | sed 's/^/run folder without tiles: /'
