# Sourced by the benchmark scripts: from the repository's top, with Swift on the PATH, the set-up done and a
# release build of ictu at $ictu. Benchmarks are run by hand, not by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
bash .ci/setup
# ICTU=/path/to/ictu measures another build (e.g. the last landing's, side by side); else this tree's release build.
if [ -n "${ICTU:-}" ]; then ictu=$ICTU; else swift build -c release --product ictu >/dev/null; ictu=$PWD/.build/release/ictu; fi
