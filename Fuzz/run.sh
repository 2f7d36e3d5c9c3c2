#!/usr/bin/env bash
# Fuzzes the parsers of untrusted text (sensor, reference and survey CSVs, the manifest, scenarios) with
# libFuzzer. Usage: Fuzz/run.sh [RUNS] [TARGET…]   (default: 1 000 000 inputs for each of the six targets)
# Builds `ictu-fuzz` with the fuzzer in .build-fuzz (release), starts each target from Fuzz/seeds/TARGET, and
# prints one line per target: inputs executed, seconds, crashes. A crash is saved as Fuzz/crashes/TARGET-crash-*;
# replay it without the fuzzer with `swift run ictu-fuzz TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
runs=${1:-1000000}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(stations measurements reference survey manifest scenario)
swift build -c release --sanitize fuzzer -Xswiftc -DFUZZING --product ictu-fuzz --build-path .build-fuzz >&2
binary=.build-fuzz/release/ictu-fuzz
mkdir -p Fuzz/crashes
for target in "${targets[@]}"; do
    corpus=$(mktemp -d /tmp/ictu-fuzz-corpus-XXXXXX)
    dict=Fuzz/dicts/csv.dict; [ "$target" = manifest ] && dict=Fuzz/dicts/manifest.dict; [ "$target" = scenario ] && dict=Fuzz/dicts/scenario.dict
    log=$(mktemp /tmp/ictu-fuzz-log-XXXXXX)
    start=$(date +%s)
    status=0
    # -timeout: an input taking over 10 s is a hang; -rss_limit_mb: over 2 GiB is a memory blow-up; both count as crashes.
    ICTU_FUZZ_TARGET=$target "$binary" "$corpus" "Fuzz/seeds/$target" -runs="$runs" -max_len=8192 -timeout=10 \
        -rss_limit_mb=2048 -dict="$dict" -print_final_stats=1 -artifact_prefix="Fuzz/crashes/$target-" >"$log" 2>&1 || status=$?
    seconds=$(( $(date +%s) - start ))
    executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    peak=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    crashes=$(ls Fuzz/crashes/ 2>/dev/null | grep -c "^$target-" || true)
    echo "$target: $executed inputs in ${seconds}s, coverage $coverage edges, peak RSS ${peak} MB, exit $status, crashes saved: $crashes (log $log)"
    rm -rf "$corpus"
done
