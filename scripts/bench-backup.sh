#!/usr/bin/env bash
# Backup benchmark with every process running (release build): starts `pds up` on a
# temporary data directory, creates ACCOUNTS accounts x RECORDS records (applyWrites, 200 a
# call) and BLOB_MB MB of blobs (1 MB each, spread over the accounts), then prints
#   1. full backup: time and size (`pds backup run`: files and bytes of the manifest; du of
#      the backup directory);
#   2. incremental backup after ~1% new data (1% more records and 1% more blob bytes): time,
#      blobs copied, growth of the backup directory;
#   3. `pds restore` of the newest backup into a fresh directory, and `pds backup drill`
#      (restore into scratch + every check): times.
#
#   scripts/bench-backup.sh                                  # 1,000 x 1,000 + 1,000 MB
#   ACCOUNTS=100 RECORDS=100 BLOB_MB=100 scripts/bench-backup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
ACCOUNTS="${ACCOUNTS:-1000}"
RECORDS="${RECORDS:-1000}"
BLOB_MB="${BLOB_MB:-1000}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export PDS_RATE_LIMITS_ENABLED=false
# Only on demand here: no schedule may start a backup or drill in the middle.
export PDS_BACKUP_SCHEDULE=off PDS_BACKUP_DRILL_SCHEDULE=off
PY="${PY:-.venv/bin/python}"
[ -x "$PY" ] || PY=python3

swift build -c release --product pds >&2
BIN="$(swift build -c release --show-bin-path)/pds"
WORK="$(mktemp -d /tmp/pds-bench-backup-XXXXXX)"
DATA="$WORK/data"
mkdir -p "$DATA"
"$BIN" up --data "$DATA" --port "$PORT" > "$WORK/up.log" 2>&1 &
UP_PID=$!
cleanup() { kill -TERM "$UP_PID" 2>/dev/null || true; wait "$UP_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 200); do curl -fsS "$URL/xrpc/_health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$URL/xrpc/_health" >/dev/null || { echo "pds up did not become healthy" >&2; cat "$WORK/up.log" >&2; exit 1; }

# load PHASE: "full" creates the accounts and everything; "more" adds ~1% (records + blobs).
load() {
  "$PY" - "$URL" "$ACCOUNTS" "$RECORDS" "$BLOB_MB" "$1" "$WORK/accounts.json" <<'PYEOF'
import json, os, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
url, n, per, blob_mb, phase, saved = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
def call(path, body, token=None, ctype="application/json"):
    h = {"Content-Type": ctype}
    if token: h["Authorization"] = "Bearer " + token
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return json.load(urllib.request.urlopen(urllib.request.Request(url + path, data, h), timeout=600))
def records(did, token, tag, count):
    for start in range(0, count, 200):
        writes = [{"$type": "com.atproto.repo.applyWrites#create", "collection": "app.bsky.feed.post",
                   "value": {"$type": "app.bsky.feed.post", "createdAt": "2026-11-25T00:00:00.000Z",
                             "text": f"benchmark post {tag} {start + k} with some text to be a realistic size"}}
                  for k in range(min(200, count - start))]
        call("/xrpc/com.atproto.repo.applyWrites", {"repo": did, "writes": writes}, token)
def blobs(did, token, count):
    for _ in range(count):
        call("/xrpc/com.atproto.repo.uploadBlob", os.urandom(1_000_000), token, "application/octet-stream")
t = time.time()
if phase == "full":
    def fill(i):
        a = call("/xrpc/com.atproto.server.createAccount", {"handle": f"b{i:05d}.test", "password": "bench-password"})
        records(a["did"], a["accessJwt"], "full", per)
        blobs(a["did"], a["accessJwt"], blob_mb // n + (1 if i < blob_mb % n else 0))
        return a["did"], a["accessJwt"]
    with ThreadPoolExecutor(4) as pool:
        accounts = list(pool.map(fill, range(n)))
    json.dump(accounts, open(saved, "w"))
    print(f"loaded {n} accounts x {per} records + {blob_mb} MB of blobs in {time.time() - t:.0f} s")
else:
    accounts = json.load(open(saved))
    extra, extra_blobs = max(1, n * per // 100), max(1, blob_mb // 100)
    # Spread over the accounts (200 a call); blobs to the first accounts.
    share = [extra // n + (1 if i < extra % n else 0) for i in range(n)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: records(*accounts[i], "more", share[i]) if share[i] else None, range(n)))
        list(pool.map(lambda i: blobs(*accounts[i % n], 1), range(extra_blobs)))
    print(f"added {extra} records + {extra_blobs} MB of blobs in {time.time() - t:.0f} s")
PYEOF
}
seconds() { local s e; s=$(date +%s.%N); "$@" > "$WORK/last.out" 2>&1 || { cat "$WORK/last.out" >&2; return 1; }; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", e - s }'; }
mb() { du -sm "$1" | cut -f1; }

load full
echo "data directory: $(mb "$DATA") MB ($(du -sm --exclude=backups "$DATA" | cut -f1) MB without backups)"

T=$(seconds "$BIN" backup run --data "$DATA")
echo "full backup: $T s wall; $(cat "$WORK/last.out")"
FULL_MB=$(mb "$DATA/backups")
echo "full backup size on disk: $FULL_MB MB"

load more
T=$(seconds "$BIN" backup run --data "$DATA")
echo "incremental backup after ~1% new data: $T s wall; $(cat "$WORK/last.out")"
echo "backup directory: $FULL_MB -> $(mb "$DATA/backups") MB (retention keeps the newest backup of the day; the blob pool is shared)"

NEWEST="$(ls "$DATA/backups/backups" | sort | tail -1)"
T=$(seconds "$BIN" restore --from "$DATA/backups/backups/$NEWEST" --to "$WORK/restored")
echo "restore (with integrity, blob and repo checks): $T s; $(tail -1 "$WORK/last.out")"
T=$(seconds "$BIN" backup drill --data "$DATA")
echo "drill (restore into scratch + all checks): $T s wall; $(head -1 "$WORK/last.out")"
