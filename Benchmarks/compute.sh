#!/usr/bin/env bash
# Benchmark: `ictu compute` end to end (inputs on disk → calibration → COGs) on sample cities of 2 m cells:
# 4 km = 2000² ≈ 2k², 16 km = 8000² ≈ 8k², 32 km = 16000² ≈ 16k² cells. Wall time, cells/s, peak RSS, stages.
# Usage: bash Benchmarks/compute.sh [SIZES_KM...]   (default: 4). Run by hand, not by CI; the sample of each
# size is generated first (not timed) into a temporary folder and removed afterwards.
source "$(dirname "$0")/prepare.sh"
for size in "${@:-4}"; do
  city=$(mktemp -d)
  .build/release/ictu sample --out "$city" --size-km "$size" --quiet
  /usr/bin/time -v .build/release/ictu compute --city "$city/city.yaml" --out "$city/run" --quiet 2> "$city/time.txt"
  wall=$(grep "Elapsed (wall" "$city/time.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$city/time.txt" | awk '{print $NF}')
  cells=$(( size * 500 * size * 500 ))
  seconds=$(python3 -c "import sys; p=[float(x) for x in sys.argv[1].split(':')]; print(sum(v*60**i for i,v in enumerate(reversed(p))))" "$wall")
  stages=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['stageSeconds']; print(', '.join(f'{k} {v:.1f} s' for k,v in s.items()))" "$city/run/calibration.json")
  echo "compute ${size} km (2 m): $cells cells, wall $wall, $(python3 -c "print(f'{$cells/$seconds/1000:.0f}')") k cells/s, peak RSS $((rss / 1024)) MiB; stages: $stages"
  rm -rf "$city"
done
