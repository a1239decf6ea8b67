"""bench-firehose.sh helper: commit-to-delivery latency with N subscribers at RATE writes/s.
One probe subscriber decodes every #commit and compares its arrival with the event's `time`
(set when RepoService commits); N-1 more subscribers read and discard (DISCARD_BIN, the C
firehose_discard.c that bench-firehose.sh compiles, else firehose_discard.py).
Writes come from wrk on a fixed open-loop schedule of RATE/s (create.lua's delay()).
usage: firehose_latency.py URL DATA_DIR N RATE SECONDS"""
import asyncio
import datetime
import json
import os
import resource
import subprocess
import sys
import time
import urllib.parse

import libipld
import websockets

url, data, n, rate, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
u = urllib.parse.urlparse(url)
here = os.path.dirname(os.path.abspath(__file__))


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


async def main():
    others = None
    if n > 1:
        discard = [os.environ["DISCARD_BIN"]] if os.environ.get("DISCARD_BIN") else [sys.executable, os.path.join(here, "firehose_discard.py")]
        others = subprocess.Popen(discard + [u.hostname, str(u.port), str(n - 1), str(seconds + 10)], stdout=subprocess.PIPE, text=True)
        assert others.stdout.readline().strip() == "ready"
    latencies = []
    frame_bytes = 0
    async with websockets.connect(url.replace("http://", "ws://") + "/xrpc/com.atproto.sync.subscribeRepos", max_size=None) as ws:
        # Enough connections that a reply slower than the write interval never holds back the
        # schedule (the pacing in create.lua is open-loop: each write has its own slot).
        connections, threads = 32, 2
        wrk = subprocess.Popen(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", data + "/create.lua", url],
                               env={**os.environ, "BENCH_RATE": str(rate), "BENCH_THREADS": str(threads)},
                               stdout=subprocess.PIPE, text=True)
        started = time.monotonic()
        while True:
            try:
                frame = await asyncio.wait_for(ws.recv(), 3 if time.monotonic() - started > seconds else seconds + 5)
            except asyncio.TimeoutError:
                break
            arrived = time.time()
            frame_bytes += len(frame)
            header, body = libipld.decode_dag_cbor_multi(frame)
            if header.get("t") == "#commit":
                latencies.append((arrived - parse_time(body["time"])) * 1000)
        wrk_out = wrk.communicate()[0]
    cut = None
    if others:
        others.terminate()
        out = others.communicate()[0].strip().splitlines()
        cut = json.loads(out[-1])["closed_by_server"] if out and out[-1].startswith("{") else None
    # The rig shares the 2 cores with the server it measures: print what it took.
    wall = time.monotonic() - started
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    rig = f"rig cpu: probe {100 * (me.ru_utime + me.ru_stime) / wall:.0f}%, wrk + discarder {100 * (kids.ru_utime + kids.ru_stime) / wall:.0f}%"
    latencies.sort()
    if not latencies:
        print("no events received")
        return
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    req = next((line.split()[-1] for line in wrk_out.splitlines() if "Requests/sec" in line), "?")
    print(f"subscribers {n}: {len(latencies)} commits at {req} writes/s; latency p50 {pick(0.5):.1f} ms, "
          f"p99 {pick(0.99):.1f} ms, max {latencies[-1]:.1f} ms; {frame_bytes / len(latencies):.0f} bytes/frame" + (f"; subscribers cut off: {cut}" if cut is not None else ""))
    print(rig)


asyncio.run(main())
