#!/usr/bin/env bash
# Repo write/read benchmark through HTTP with every process running (release build):
# createRecord records/s and latency at concurrency 1 and 16, with 1 account and with 16
# accounts (wrk, tokens rotated per request); getRecord req/s; then RepoService's memory
# after ACCOUNTS accounts with RECORDS records each (written with applyWrites, 200 a batch).
#
#   scripts/bench-repo.sh                      # 1,000 accounts x 1,000 records for the memory figure
#   ACCOUNTS=100 RECORDS=100 scripts/bench-repo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
DURATION="${DURATION:-10s}"
ACCOUNTS="${ACCOUNTS:-1000}"
RECORDS="${RECORDS:-1000}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
# Thousands of writes a second from one account and one IP: the reference limits would refuse them.
export PDS_RATE_LIMITS_ENABLED=false
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
PY="${PY:-.venv/bin/python}"

swift build -c release --product pds >&2
BIN="$(swift build -c release --show-bin-path)/pds"
DATA="$(mktemp -d /tmp/pds-bench-repo-XXXXXX)"
"$BIN" up --data "$DATA" --port "$PORT" > "$DATA/up.log" 2>&1 &
UP_PID=$!
cleanup() { kill -TERM "$UP_PID" 2>/dev/null || true; wait "$UP_PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -fsS "$URL/xrpc/_health" >/dev/null 2>&1 && break; sleep 0.1; done

# 16 accounts; their DIDs and tokens for wrk.
"$PY" - "$URL" "$DATA" <<'PYEOF'
import json, sys, urllib.request
url, data = sys.argv[1], sys.argv[2]
accounts = []
for i in range(16):
    body = json.dumps({"handle": f"bench{i:02d}.test", "password": "bench-password"}).encode()
    req = urllib.request.Request(url + "/xrpc/com.atproto.server.createAccount", body, {"Content-Type": "application/json"})
    r = json.load(urllib.request.urlopen(req))
    accounts.append((r["did"], r["accessJwt"]))
lua = ["accounts = {"] + [f'  {{"{d}", "{t}"}},' for d, t in accounts] + ["}"]
lua += ["n = 0", "count = tonumber(os.getenv('BENCH_ACCOUNTS') or '16')",
        "request = function()",
        "  n = n + 1",
        "  local a = accounts[(n % count) + 1]",
        "  local body = '{\"repo\":\"' .. a[1] .. '\",\"collection\":\"app.bsky.feed.post\",\"record\":{\"$type\":\"app.bsky.feed.post\",\"text\":\"benchmark post\",\"createdAt\":\"2026-11-25T00:00:00.000Z\"}}'",
        "  return wrk.format('POST', '/xrpc/com.atproto.repo.createRecord', {['Content-Type']='application/json', ['Authorization']='Bearer ' .. a[2]}, body)",
        "end"]
open(data + "/create.lua", "w").write("\n".join(lua) + "\n")
# A record to read back.
req = urllib.request.Request(url + "/xrpc/com.atproto.repo.createRecord", json.dumps({"repo": accounts[0][0], "collection": "app.bsky.feed.post", "rkey": "readme",
    "record": {"$type": "app.bsky.feed.post", "text": "read me", "createdAt": "2026-11-25T00:00:00.000Z"}}).encode(),
    {"Content-Type": "application/json", "Authorization": "Bearer " + accounts[0][1]})
urllib.request.urlopen(req)
open(data + "/did0", "w").write(accounts[0][0])
PYEOF

for spec in "1 1" "16 1" "1 16" "16 16"; do
  set -- $spec
  echo "== createRecord: concurrency $1, $2 account(s)"
  BENCH_ACCOUNTS=$2 wrk -t$([ "$1" = 1 ] && echo 1 || echo 2) -c"$1" -d"$DURATION" --latency -s "$DATA/create.lua" "$URL" | grep -E "Requests/sec|50%|99%|Non-2xx"
done
echo "== getRecord, concurrency 16"
wrk -t2 -c16 -d"$DURATION" --latency "$URL/xrpc/com.atproto.repo.getRecord?repo=$(cat "$DATA/did0")&collection=app.bsky.feed.post&rkey=readme" | grep -E "Requests/sec|50%|99%|Non-2xx"

echo "== memory: $ACCOUNTS accounts x $RECORDS records (applyWrites, 200 per call)"
"$PY" - "$URL" "$ACCOUNTS" "$RECORDS" <<'PYEOF'
import json, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
url, n, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def post(path, body, token=None):
    h = {"Content-Type": "application/json"}
    if token: h["Authorization"] = "Bearer " + token
    return json.load(urllib.request.urlopen(urllib.request.Request(url + path, json.dumps(body).encode(), h)))
def fill(i):
    a = post("/xrpc/com.atproto.server.createAccount", {"handle": f"m{i:05d}.test", "password": "bench-password"})
    for start in range(0, per, 200):
        writes = [{"$type": "com.atproto.repo.applyWrites#create", "collection": "app.bsky.feed.like",
                   "value": {"$type": "app.bsky.feed.like", "createdAt": "2026-11-25T00:00:00.000Z",
                             "subject": {"uri": f"at://did:plc:x/app.bsky.feed.post/{i}-{start + k}", "cid": "bafyreig4gfjifvkuig26fn5wwfm4fiwuj6iwhpfswpxxpqwpalsia47y4u"}}}
                  for k in range(min(200, per - start))]
        post("/xrpc/com.atproto.repo.applyWrites", {"repo": a["did"], "writes": writes}, a["accessJwt"])
t = time.time()
with ThreadPoolExecutor(4) as pool:
    list(pool.map(fill, range(n)))
print(f"wrote {n * per} records in {time.time() - t:.0f} s")
PYEOF
for pid in $(pgrep -P "$UP_PID" -f "pds repo" || true); do
  grep -E "VmRSS|VmHWM" /proc/$pid/status | sed "s/^/RepoService (pid $pid) /"
done
