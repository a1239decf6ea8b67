"""A fast stand-in AppView for the proxy benchmark: asyncio, HTTP/1.1 keep-alive, and one
fixed getTimeline answer (a 20-post page, about 12 kB) with an Atproto-Repo-Rev header, so
the PDS does what it does for a real AppView's answer, read-after-write check included.
It checks no auth: it measures transport, the same whether called directly or through the PDS.

usage: upstream.py PORT REV
"""
import asyncio
import json
import sys

PORT = int(sys.argv[1])
REV = sys.argv[2]
POST = {"uri": "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3l3qo2vuowo2b",
        "cid": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a",
        "author": {"did": "did:plc:ewvi7nxzyoun6zhxrhs64oiz", "handle": "someone.example", "displayName": "Someone"},
        "record": {"$type": "app.bsky.feed.post", "text": "a post of ordinary length, " * 8, "createdAt": "2026-12-01T00:00:00.000Z"},
        "replyCount": 1, "repostCount": 2, "likeCount": 3, "quoteCount": 0, "indexedAt": "2026-12-01T00:00:00.000Z", "labels": []}
BODY = json.dumps({"feed": [{"post": POST}] * 20, "cursor": "next"}).encode()
HEAD = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\n"
        b"atproto-repo-rev: " + REV.encode() + b"\r\ncontent-length: " + str(len(BODY)).encode() + b"\r\n\r\n")
RESPONSE = HEAD + BODY


class Upstream(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""

    def data_received(self, data):
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            _, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.transport.write(RESPONSE)


async def main():
    server = await asyncio.get_running_loop().create_server(Upstream, "127.0.0.1", PORT, backlog=1024)
    print(f"upstream on 127.0.0.1:{PORT}, {len(BODY)} byte answers", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
