"""bench-firehose.sh helper: 16 accounts and the wrk script writing to them.
usage: firehose_accounts.py URL DATA_DIR   (writes DATA_DIR/create.lua and DATA_DIR/accounts.json)"""
import json
import sys
import urllib.request

url, data = sys.argv[1], sys.argv[2]
accounts = []
for i in range(16):
    body = json.dumps({"handle": f"fh{i:02d}.test", "password": "bench-password"}).encode()
    req = urllib.request.Request(url + "/xrpc/com.atproto.server.createAccount", body, {"Content-Type": "application/json"})
    r = json.load(urllib.request.urlopen(req))
    accounts.append((r["did"], r["accessJwt"]))
json.dump(accounts, open(data + "/accounts.json", "w"))
lua = ["accounts = {"] + [f'  {{"{d}", "{t}"}},' for d, t in accounts] + ["}"]
lua += ["n = 0",
        "pause = tonumber(os.getenv('BENCH_DELAY_MS') or '0')",
        "request = function()",
        "  n = n + 1",
        "  local a = accounts[(n % 16) + 1]",
        "  local body = '{\"repo\":\"' .. a[1] .. '\",\"collection\":\"app.bsky.feed.post\",\"record\":{\"$type\":\"app.bsky.feed.post\",\"text\":\"benchmark post\",\"createdAt\":\"2026-11-25T00:00:00.000Z\"}}'",
        "  return wrk.format('POST', '/xrpc/com.atproto.repo.createRecord', {['Content-Type']='application/json', ['Authorization']='Bearer ' .. a[2]}, body)",
        "end",
        "if pause > 0 then delay = function() return pause end end",
        # Open-loop pacing: BENCH_RATE writes/s over BENCH_THREADS wrk threads, each request sent at
        # its own slot on a fixed schedule, so a slow reply delays no later write (a fixed pause per
        # request made the achieved rate fall as latency rose). A thread more than 100 ms behind
        # restarts its schedule instead of bursting.
        "rate = tonumber(os.getenv('BENCH_RATE') or '0')",
        "if rate > 0 then",
        "  local ffi = require('ffi')",
        "  ffi.cdef('typedef struct { long sec; long nsec; } bench_timespec; int clock_gettime(int, bench_timespec *);')",
        "  local ts = ffi.new('bench_timespec')",
        "  local function now() ffi.C.clock_gettime(1, ts); return tonumber(ts.sec) * 1000 + tonumber(ts.nsec) / 1e6 end",
        "  local interval = tonumber(os.getenv('BENCH_THREADS') or '1') * 1000 / rate",
        "  local slot = nil",
        "  delay = function()",
        "    local t = now()",
        "    if slot == nil or t - slot > 100 then slot = t end",
        "    slot = slot + interval",
        "    return math.max(0, math.floor(slot - t))",
        "  end",
        "end"]
open(data + "/create.lua", "w").write("\n".join(lua) + "\n")
