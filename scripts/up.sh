#!/usr/bin/env bash
# Installs what PDSwift needs, builds it (release) and starts the whole PDS with `pds up`:
# a dev server on http://localhost:2583 with data under ./data unless configured otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product pds
exec .build/release/pds up "$@"
