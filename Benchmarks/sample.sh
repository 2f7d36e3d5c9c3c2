#!/usr/bin/env bash
# Benchmark: `ictu sample` (procedural city, streamed in 1 km strips) — wall time and peak RSS per size.
# Usage: bash Benchmarks/sample.sh [SIZES_KM...]   (default: 4 10). Run by hand, not by CI.
source "$(dirname "$0")/prepare.sh"
for km in "${@:-4 10}"; do
  for size in $km; do
    out=$(mktemp -d)
    /usr/bin/time -v .build/release/ictu sample --out "$out" --size-km "$size" --quiet 2> "$out.time"
    wall=$(grep "Elapsed (wall" "$out.time" | awk '{print $NF}')
    rss=$(grep "Maximum resident" "$out.time" | awk '{print $NF}')
    cells=$(( size * 500 * size * 500 ))
    echo "sample --size-km $size (2 m): $cells cells, wall $wall, peak RSS $((rss / 1024)) MiB, output $(du -sh "$out" | cut -f1)"
    rm -rf "$out" "$out.time"
  done
done
