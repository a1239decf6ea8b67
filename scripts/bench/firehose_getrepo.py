"""bench-firehose.sh helper: a repo of RECORDS records (applyWrites, 200 a call), then
com.atproto.sync.getRepo over HTTP three times: size and MB/s of the best and the median.
usage: firehose_getrepo.py URL RECORDS"""
import json
import sys
import time
import urllib.request

url, records = sys.argv[1], int(sys.argv[2])


def post(path, body, token=None):
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    return json.load(urllib.request.urlopen(urllib.request.Request(url + path, json.dumps(body).encode(), h)))


a = post("/xrpc/com.atproto.server.createAccount", {"handle": "bigrepo.test", "password": "bench-password"})
t = time.time()
for start in range(0, records, 200):
    writes = [{"$type": "com.atproto.repo.applyWrites#create", "collection": "app.bsky.feed.post",
               "value": {"$type": "app.bsky.feed.post", "text": f"post number {start + k} of the big repo", "createdAt": "2026-11-25T00:00:00.000Z"}}
              for k in range(min(200, records - start))]
    post("/xrpc/com.atproto.repo.applyWrites", {"repo": a["did"], "writes": writes}, a["accessJwt"])
print(f"wrote {records} records in {time.time() - t:.0f} s")
runs = []
for _ in range(3):
    t = time.perf_counter()
    size = 0
    with urllib.request.urlopen(f"{url}/xrpc/com.atproto.sync.getRepo?did={a['did']}") as r:
        while True:
            piece = r.read(1 << 20)
            if not piece:
                break
            size += len(piece)
    runs.append((time.perf_counter() - t, size))
runs.sort()
best, median = runs[0], runs[1]
print(f"getRepo: {best[1] / 1e6:.1f} MB CAR; best {best[1] / 1e6 / best[0]:.0f} MB/s ({best[0] * 1000:.0f} ms), "
      f"median {median[1] / 1e6 / median[0]:.0f} MB/s")
