#!/usr/bin/env bash
# ictu against SOLWEIG (PyPI `solweig`, UMEP's Rust rewrite) on three 400 m crops of the sample city, on the run's
# composite hot day (clear) and on the same day with the reference station's global radiation halved (hazy).
# Usage: bash Benchmarks/solweig.sh [WORK]   (default /tmp/ictu-solweig; by hand, not in .ci/run)
# Prints the Markdown tables recorded in Benchmarks/RESULTS.md, and writes WORK/comparison.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
WORK=${1:-/tmp/ictu-solweig}
mkdir -p "$WORK"
VENV="$WORK/venv"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "solweig==0.1.0b96"
fi
command -v gdal_rasterize > /dev/null || { echo "gdal_rasterize is needed (apt install gdal-bin)"; exit 1; }
swift build -c release --product ictu
ICTU=$(pwd)/.build/release/ictu

# The hazy city: the sample's manifest and inputs, with the reference station's global radiation halved.
HAZY="$WORK/hazy-city"
rm -rf "$HAZY"; mkdir -p "$HAZY/SensorData"
ln -s "$(pwd)/Rasters" "$HAZY/Rasters"
cp city.yaml "$HAZY/"
for f in SensorData/*; do [ "$(basename "$f")" = reference_station.csv.gz ] || ln -s "$(pwd)/$f" "$HAZY/$f"; done
python3 - "$HAZY/SensorData/reference_station.csv.gz" <<'EOF'
import csv, gzip, sys
rows = list(csv.reader(gzip.open("SensorData/reference_station.csv.gz", "rt")))
column = rows[0].index("global_radiation_wm2")
with gzip.open(sys.argv[1], "wt", newline="") as out:
    w = csv.writer(out)
    w.writerow(rows[0])
    for r in rows[1:]:
        if r[column] not in ("", "NA"):
            r[column] = "%.0f" % (float(r[column]) / 2)
        w.writerow(r)
EOF

seconds() { local start=$(date +%s.%N); "$@" > /dev/null; echo "$(date +%s.%N) - $start" | bc; }
CLEAR_S=$(seconds "$ICTU" compute --city city.yaml --out "$WORK/clear" --force)
HAZY_S=$(seconds "$ICTU" compute --city "$HAZY/city.yaml" --out "$WORK/hazy" --force)
echo "ictu compute: clear ${CLEAR_S} s, hazy ${HAZY_S} s"
"$VENV/bin/python" Benchmarks/solweig_compare.py --city . --run clear="$WORK/clear" --run hazy="$WORK/hazy" \
    --ictu-seconds clear="$CLEAR_S" --ictu-seconds hazy="$HAZY_S" --work "$WORK"
