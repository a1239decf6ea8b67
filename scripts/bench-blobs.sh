#!/usr/bin/env bash
# Blob benchmark through the gateway, on disk: builds `pds` in release mode, starts `pds up`
# on a temporary data directory and a loopback port, creates an account, then
#   1. uploads 100 MB once and reports the peak RSS growth of the gateway and the BlobService
#      (VmHWM after the upload minus VmRSS before it, from /proc/<pid>/status) — first, so no
#      earlier transfer has raised the high-water marks;
#   2. uploads and downloads 1 MB and 50 MB blobs RUNS times each with curl and prints the
#      best and median MB/s (MB = 10^6 bytes).
#
# curl sends `Expect: 100-continue` for large bodies; the gateway answers it with an interim
# 100 Continue (ExpectContinueHandler), so the figures include that round trip as users see it.
#
#   scripts/bench-blobs.sh               # RUNS=5, blobs on local disk
#   STORE=s3 scripts/bench-blobs.sh      # blobs in S3: a real moto_server on loopback
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${PORT:-$((20000 + RANDOM % 20000))}"
RUNS="${RUNS:-5}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"

swift build -c release --product pds >&2
BIN="$(swift build -c release --show-bin-path)/pds"
DATA="$(mktemp -d /tmp/pds-bench-blobs-XXXXXX)"
MOTO_PID=""
if [ "${STORE:-disk}" = "s3" ]; then
  MOTO="${PDSWIFT_MOTO_SERVER:-$PWD/.venv/bin/moto_server}"
  S3_PORT=$((PORT + 2))   # PORT + 1 is the dev PLC directory
  "$MOTO" -H 127.0.0.1 -p "$S3_PORT" > "$DATA/moto.log" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$S3_PORT/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS -X PUT "http://127.0.0.1:$S3_PORT/pds-bench" >/dev/null
  export PDS_BLOBSTORE_S3_BUCKET=pds-bench PDS_BLOBSTORE_S3_REGION=us-east-1 \
    PDS_BLOBSTORE_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" PDS_BLOBSTORE_S3_FORCE_PATH_STYLE=true \
    PDS_BLOBSTORE_S3_ACCESS_KEY_ID=bench PDS_BLOBSTORE_S3_SECRET_ACCESS_KEY=bench-secret
  echo "blob store: S3 (moto_server on port $S3_PORT)"
else
  echo "blob store: local disk"
fi
"$BIN" up --data "$DATA" --port "$PORT" > "$DATA/up.log" 2>&1 &
UP_PID=$!
cleanup() {
  kill -TERM "$UP_PID" 2>/dev/null || true
  wait "$UP_PID" 2>/dev/null || true
  if [ -n "$MOTO_PID" ]; then kill -TERM "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -fsS "$URL/xrpc/_health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$URL/xrpc/_health" >/dev/null || { echo "pds up did not become healthy" >&2; cat "$DATA/up.log" >&2; exit 1; }

SESSION="$(curl -fsS -X POST "$URL/xrpc/com.atproto.server.createAccount" -H 'Content-Type: application/json' \
  -d '{"handle":"bench.test","email":"bench@example.com","password":"bench pass"}')"
TOKEN="$(sed -E 's/.*"accessJwt":"([^"]+)".*/\1/' <<<"$SESSION")"
DID="$(sed -E 's/.*"did":"([^"]+)".*/\1/' <<<"$SESSION")"

# The supervisor's child running subcommand $1.
child() {
  for pid in $(pgrep -P "$UP_PID"); do
    if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qE "pds $1( |$)"; then echo "$pid"; return; fi
  done
}
kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

mkdir -p "$DATA/bench"
for mb in 1 50 100; do head -c $((mb * 1000000)) /dev/urandom > "$DATA/bench/$mb.bin"; done

upload() { # file → prints "seconds cid"
  local out
  out="$(curl -fsS -o "$DATA/bench/resp.json" -w '%{time_total}' -X POST "$URL/xrpc/com.atproto.repo.uploadBlob" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/octet-stream' --data-binary "@$1")"
  echo "$out $(sed -E 's/.*"\$link":"([^"]+)".*/\1/' "$DATA/bench/resp.json")"
}
download() { # cid → prints seconds
  curl -fsS -o /dev/null -w '%{time_total}' "$URL/xrpc/com.atproto.sync.getBlob?did=$DID&cid=$1"
}
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1000000 / s }'; }

GW="$(child gateway)"; BS="$(child blob)"
GW_BEFORE="$(kb "$GW" VmRSS)"; BS_BEFORE="$(kb "$BS" VmRSS)"
read -r _ _ < <(upload "$DATA/bench/100.bin")
GW_PEAK="$(kb "$GW" VmHWM)"; BS_PEAK="$(kb "$BS" VmHWM)"
echo "100 MB upload, peak RSS: gateway ${GW_BEFORE} -> ${GW_PEAK} kB (+$(( (GW_PEAK - GW_BEFORE) / 1024 )) MB), BlobService ${BS_BEFORE} -> ${BS_PEAK} kB (+$(( (BS_PEAK - BS_BEFORE) / 1024 )) MB)"

for mb in 1 50; do
  bytes=$((mb * 1000000)); ups=(); downs=()
  for _ in $(seq 1 "$RUNS"); do
    read -r secs cid < <(upload "$DATA/bench/$mb.bin")
    ups+=("$(mbps "$bytes" "$secs")")
    downs+=("$(mbps "$bytes" "$(download "$cid")")")
  done
  sorted_up=($(printf '%s\n' "${ups[@]}" | sort -n)); sorted_down=($(printf '%s\n' "${downs[@]}" | sort -n))
  echo "$mb MB x $RUNS: upload median ${sorted_up[$((RUNS / 2))]} MB/s (best ${sorted_up[-1]}), download median ${sorted_down[$((RUNS / 2))]} MB/s (best ${sorted_down[-1]})"
done
