#!/usr/bin/env bash
# Two builds of ictu side by side (BEFORE and AFTER, alternating, ROUNDS times): `compute` on the bundled 2 m sample
# (city.yaml, 4 M cells) and a run in two partitions plus `mosaic` on the 5 m sample (generated once); wall seconds
# and peak RSS, and whether the two builds' maps are the same to the bit.
# Usage: bash Benchmarks/before_after.sh BEFORE_BINARY AFTER_BINARY [ROUNDS]   (run by hand, not by CI)
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2 rounds=${3:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$after" sample --out "$work/s5" --cell 5 --quiet
measure() { # label command...
  /usr/bin/time -f "%e %M" -o "$work/time" "${@:2}" >/dev/null
  read -r wall rss < "$work/time"
  printf '%-44s %7.1f s %6d MiB\n' "$1" "$wall" $((rss / 1024))
}
for r in $(seq "$rounds"); do
  for which in before after; do
    bin=${!which}
    measure "$which: compute, 2 m sample (round $r)" "$bin" compute --city city.yaml --out "$work/$which-2m" --force --quiet
    measure "$which: --partition 0/2, 5 m sample" "$bin" compute --city "$work/s5/city.yaml" --out "$work/$which-p0" --partition 0/2 --block 256 --force --quiet
    measure "$which: --partition 1/2, 5 m sample" "$bin" compute --city "$work/s5/city.yaml" --out "$work/$which-p1" --partition 1/2 --block 256 --force --quiet
    measure "$which: mosaic, 5 m sample" "$bin" mosaic --out "$work/$which-mosaic" "$work/$which-p0" "$work/$which-p1" --force --quiet
  done
done
for run in 2m mosaic; do
  same=yes
  for f in "$work/before-$run"/*.tif; do
    name=$(basename "$f")
    a=$(gdalinfo -checksum "$f" | grep Checksum | tr -d ' \n'); b=$(gdalinfo -checksum "$work/after-$run/$name" | grep Checksum | tr -d ' \n')
    [ "$a" = "$b" ] || { same=no; echo "  $run/$name differs"; }
  done
  echo "$run: before and after maps identical (gdalinfo -checksum, every band and overview): $same"
done
