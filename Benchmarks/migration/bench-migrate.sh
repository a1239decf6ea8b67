#!/usr/bin/env bash
# Account migration, measured: two release `pds up` servers (the first one's dev PLC directory
# shared), an account of RECORDS records and BLOBS blobs on the first, then one uninterrupted
# `pds account migrate` to the second. Prints the importRepo time (the CAR verified and stored,
# as the migrate command reports it), the RepoService's peak RSS on the new server, and the
# whole migration's wall time.
#
#   Benchmarks/migration/bench-migrate.sh                 # 100,000 records, 20 blobs
#   RECORDS=1000 BLOBS=20 Benchmarks/migration/bench-migrate.sh
#   PDS_BIN=/tmp/pds-old Benchmarks/migration/bench-migrate.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RECORDS="${RECORDS:-100000}"
BLOBS="${BLOBS:-20}"
PYTHON="${PDSWIFT_PYTHON:-.venv/bin/python}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export PDS_RATE_LIMITS_ENABLED=false
if [ -z "${PDS_BIN:-}" ]; then
  swift build -c release --product pds >&2
  BIN="$(swift build -c release --show-bin-path)/pds"
else
  BIN="$PDS_BIN"
fi
BASE=$((20000 + RANDOM % 20000))
OLD_PORT=$BASE; NEW_PORT=$((BASE + 3)); PLC_PORT=$((BASE + 6))
OLD_DATA="$(mktemp -d /tmp/pds-bench-old-XXXXXX)"; NEW_DATA="$(mktemp -d /tmp/pds-bench-new-XXXXXX)"
PDS_SERVICE_DID=did:web:old.pds.test PDS_DEV_PLC_PORT=$PLC_PORT "$BIN" up --data "$OLD_DATA" --port "$OLD_PORT" > "$OLD_DATA/up.log" 2>&1 &
OLD_PID=$!
PDS_SERVICE_DID=did:web:new.pds.test PDS_DID_PLC_URL="http://127.0.0.1:$PLC_PORT" "$BIN" up --data "$NEW_DATA" --port "$NEW_PORT" > "$NEW_DATA/up.log" 2>&1 &
NEW_PID=$!
cleanup() {
  kill -TERM "$OLD_PID" "$NEW_PID" 2>/dev/null || true
  wait "$OLD_PID" "$NEW_PID" 2>/dev/null || true
  rm -rf "$OLD_DATA" "$NEW_DATA"
}
trap cleanup EXIT
OLD="http://127.0.0.1:$OLD_PORT"; NEW="http://127.0.0.1:$NEW_PORT"
for url in "$OLD" "$NEW"; do
  for _ in $(seq 1 300); do curl -fsS "$url/xrpc/_health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fsS "$url/xrpc/_health" >/dev/null || { echo "$url never became healthy" >&2; exit 1; }
done

SCRIPT="$(cat Tests/Interop/migration_end_to_end.py)"
start=$(date +%s.%N)
"$PYTHON" -c "$SCRIPT" seed "$OLD" "$OLD_DATA/state.json" "$RECORDS" "$BLOBS" >&2
echo "seeded $RECORDS records and $BLOBS blobs in $(echo "$(date +%s.%N) - $start" | bc) s" >&2

# The PLC confirmation code, requested beforehand so the timed run waits for no one.
TOKEN="$(curl -fsS -X POST "$OLD/xrpc/com.atproto.server.createSession" -H 'content-type: application/json' \
  -d '{"identifier":"alice.test","password":"alice-pw"}' | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["accessJwt"])')"
curl -fsS -X POST "$OLD/xrpc/com.atproto.identity.requestPlcOperationSignature" -H "Authorization: Bearer $TOKEN" >/dev/null
CODE="$("$PYTHON" -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["token"])' "$OLD_DATA/mailbox.jsonl")"

repo_pid() { # the `pds repo` child of a `pds up`
  for p in /proc/[0-9]*; do
    [ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$1" ] || continue
    tr '\0' ' ' < "$p/cmdline" | grep -q '^[^ ]* repo' && { basename "$p"; return; }
  done
}
RPID="$(repo_pid "$NEW_PID")"
rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$RPID/status")
start=$(date +%s.%N)
"$BIN" account migrate --from-pds "$OLD" --identifier alice.test --password alice-pw --to-pds "$NEW" --plc-token "$CODE" | tee "$NEW_DATA/migrate.log"
total=$(echo "$(date +%s.%N) - $start" | bc)
peak=$(awk '/VmHWM/ {print $2}' "/proc/$RPID/status")
echo
echo "records: $RECORDS  blobs: $BLOBS"
grep -E "fetched the repo|imported the repo" "$NEW_DATA/migrate.log"
echo "new RepoService RSS: $((rss_before / 1024)) MB before, peak $((peak / 1024)) MB"
printf 'whole migration: %.2f s\n' "$total"
