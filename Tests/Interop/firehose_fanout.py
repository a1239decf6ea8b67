"""100 subscribeRepos clients at once, one deliberately slow (it never reads until the end):
the fast ones must each get every commit, in order, whatever the slow one does. What the slow
one got (cut off with ConsumerTooSlow, or everything) is reported.
usage: firehose_fanout.py BASE_URL COMMITS
"""
import asyncio
import base64
import json
import os
import socket
import sys
import urllib.parse
import urllib.request

import libipld
import websockets

base, commits = sys.argv[1], int(sys.argv[2])
ws_url = base.replace("http://", "ws://") + "/xrpc/com.atproto.sync.subscribeRepos"


def post(path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    return json.load(urllib.request.urlopen(urllib.request.Request(base + path, json.dumps(body).encode(), headers)))


def decode(frame):
    header, body = libipld.decode_dag_cbor_multi(frame)
    return header, body


async def fast(results, index, did, ready):
    async with websockets.connect(ws_url, max_size=None) as ws:
        ready.set()
        seqs = []
        while len(seqs) < commits:
            header, body = decode(await asyncio.wait_for(ws.recv(), 60))
            if header.get("t") == "#commit" and body.get("repo") == did:
                seqs.append(body["seq"])
        results[index] = seqs


class SlowClient:
    """A WebSocket client over a raw socket with a tiny receive buffer that reads nothing
    until told to: TCP back-pressure reaches the server at once."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect((u.hostname, u.port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.sock.recv(1)
        assert b" 101 " in self.buf.split(b"\r\n")[0], self.buf
        self.buf = b""

    def frames(self, timeout):
        """Reads every frame until the server closes; yields binary payloads."""
        self.sock.settimeout(timeout)
        while True:
            while len(self.buf) < 2:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                self.buf += chunk
            opcode, length, at = self.buf[0] & 0x0F, self.buf[1] & 0x7F, 2
            if length == 126:
                need = 4
            elif length == 127:
                need = 10
            else:
                need = 2
            while len(self.buf) < need:
                self.buf += self.sock.recv(65536)
            if length == 126:
                length, at = int.from_bytes(self.buf[2:4], "big"), 4
            elif length == 127:
                length, at = int.from_bytes(self.buf[2:10], "big"), 10
            while len(self.buf) < at + length:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                self.buf += chunk
            payload, self.buf = self.buf[at:at + length], self.buf[at + length:]
            if opcode == 8:
                return
            if opcode == 2:
                yield payload


async def main():
    acct = post("/xrpc/com.atproto.server.createAccount", {"handle": "fanout.test", "password": "fanout-pw"})
    did, token = acct["did"], acct["accessJwt"]
    results = {}
    ready = [asyncio.Event() for _ in range(99)]
    tasks = [asyncio.create_task(fast(results, i, did, ready[i])) for i in range(99)]
    # The slow client: connects, then reads nothing while the commits flow.
    slow = SlowClient(ws_url)
    for e in ready:
        await e.wait()
    text = "x" * 2000  # over the post lexicon's limit, so written with validate: false
    loop = asyncio.get_running_loop()
    for n in range(commits):
        writes = [{"$type": "com.atproto.repo.applyWrites#create", "collection": "app.bsky.feed.post",
                   "value": {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-25T00:00:00.000Z"}} for _ in range(50)]
        await loop.run_in_executor(None, post, "/xrpc/com.atproto.repo.applyWrites", {"repo": did, "writes": writes, "validate": False}, token)
    await asyncio.wait_for(asyncio.gather(*tasks), 120)
    complete = all(len(results[i]) == commits and results[i] == sorted(results[i]) for i in range(99))
    # Now drain the slow client: it must end with a ConsumerTooSlow error frame.
    got, last_error = 0, None
    try:
        for frame in slow.frames(5):
            header, body = decode(frame)
            if header.get("op") == -1:
                last_error = body.get("error")
                break
            if header.get("t") == "#commit" and body.get("repo") == did:
                got += 1
    except Exception as e:
        print("slow client read failed:", e)
    print(json.dumps({"fast_complete": complete, "slow_got": got, "slow_error": last_error}))
    sys.exit(0 if complete else 1)


asyncio.run(main())
