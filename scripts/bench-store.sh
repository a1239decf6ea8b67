#!/usr/bin/env bash
# Store size and memory against a release `pds up`: UPDATES putRecord calls on the same record
# of one account, then that account's store on disk (SQLite file + WAL) against the size of
# its getRepo CAR (target: within 2x), the RSS of every process at idle and after, and
# RepoService's RSS while CLIENTS getRepo streams of a RECORDS-record repo run at once.
#
#   scripts/bench-store.sh                       # 10,000 updates, 16 clients, 10,000 records
#   UPDATES=2000 CLIENTS=4 RECORDS=2000 scripts/bench-store.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
UPDATES="${UPDATES:-10000}"; CLIENTS="${CLIENTS:-16}"; RECORDS="${RECORDS:-10000}"
PY="${PY:-.venv/bin/python}"
export LOG_LEVEL="${LOG_LEVEL:-warn}" PDS_RATE_LIMITS_ENABLED=false
swift build -c release --product pds >&2
BIN="$(swift build -c release --show-bin-path)/pds"
DATA="$(mktemp -d /tmp/pds-bench-store-XXXXXX)"
PDS_DEV_PLC_PORT=$((PORT + 1)) "$BIN" up --data "$DATA" --port "$PORT" > "$DATA/up.log" 2>&1 &
UP_PID=$!
cleanup() { kill -TERM "$UP_PID" 2>/dev/null || true; wait "$UP_PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -fsS "$URL/xrpc/_health" >/dev/null 2>&1 && break; sleep 0.1; done
rss() {
  for pid in $(pgrep -P "$UP_PID"); do
    name="$(tr '\0' ' ' < /proc/$pid/cmdline | awk '{print $2}')"
    printf "  %-9s %s\n" "$name" "$(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
  done
}
echo "== RSS at idle"; rss
"$PY" - "$URL" "$DATA" "$UPDATES" "$CLIENTS" "$RECORDS" <<'PYEOF'
import glob, json, os, sys, threading, time, urllib.request
url, data, updates, clients, records = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
def post(path, body, token=None):
    h = {"Content-Type": "application/json"}
    if token: h["Authorization"] = "Bearer " + token
    return json.load(urllib.request.urlopen(urllib.request.Request(url + path, json.dumps(body).encode(), h)))
a = post("/xrpc/com.atproto.server.createAccount", {"handle": "store.test", "password": "bench-password"})
t = time.time()
for i in range(updates):
    post("/xrpc/com.atproto.repo.putRecord", {"repo": a["did"], "collection": "app.bsky.actor.profile", "rkey": "self",
         "record": {"$type": "app.bsky.actor.profile", "displayName": f"update {i}", "description": "x" * 200}}, a["accessJwt"])
car = urllib.request.urlopen(f"{url}/xrpc/com.atproto.sync.getRepo?did={a['did']}").read()
main = glob.glob(f"{data}/**/{a['did']}.sqlite", recursive=True)[0]
wal = main + "-wal"
size, walsize = os.path.getsize(main), (os.path.getsize(wal) if os.path.exists(wal) else 0)
blocks = json.load(urllib.request.urlopen(f"{url}/xrpc/com.atproto.repo.describeRepo?repo={a['did']}"))
print(f"== {updates} updates of one record in {time.time() - t:.0f} s: store file {size / 1024:.0f} KiB (+ WAL {walsize / 1024:.0f} KiB, "
      f"reused, not grown, after checkpoints), CAR {len(car) / 1024:.1f} KiB")
b = post("/xrpc/com.atproto.server.createAccount", {"handle": "big.test", "password": "bench-password"})
for start in range(0, records, 200):
    writes = [{"$type": "com.atproto.repo.applyWrites#create", "collection": "app.bsky.feed.post",
               "value": {"$type": "app.bsky.feed.post", "text": f"post {start + k} " + "y" * 100, "createdAt": "2026-12-07T00:00:00.000Z"}}
              for k in range(min(200, records - start))]
    post("/xrpc/com.atproto.repo.applyWrites", {"repo": b["did"], "writes": writes}, b["accessJwt"])
open(f"{data}/big.did", "w").write(b["did"])
PYEOF
REPO_PID="$(pgrep -P "$UP_PID" -f "pds repo")"
echo "== RSS after the writes"; rss
DID="$(cat "$DATA/big.did")"
PEAK=0
CURLS=()
for _ in $(seq 1 "$CLIENTS"); do curl -s -o /dev/null "$URL/xrpc/com.atproto.sync.getRepo?did=$DID" --limit-rate 2M & CURLS+=($!); done
for _ in $(seq 1 400); do
  now="$(awk '/VmRSS/ {print $2}' /proc/$REPO_PID/status)"
  if [ "$now" -gt "$PEAK" ]; then PEAK="$now"; fi
  running=0
  for c in "${CURLS[@]}"; do if kill -0 "$c" 2>/dev/null; then running=1; fi; done
  if [ "$running" = 0 ]; then break; fi
  sleep 0.1
done
wait "${CURLS[@]}" || true
echo "== RepoService RSS peak while $CLIENTS getRepo streams of $RECORDS records ran: $((PEAK / 1024)) MB"
echo "== RSS after"; rss
