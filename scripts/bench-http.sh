#!/usr/bin/env bash
# HTTP benchmark of the gateway: builds `pds` in release mode, starts `pds up` on a temporary
# data directory and a loopback port, and runs wrk (Debian package `wrk`) against
# com.atproto.server.describeServer with 2 threads and 64 connections for 10 s. Metrics are
# always on; request logging follows LOG_LEVEL (default here: info, as in production).
#
#   scripts/bench-http.sh                 # LOG_LEVEL=info
#   LOG_LEVEL=warn scripts/bench-http.sh  # without the per-request log line
#   PDS_BIN=/tmp/pds-old scripts/bench-http.sh  # another build, for before/after comparisons
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-$((20000 + RANDOM % 20000))}"
DURATION="${DURATION:-10s}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
# Hundreds of thousands of requests from one IP: the reference's global limit (3,000 per
# 5 minutes per IP) would answer nearly all of them 429. The limiter's own cost is measured
# by scripts/bench-auth.sh.
export PDS_RATE_LIMITS_ENABLED="${PDS_RATE_LIMITS_ENABLED:-false}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

if [ -z "${PDS_BIN:-}" ]; then
  swift build -c release --product pds >&2
  BIN="$(swift build -c release --show-bin-path)/pds"
else
  BIN="$PDS_BIN"
fi
DATA="$(mktemp -d /tmp/pds-bench-XXXXXX)"
"$BIN" up --data "$DATA" --port "$PORT" > "$DATA/up.log" 2>&1 &
UP_PID=$!
cleanup() {
  kill -TERM "$UP_PID" 2>/dev/null || true
  wait "$UP_PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -fsS "$URL/xrpc/_health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$URL/xrpc/_health" >/dev/null || { echo "pds up did not become healthy" >&2; cat "$DATA/up.log" >&2; exit 1; }

echo "describeServer, wrk -t2 -c64 -d$DURATION, LOG_LEVEL=$LOG_LEVEL"
wrk -t2 -c64 -d"$DURATION" "$URL/xrpc/com.atproto.server.describeServer"
echo
echo "metrics sample:"
curl -fsS "$URL/metrics" | grep '^xrpc_requests_total' | head -5
