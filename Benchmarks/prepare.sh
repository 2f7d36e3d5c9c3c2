# Sourced by the benchmark scripts: from the repository's top, with Swift on the PATH, the set-up done and a
# release build of ictu at $ictu. Benchmarks are run by hand, not by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
bash .ci/setup
swift build -c release --product ictu >/dev/null
ictu=$PWD/.build/release/ictu
