#!/usr/bin/env bash
# Runs the whole PDSwift test suite: installs what it needs, builds, runs `swift test`.
# Interop suites need ../shared (beside this checkout); without it they skip with a reason.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
swift build --build-tests
# The runner's summary line ends the output.
swift test --skip-build 2>&1
