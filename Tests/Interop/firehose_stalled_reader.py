"""A subscribeRepos client that completes the WebSocket handshake and then never reads its
socket, while another client writes large commits: the server must cut it off (close the
connection, ConsumerTooSlow if it ever reads again) without buffering for it, and a normal
subscriber must get every commit, in order.
usage: firehose_stalled_reader.py BASE_URL GATEWAY_PID COMMITS
Prints one JSON line of findings; exits 1 when the normal subscriber missed something.
"""
import asyncio
import base64
import json
import os
import socket
import sys
import time
import urllib.parse
import urllib.request

import libipld
import websockets

base, gateway_pid, commits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ws_url = base.replace("http://", "ws://") + "/xrpc/com.atproto.sync.subscribeRepos"


def post(path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    return json.load(urllib.request.urlopen(urllib.request.Request(base + path, json.dumps(body).encode(), headers)))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class StalledClient:
    """A raw-socket WebSocket client with a tiny receive buffer that reads nothing after the
    handshake: TCP back-pressure reaches the server at once."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect((u.hostname, u.port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert b" 101 " in head.split(b"\r\n")[0], head

    def drain(self, timeout):
        """Reads until the server closes. Returns (closed, binary payloads); closed is False
        when the connection was still open after `timeout` seconds of silence."""
        self.sock.settimeout(timeout)
        data = b""
        closed = False
        try:
            while True:
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    closed = True
                    break
                data += chunk
        except socket.timeout:
            pass
        except ConnectionResetError:
            closed = True
        payloads, at = [], 0
        while at + 2 <= len(data):
            opcode, length, header = data[at] & 0x0F, data[at + 1] & 0x7F, 2
            if length == 126:
                length, header = int.from_bytes(data[at + 2:at + 4], "big"), 4
            elif length == 127:
                length, header = int.from_bytes(data[at + 2:at + 10], "big"), 10
            if at + header + length > len(data):
                break
            if opcode == 2:
                payloads.append(data[at + header:at + header + length])
            at += header + length
        return closed, payloads


async def normal(did, ready, seqs):
    async with websockets.connect(ws_url, max_size=None) as ws:
        ready.set()
        while len(seqs) < commits:
            header, body = libipld.decode_dag_cbor_multi(await asyncio.wait_for(ws.recv(), 120))
            if header.get("t") == "#commit" and body.get("repo") == did:
                seqs.append(body["seq"])


async def main():
    acct = post("/xrpc/com.atproto.server.createAccount", {"handle": "stalled.test", "password": "stalled-pw"})
    did, token = acct["did"], acct["accessJwt"]
    seqs, ready = [], asyncio.Event()
    reader = asyncio.create_task(normal(did, ready, seqs))
    await ready.wait()
    stalled = StalledClient(ws_url)
    await asyncio.sleep(1)
    rss_before = peak = rss_kib(gateway_pid)
    text = "x" * 4000  # over the post lexicon's limit, so written with validate: false
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    # Every record distinct: identical ones would share one block and the commits would be small.
    for n in range(commits):
        writes = [{"$type": "com.atproto.repo.applyWrites#create", "collection": "app.bsky.feed.post",
                   "value": {"$type": "app.bsky.feed.post", "text": f"{n}-{k}-{text}", "createdAt": "2026-11-25T00:00:00.000Z"}} for k in range(50)]
        await loop.run_in_executor(None, post, "/xrpc/com.atproto.repo.applyWrites", {"repo": did, "writes": writes, "validate": False}, token)
        peak = max(peak, rss_kib(gateway_pid))
    write_seconds = time.monotonic() - started
    await asyncio.wait_for(reader, 180)
    peak = max(peak, rss_kib(gateway_pid))
    # Only now does the stalled client read: the server must already have hung up on it.
    closed, payloads = stalled.drain(10)
    got, last_error = 0, None
    for p in payloads:
        header, body = libipld.decode_dag_cbor_multi(p)
        if header.get("op") == -1:
            last_error = body.get("error")
        elif header.get("t") == "#commit" and body.get("repo") == did:
            got += 1
    complete = len(seqs) == commits and seqs == list(range(seqs[0], seqs[0] + commits))
    print(json.dumps({"normal_complete": complete, "stalled_closed": closed, "stalled_got": got,
                      "stalled_error": last_error, "bytes_written": commits * 50 * len(text),
                      "write_seconds": round(write_seconds, 1), "rss_before_kib": rss_before, "rss_peak_kib": peak}))
    sys.exit(0 if complete else 1)


asyncio.run(main())
