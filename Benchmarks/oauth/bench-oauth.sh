#!/usr/bin/env bash
# OAuth, measured against a release `pds up` with wrk at concurrency 16:
#  1. app.bsky.actor.getPreferences with a legacy Bearer session token (the gateway's 5 s
#     token cache: no IPC for the check) against the same call with a DPoP-bound OAuth token
#     (every call: proof signature, htm/htu/iat/ath/nonce checked in the gateway, and the jti
#     entered in AuthService's shared replay cache over IPC, batched). Prints both figures and
#     DPoP's cost.
#  2. The token endpoint: authorization_code exchanges per second (each one: DPoP proof,
#     code redeemed, PKCE, session written, tokens signed).
# DPoP proofs are single use, so they are made in advance (prepare.py) and wrk sends each once.
#
#   Benchmarks/oauth/bench-oauth.sh              # 10 s per read run
#   DURATION=30s PROOFS=400000 Benchmarks/oauth/bench-oauth.sh
#   PDS_BIN=/tmp/pds-old Benchmarks/oauth/bench-oauth.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-10s}"
PROOFS="${PROOFS:-150000}"
CODES="${CODES:-3000}"
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
PYTHON="${PDSWIFT_PYTHON:-$PWD/.venv/bin/python}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export PDS_RATE_LIMITS_ENABLED=false
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if [ -z "${PDS_BIN:-}" ]; then
  swift build -c release --product pds >&2
  BIN="$(swift build -c release --show-bin-path)/pds"
else
  BIN="$PDS_BIN"
fi
DATA="$(mktemp -d /tmp/pds-bench-oauth-XXXXXX)"
PDS_DEV_PLC_PORT=$((PORT + 1)) "$BIN" up --data "$DATA/pds" --port "$PORT" > "$DATA/up.log" 2>&1 &
UP_PID=$!
cleanup() { kill -TERM "$UP_PID" 2>/dev/null || true; wait "$UP_PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 200); do curl -fsS "$URL/xrpc/_health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$URL/xrpc/_health" >/dev/null || { echo "pds up did not become healthy" >&2; cat "$DATA/up.log" >&2; exit 1; }

"$PYTHON" Benchmarks/oauth/prepare.py session "$URL" "$DATA"
BEARER="$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["bearer"])' "$DATA/state.json")"
ACCESS="$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["access"])' "$DATA/state.json")"
LUA="Benchmarks/oauth/lines.lua"
THREADS=2

rps() { awk '/Requests\/sec/ {print $2}'; }

# Both tokens really read the preferences before anything is measured.
curl -fsS -H "Authorization: Bearer $BEARER" "$URL/xrpc/app.bsky.actor.getPreferences" | grep -q preferences \
  || { echo "the Bearer token does not read getPreferences" >&2; exit 1; }
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$BEARER" > "$DATA/bearer.lua"
wrk -t$THREADS -c16 -d2s -s "$DATA/bearer.lua" "$URL/xrpc/app.bsky.actor.getPreferences" >/dev/null  # warm-up
STATIC_OUT="$(wrk -t$THREADS -c16 -d"$DURATION" -s "$DATA/bearer.lua" "$URL/xrpc/app.bsky.actor.getPreferences")"

echo "making $PROOFS DPoP proofs..." >&2
"$PYTHON" Benchmarks/oauth/prepare.py proofs "$URL" "$DATA" "$PROOFS"
DPOP_OUT="$(wrk -t$THREADS -c16 -d"$DURATION" -s "$LUA" "$URL" -- "$DATA/proofs.txt" $THREADS GET /xrpc/app.bsky.actor.getPreferences "$ACCESS")"
# The baseline the DPoP figure is compared with (after it, as proofs age): Bearer through the same lines, the same per-request Lua path
# (wrk shares the machine's cores, and its Lua costs as much for either run).
BEARER_OUT="$(wrk -t$THREADS -c16 -d"$DURATION" -s "$LUA" "$URL" -- "$DATA/proofs.txt" $THREADS GET /xrpc/app.bsky.actor.getPreferences "$BEARER" Bearer)"

echo "making $CODES authorization codes..." >&2
"$PYTHON" Benchmarks/oauth/prepare.py codes "$URL" "$DATA" "$CODES"
TOKEN_OUT="$(wrk -t$THREADS -c16 -d"${TOKEN_DURATION:-2s}" -s "$LUA" "$URL" -- "$DATA/codes.txt" $THREADS POST /oauth/token)"

S="$(echo "$STATIC_OUT" | rps)"; B="$(echo "$BEARER_OUT" | rps)"; D="$(echo "$DPOP_OUT" | rps)"; T="$(echo "$TOKEN_OUT" | rps)"
BN="$(echo "$BEARER_OUT" | grep -c Non-2xx || true)"; DN="$(echo "$DPOP_OUT" | grep -c Non-2xx || true)"; TN="$(echo "$TOKEN_OUT" | grep -c Non-2xx || true)"
echo "--- Bearer getPreferences, one static request ---"; echo "$STATIC_OUT" | grep -E "Latency|Requests/sec|Non-2xx" || true
echo "--- Bearer getPreferences, per-request Lua as DPoP ---"; echo "$BEARER_OUT" | grep -E "Latency|Requests/sec|Non-2xx" || true
echo "--- DPoP getPreferences ---"; echo "$DPOP_OUT" | grep -E "Latency|Requests/sec|Non-2xx" || true
echo "--- token endpoint (authorization_code) ---"; echo "$TOKEN_OUT" | grep -E "Latency|Requests/sec|requests in|Non-2xx" || true
[ "$BN" = "0" ] || echo "WARNING: some Bearer calls failed: the Bearer figure is not valid" >&2
[ "$DN" = "0" ] || echo "WARNING: some DPoP calls failed (proofs ran out? raise PROOFS): the DPoP figure is not valid" >&2
[ "$TN" = "0" ] || echo "WARNING: some token requests failed (codes ran out? raise CODES or shorten TOKEN_DURATION)" >&2
awk -v s="$S" -v b="$B" -v d="$D" -v t="$T" 'BEGIN {
  printf "getPreferences c=16: Bearer (static wrk request) %.0f req/s\n", s
  printf "getPreferences c=16: Bearer %.0f req/s, DPoP %.0f req/s: DPoP costs %.1f %% of throughput\n", b, d, (1 - d / b) * 100
  printf "token endpoint (authorization_code) c=16: %.0f req/s\n", t }'
