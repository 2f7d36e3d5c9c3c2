#!/usr/bin/env bash
# Benchmark: the day layer of the metropolis (Benchmarks/metropolis.sh's run) exported as XYZ, MBTiles and PMTiles,
# each alone and then all three from one rendering: wall time, peak RSS, tiles and bytes on disk.
# Usage: [ZOOMS=12-16] bash Benchmarks/pmtiles.sh [RUN]   (default /tmp/metropolis-25-2/run-maps, made by
# MAPS_ONLY=1 bash Benchmarks/metropolis.sh 25 2 when absent). Run by hand.
source "$(dirname "$0")/prepare.sh"
run=${1:-/tmp/metropolis-25-2/run-maps}
if [ ! -f "$run/calibration.json" ]; then MAPS_ONLY=1 bash Benchmarks/metropolis.sh 25 2; fi
zooms=${ZOOMS:-12-16}
for format in xyz mbtiles pmtiles xyz,mbtiles,pmtiles; do
  /usr/bin/time -v "$ictu" tiles --run "$run" --layer day --zoom "$zooms" --format "$format" --force --quiet 2> "$run/time-tiles-$format.txt"
  wall=$(grep "Elapsed (wall" "$run/time-tiles-$format.txt" | awk '{print $NF}')
  rss=$(grep "Maximum resident" "$run/time-tiles-$format.txt" | awk '{print $NF}')
  sizes=""
  [[ $format == *xyz* ]] && sizes+=" xyz $(du -sb "$run/tiles/day" | cut -f1) B in $(find "$run/tiles/day" -name '*.png' | wc -l) files, $(du -s --block-size=1 "$run/tiles/day" | cut -f1) B allocated;"
  [[ $format == *mbtiles* ]] && sizes+=" mbtiles $(stat -c %s "$run/tiles/day.mbtiles") B;"
  [[ $format == *pmtiles* ]] && sizes+=" pmtiles $(stat -c %s "$run/tiles/day.pmtiles") B;"
  echo "tiles --zoom $zooms --format $format: wall $wall, peak RSS $((rss / 1024)) MiB;$sizes"
done
