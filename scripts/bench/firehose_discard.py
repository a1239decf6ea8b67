"""bench-firehose.sh helper: COUNT subscribeRepos connections that read and discard bytes
(raw sockets, no frame parsing), so many subscribers cost the client machine little.
usage: firehose_discard.py WS_HOST PORT COUNT SECONDS
Prints "ready" once every handshake is done, then at the end a JSON line: bytes read and how
many connections the server closed."""
import base64
import json
import os
import selectors
import socket
import sys
import time

host, port, count, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
path = "/xrpc/com.atproto.sync.subscribeRepos"
sel = selectors.DefaultSelector()
for _ in range(count):
    s = socket.create_connection((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    assert b" 101 " in head.split(b"\r\n")[0], head
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
print("ready", flush=True)
total, closed, end = 0, 0, time.monotonic() + seconds
while time.monotonic() < end:
    for key, _ in sel.select(timeout=0.2):
        try:
            data = key.fileobj.recv(1 << 20)
        except BlockingIOError:
            continue
        except ConnectionError:
            data = b""
        if not data:
            closed += 1
            sel.unregister(key.fileobj)
            key.fileobj.close()
        total += len(data)
print(json.dumps({"bytes": total, "closed_by_server": closed}), flush=True)
