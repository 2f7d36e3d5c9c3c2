#!/usr/bin/env bash
# Benchmark: ictu against the InVEST urban cooling model, side by side in one run, on the same city mapped onto
# InVEST's inputs (Benchmarks/invest_run.py): the 25 km metropolis sample (METRO, made by metropolis.sh) on
# each CELL m cells given (default 10 5: 2500² and 5000² cells; derived by derive_city.sh), then the committed
# sample at its own 2 m. Wall time and peak RSS of each, and their ratios, appended to Benchmarks/RESULTS.md.
# InVEST gets GDAL's cache at 256 MiB; ictu its default (128 MiB).
# Usage: [METRO=/tmp/metropolis-25-2] [ICTU_OPTIONS=--maps-only] bash Benchmarks/peers.sh [CELL...]
# ICTU_OPTIONS are passed to `ictu compute` (e.g. --maps-only: the maps without the 36 analysis bands) and named
# in the table's heading.
# Installs InVEST in /opt/ictu-peers/invest (Benchmarks/install-invest.sh).
source "$(dirname "$0")/prepare.sh"
bash Benchmarks/install-invest.sh >/dev/null
venv=/opt/ictu-peers/invest
export GDAL_CACHEMAX=256
work=${PEERS_WORK:-/tmp/ictu-peers}
mkdir -p "$work"
rows=()
seconds() { python3 -c "import sys; p=[float(x) for x in sys.argv[1].split(':')]; print(round(sum(v*60**i for i,v in enumerate(reversed(p))), 1))" "$1"; }
timed() { # OUT_FILE COMMAND… → "seconds rss_mib"
  local out=$1; shift
  /usr/bin/time -v "$@" > "$out.log" 2> "$out.time" || { cat "$out.log" "$out.time" | tail -20; exit 1; }
  echo "$(seconds "$(grep 'Elapsed (wall' "$out.time" | awk '{print $NF}')") $(( $(grep 'Maximum resident' "$out.time" | awk '{print $NF}') / 1024 ))"
}
compare() { # LABEL CITY_FOLDER CELLS
  local label=$1 city=$2 cells=$3 folder="$work/$1"
  rm -rf "$folder"; mkdir -p "$folder"
  # shellcheck disable=SC2086 # ICTU_OPTIONS is a list of options
  read -r ours_s ours_rss < <(timed "$folder/ictu" "$ictu" compute --city "$city/city.yaml" --out "$folder/run" --quiet ${ICTU_OPTIONS:-})
  read -r invest_s invest_rss < <(timed "$folder/invest" "$venv/bin/python" Benchmarks/invest_run.py "$city" "$folder/invest")
  local model; model=$(grep -o 'model in [0-9.]* s' "$folder/invest.log" | awk '{print $3}')
  local row; row=$(python3 -c "
o, i, m, orss, irss, c = $ours_s, $invest_s, $model, $ours_rss, $invest_rss, $cells
print(f'| $label | {c/1e6:.0f} M | {o:.0f} s, {orss} MiB | {i:.0f} s ({m:.0f} s model), {irss} MiB | {i/o:.2f}× ({m/o:.2f}× on its model alone) | {irss/orss:.2f}× |')")
  echo "$row"; rows+=("$row")
}
metro=${METRO:-/tmp/metropolis-25-2}
[ -f "$metro/city.yaml" ] || bash Benchmarks/metropolis.sh 25 2 "$metro"
for cell in ${@:-10 5}; do
  city="$work/city-25km-${cell}m"
  bash Benchmarks/derive_city.sh "$metro" "$cell" "$city"
  n=$(python3 -c "print(round(25000 / $cell))")
  compare "the 25 km city, $n² of $cell m" "$city" $(( n * n ))
done
compare "the sample, 2000² of 2 m (4 km)" "$PWD" 4000000
{
  echo
  echo "### Peers side by side, $(date -u +%Y-%m-%d) (\`${ICTU_OPTIONS:+ICTU_OPTIONS=$ICTU_OPTIONS }bash Benchmarks/peers.sh ${*:-10 5}\`)"
  echo
  echo "| city | cells | ictu compute: wall, peak RSS | InVEST urban cooling: wall, peak RSS | InVEST / ictu, time | InVEST / ictu, memory |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >> Benchmarks/RESULTS.md
