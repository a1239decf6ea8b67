#!/usr/bin/env bash
# The proxy hop, measured: app.bsky.feed.getTimeline (or METHOD) through a release `pds up` (default route
# to a stand-in AppView, Benchmarks/proxy/upstream.py) against the same upstream called
# directly, with wrk at concurrency 1 and 16. Prints p50/p99 latency and requests/s of each,
# and what the PDS adds. Each proxied call is authenticated (cached access-token check), signs a
# fresh service-auth JWT in RepoService over IPC, forwards, and checks read-after-write.
#
#   Benchmarks/proxy/bench-proxy.sh                    # 10 s per run
#   DURATION=30s Benchmarks/proxy/bench-proxy.sh
#   PDS_BIN=/tmp/pds-old Benchmarks/proxy/bench-proxy.sh  # another build
#   METHOD=app.bsky.feed.getFeed Benchmarks/proxy/bench-proxy.sh  # no read-after-write: pooled tokens
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-10s}"
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
UP_PORT=$((PORT + 7))
PYTHON="${PDSWIFT_PYTHON:-python3}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
# One client IP making hundreds of thousands of calls: the reference's limits would 429 them.
export PDS_RATE_LIMITS_ENABLED=false
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if [ -z "${PDS_BIN:-}" ]; then
  swift build -c release --product pds >&2
  BIN="$(swift build -c release --show-bin-path)/pds"
else
  BIN="$PDS_BIN"
fi
DATA="$(mktemp -d /tmp/pds-bench-proxy-XXXXXX)"
UPSTREAM_PID=""
PDS_BSKY_APP_VIEW_URL="http://127.0.0.1:$UP_PORT" PDS_BSKY_APP_VIEW_DID="did:web:localhost%3A$UP_PORT" \
  PDS_DEV_PLC_PORT=$((PORT + 1)) "$BIN" up --data "$DATA" --port "$PORT" > "$DATA/up.log" 2>&1 &
UP_PID=$!
cleanup() {
  kill -TERM "$UP_PID" 2>/dev/null || true
  [ -n "$UPSTREAM_PID" ] && kill -KILL "$UPSTREAM_PID" 2>/dev/null || true
  wait "$UP_PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 200); do curl -fsS "$URL/xrpc/_health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$URL/xrpc/_health" >/dev/null || { echo "pds up did not become healthy" >&2; cat "$DATA/up.log" >&2; exit 1; }

TOKEN="$(curl -fsS -X POST "$URL/xrpc/com.atproto.server.createAccount" -H 'content-type: application/json' \
  -d '{"handle":"bench.test","password":"bench-password","email":"bench@example.com"}' | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["accessJwt"])')"
DID="$(curl -fsS -H "Authorization: Bearer $TOKEN" "$URL/xrpc/com.atproto.server.getSession" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["did"])')"
REV="$(curl -fsS "$URL/xrpc/com.atproto.sync.getLatestCommit?did=$DID" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["rev"])')"
# The upstream reports the account's current rev: an AppView that has caught up (as it is
# nearly always). With UPSTREAM_REV=2222222222222 it reports one behind every record, and
# each read-after-write call also reads the records since it.
"$PYTHON" Benchmarks/proxy/upstream.py "$UP_PORT" "${UPSTREAM_REV:-$REV}" > "$DATA/upstream.log" 2>&1 &
UPSTREAM_PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$UP_PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
LUA="$DATA/auth.lua"
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$TOKEN" > "$LUA"
PATH_Q="/xrpc/${METHOD:-app.bsky.feed.getTimeline}?limit=20"
# The timeline really comes from the upstream through the proxy:
curl -fsS -H "Authorization: Bearer $TOKEN" "$URL$PATH_Q" | grep -q '"feed"' || { echo "proxied call failed" >&2; exit 1; }

# wrk's latency distribution in microseconds: p50 p99 and requests/s.
measure() { # threads connections url [lua]
  local out
  out="$(wrk --latency -t"$1" -c"$2" -d"$DURATION" ${4:+-s "$4"} "$3")"
  echo "$out" | "$PYTHON" -c '
import re, sys
text = sys.stdin.read()
def us(v, unit): return float(v) * {"us": 1, "ms": 1000, "s": 1e6}[unit]
p = {m.group(1): us(m.group(2), m.group(3)) for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)", text, re.M)}
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(p["50"], p["99"], rps, errors.group(1) if errors else 0)'
}

printf '%-12s %-9s %10s %10s %12s %8s\n' "concurrency" "path" "p50 (ms)" "p99 (ms)" "requests/s" "non-2xx"
for conc in 1 16; do
  threads=$([ "$conc" = 1 ] && echo 1 || echo 2)
  read -r d50 d99 drps derr < <(measure "$threads" "$conc" "http://127.0.0.1:$UP_PORT$PATH_Q")
  read -r p50 p99 prps perr < <(measure "$threads" "$conc" "$URL$PATH_Q" "$LUA")
  "$PYTHON" - "$conc" "$d50" "$d99" "$drps" "$derr" "$p50" "$p99" "$prps" "$perr" <<'PY'
import sys
c, d50, d99, drps, derr, p50, p99, prps, perr = sys.argv[1:]
row = "{:<12} {:<9} {:>10.3f} {:>10.3f} {:>12.0f} {:>8}"
print(row.format(c, "direct", float(d50) / 1000, float(d99) / 1000, float(drps), derr))
print(row.format(c, "proxied", float(p50) / 1000, float(p99) / 1000, float(prps), perr))
print(row.format(c, "added", (float(p50) - float(d50)) / 1000, (float(p99) - float(d99)) / 1000, float("nan"), "").replace("nan", "  "))
PY
done
