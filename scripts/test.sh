#!/usr/bin/env bash
# Runs the whole PDSwift test suite: installs what it needs, builds, runs `swift test`.
# Interop suites need ../shared (beside this checkout); without it they skip with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
# The real third-party peers the tests run against (installed by setup.sh into .venv).
export PDSWIFT_PYTHON="$PWD/.venv/bin/python"
export PDSWIFT_MOTO_SERVER="$PWD/.venv/bin/moto_server"
export PDSWIFT_LITESTREAM="$PWD/.venv/bin/litestream"
# The fuzz targets (Fuzz/, docs/fuzzing.md) run briefly in CI: PDSWIFT_FUZZ_SECONDS per target
# (default 10 in CI, 0 — skipped — elsewhere; scripts/fuzz.sh runs them longer).
FUZZ_SECONDS="${PDSWIFT_FUZZ_SECONDS:-$([ "${CI:-}" = true ] && echo 10 || echo 0)}"
if [ "$FUZZ_SECONDS" != 0 ]; then ./scripts/fuzz.sh --seconds "$FUZZ_SECONDS"; fi
swift build --build-tests
# The runner's summary line ends the output.
# One test at a time: the multi-process and timing tests measure seconds, and on a 2-core
# machine parallel CPU-heavy suites would make those figures noise.
swift test --skip-build --no-parallel 2>&1
