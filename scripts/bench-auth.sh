#!/usr/bin/env bash
# Auth benchmark through HTTP with every process running (release build):
#   1. createSession per second (each one is an scrypt verification: CPU-bound by design);
#   2. the per-request cost of bearer-token verification: an authenticated call against
#      describeServer (no auth) at the same concurrency;
#   3. the per-request cost of the shared rate limiter (one IPC call to AuthService), by
#      running describeServer with the limiter on, each request from a different client IP.
#
#   scripts/bench-auth.sh            DURATION=20s scripts/bench-auth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
DURATION="${DURATION:-10s}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export PDS_RATE_LIMIT_BYPASS_KEY=bench-bypass
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

swift build -c release --product pds >&2
BIN="$(swift build -c release --show-bin-path)/pds"
DATA="$(mktemp -d /tmp/pds-bench-auth-XXXXXX)"
"$BIN" up --data "$DATA" --port "$PORT" > "$DATA/up.log" 2>&1 &
UP_PID=$!
cleanup() { kill -TERM "$UP_PID" 2>/dev/null || true; wait "$UP_PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -fsS "$URL/xrpc/_health" >/dev/null 2>&1 && break; sleep 0.1; done

TOKEN="$(curl -fsS -H 'Content-Type: application/json' -d '{"handle":"bench.test","password":"bench-password"}' \
  "$URL/xrpc/com.atproto.server.createAccount" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessJwt"])')"

cat > "$DATA/login.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"identifier":"bench.test","password":"bench-password"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-ratelimit-bypass"] = "bench-bypass"
LUA
cat > "$DATA/bypass.lua" <<'LUA'
wrk.headers["x-ratelimit-bypass"] = "bench-bypass"
LUA
cat > "$DATA/authed.lua" <<LUA
wrk.headers["x-ratelimit-bypass"] = "bench-bypass"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
# Every request from a new client address (the gateway trusts X-Forwarded-For from loopback),
# so the limiter is consulted each time but never refuses.
cat > "$DATA/manyips.lua" <<'LUA'
n = 0
request = function()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format(nil)
end
LUA

run() { echo "== $1"; shift; wrk --latency "$@" | grep -E "Requests/sec|Latency  |50%|99%|Non-2xx"; }
run "createSession, concurrency 1" -t1 -c1 -d"$DURATION" -s "$DATA/login.lua" "$URL/xrpc/com.atproto.server.createSession"
run "createSession, concurrency 4" -t2 -c4 -d"$DURATION" -s "$DATA/login.lua" "$URL/xrpc/com.atproto.server.createSession"
for c in 1 16; do
  t=$([ "$c" = 1 ] && echo 1 || echo 2)
  run "describeServer (no auth, limiter bypassed), concurrency $c" -t"$t" -c"$c" -d"$DURATION" -s "$DATA/bypass.lua" "$URL/xrpc/com.atproto.server.describeServer"
  run "listAppPasswords (bearer auth + one AuthService read), concurrency $c" -t"$t" -c"$c" -d"$DURATION" -s "$DATA/authed.lua" "$URL/xrpc/com.atproto.server.listAppPasswords"
  run "getSession (bearer auth + getAccount + DID document), concurrency $c" -t"$t" -c"$c" -d"$DURATION" -s "$DATA/authed.lua" "$URL/xrpc/com.atproto.server.getSession"
  run "describeServer with the rate limiter (one consumeRateLimit IPC each), concurrency $c" -t"$t" -c"$c" -d"$DURATION" -s "$DATA/manyips.lua" "$URL/xrpc/com.atproto.server.describeServer"
done
