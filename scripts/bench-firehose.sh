#!/usr/bin/env bash
# Firehose and sync benchmark with every process running (release build):
#   1. events sequenced per second: createRecord as fast as 16 connections can (wrk), seqs
#      assigned per second read from _health before and after;
#   2. commit-to-delivery latency p50/p99 with 1, 100 and 1,000 subscribers while writes
#      arrive at RATE/s: one probe subscriber decodes every frame and compares its arrival
#      with the commit's `time`; the other subscribers read and discard bytes (one epoll
#      process in C, scripts/bench/firehose_discard.c), so the client side stays cheap next
#      to the gateway;
#   3. getRepo MB/s end to end (HTTP, streamed) for a repo of RECORDS records.
#
#   scripts/bench-firehose.sh
#   SUBSCRIBERS="1 100" RATE=200 RECORDS=10000 scripts/bench-firehose.sh
#   PDS_BIN=/tmp/pds-before SUBSCRIBERS=1000 RECORDS=1000 scripts/bench-firehose.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
DURATION="${DURATION:-10s}"
RATE="${RATE:-500}"
SUBSCRIBERS="${SUBSCRIBERS:-1 100 1000}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-15}"
RECORDS="${RECORDS:-100000}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export PDS_RATE_LIMITS_ENABLED=false
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
PY="${PY:-.venv/bin/python}"
[ -x "$PY" ] || PY=/work/main/.venv/bin/python

# PDS_BIN runs a binary built elsewhere (to compare two builds in one sitting).
if [ -n "${PDS_BIN:-}" ]; then
  BIN="$PDS_BIN"
else
  swift build -c release --product pds >&2
  BIN="$(swift build -c release --show-bin-path)/pds"
fi
DATA="$(mktemp -d /tmp/pds-bench-firehose-XXXXXX)"
ulimit -n 65536 2>/dev/null || ulimit -n 4096
PDS_ADMIN_PASSWORD="${PDS_ADMIN_PASSWORD:-bench-admin}" "$BIN" up --data "$DATA" --port "$PORT" > "$DATA/up.log" 2>&1 &
UP_PID=$!
cleanup() { kill -TERM "$UP_PID" 2>/dev/null || true; wait "$UP_PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 200); do curl -fsS "$URL/xrpc/_health" >/dev/null 2>&1 && break; sleep 0.1; done

"$PY" scripts/bench/firehose_accounts.py "$URL" "$DATA"
# The 999 idle subscribers read in C when a compiler is here: in Python they took 70% of a core
# of the same 2-core machine as the server being measured.
if command -v cc >/dev/null && cc -O2 -o "$DATA/firehose_discard" scripts/bench/firehose_discard.c; then
  export DISCARD_BIN="$DATA/firehose_discard"
fi
# The firehose figures are in _health's detailed report, which needs admin Basic auth.
head() { curl -fsS -u "admin:${PDS_ADMIN_PASSWORD:-bench-admin}" "$URL/xrpc/_health" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["firehose"]["head"])'; }

echo "== events sequenced per second (createRecord, 16 connections, 16 accounts, $DURATION)"
before=$(head)
wrk -t2 -c16 -d"$DURATION" -s "$DATA/create.lua" "$URL" | grep -E "Requests/sec|Non-2xx" || true
# The relay hands events over just after the commits: wait for the head to settle, then
# count them against wrk's duration (the tail after it is a few milliseconds).
last=-1; now=$(head)
while [ "$now" != "$last" ]; do last=$now; sleep 0.5; now=$(head); done
"$PY" -c "n=$now-$before; t=float('${DURATION%s}'); print(f'sequenced {n} events in {t:.0f} s: {n/t:.0f} events/s')"

# CPU seconds (user + system) each PDS process has used so far, as "name seconds" lines.
cpu_used() {
  for pid in $(pgrep -P "$UP_PID"); do
    name=$(tr '\0' ' ' < /proc/$pid/cmdline | awk '{print $2}')
    awk -v n="$name" -v hz="$(getconf CLK_TCK)" '{print n, ($14 + $15) / hz}' /proc/$pid/stat
  done | sort
}

for n in $SUBSCRIBERS; do
  echo "== commit-to-delivery latency, $n subscriber(s), $RATE writes/s for ${SECONDS_PER_RUN}s"
  before_cpu=$(cpu_used); started=$(date +%s%N)
  "$PY" scripts/bench/firehose_latency.py "$URL" "$DATA" "$n" "$RATE" "$SECONDS_PER_RUN"
  # Share of one core each process used over the run (the run includes a few seconds of
  # connecting and draining, so these are a little below the rate during the writes).
  join <(echo "$before_cpu") <(cpu_used) | awk -v t="$(( ($(date +%s%N) - started) / 1000000 ))" \
    '{printf "%s%s %.0f%%", (NR > 1 ? ", " : "cpu: "), $1, 100000 * ($3 - $2) / t} END {print ""}'
done

echo "== getRepo, $RECORDS records"
"$PY" scripts/bench/firehose_getrepo.py "$URL" "$RECORDS"
for pid in $(pgrep -P "$UP_PID"); do
  if [ "$(tr '\0' ' ' < /proc/$pid/cmdline | awk '{print $2}')" = gateway ]; then
    grep -E "VmHWM" /proc/$pid/status | sed "s/^/gateway peak RSS: /"
  fi
done
