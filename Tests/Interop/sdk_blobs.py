"""Blobs end to end against a running PDSwift.
usage: sdk_blobs.py BASE_URL gc|roundtrip
  gc         the atproto SDK uploads a PNG, posts it in an images embed, reads it back;
             the referenced blob survives sweeps, an unreferenced one does not, and
             deleting the post makes its blob collectable (run with a short PDS_BLOB_TEMP_TTL).
  roundtrip  raw HTTP: 0 B refused; 1 B, 1 MB, 60 MB uploaded and downloaded with equal
             SHA-256; a range request; a client that disconnects mid-upload leaves no temp file.
Needs PDS_DATA_DIRECTORY (the pds up data dir) for the temp-file check.
Prints one line per step; exits non-zero at the first failure.
"""
import hashlib
import os
import socket
import struct
import sys
import time
import zlib
from urllib.parse import urlparse

import httpx
from atproto import Client, models
from atproto_client.exceptions import BadRequestError

base, mode = sys.argv[1], sys.argv[2]


def check(cond, what):
    if not cond:
        print(f"FAIL {what}")
        sys.exit(1)
    print(f"ok {what}")


def png(width, height):
    """A real PNG: an RGB gradient, zlib-compressed scanlines, CRC'd chunks."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(width) for _ in range(3)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def account(handle):
    c = Client(base_url=base)
    c.com.atproto.server.create_account(models.ComAtprotoServerCreateAccount.Data(
        handle=handle, email=f"{handle.split('.')[0]}@example.com", password="blob pass"))
    c.login(handle, "blob pass", fetch_bsky_profile=False)
    return c


def get_blob(c, did, cid):
    return c.com.atproto.sync.get_blob(models.ComAtprotoSyncGetBlob.Params(did=did, cid=cid))


def post_with(c, did, text, images):
    record = models.AppBskyFeedPost.Record(text=text, created_at=c.get_current_time_iso(),
                                           embed=models.AppBskyEmbedImages.Main(images=images))
    return c.com.atproto.repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
        repo=did, collection="app.bsky.feed.post", record=record))


def gone(c, did, cid):
    try:
        get_blob(c, did, cid)
        return False
    except BadRequestError as e:
        return "BlobNotFound" in str(e)


def gc_mode():
    ttl = float(os.environ.get("BLOB_TTL", "3"))
    c = account("dana.test")
    did = c.com.atproto.server.get_session().did
    image = png(64, 48)
    uploaded = c.upload_blob(image).blob
    cid = uploaded.ref.link
    check(uploaded.mime_type == "image/png" and uploaded.size == len(image), "SDK uploadBlob sniffs image/png")
    post = post_with(c, did, "a picture", [models.AppBskyEmbedImages.Image(alt="gradient", image=uploaded)])
    check(post.uri.startswith(f"at://{did}/app.bsky.feed.post/"), "post with an images embed")
    check(get_blob(c, did, cid) == image, "getBlob returns identical bytes")

    stray = c.upload_blob(png(8, 8)).blob.ref.link
    listed = c.com.atproto.sync.list_blobs(models.ComAtprotoSyncListBlobs.Params(did=did))
    check(cid in listed.cids and stray not in listed.cids, "listBlobs lists referenced blobs only")

    # A ref to a blob never uploaded, or one whose size is wrong, is refused.
    bogus = models.AppBskyEmbedImages.Image(alt="x", image=models.blob_ref.BlobRef(
        mime_type="image/png", size=uploaded.size + 1, ref=models.blob_ref.IpldLink(link=cid)))
    try:
        post_with(c, did, "wrong size", [bogus])
        check(False, "blob ref with a wrong size refused")
    except BadRequestError as e:
        check("InvalidRequest" in str(e), "blob ref with a wrong size refused")

    time.sleep(ttl * 2 + 1.5)
    check(get_blob(c, did, cid) == image, "referenced blob survives sweeps past the TTL")
    check(gone(c, did, stray), "unreferenced blob swept after the TTL")

    c.com.atproto.repo.delete_record(models.ComAtprotoRepoDeleteRecord.Data(
        repo=did, collection="app.bsky.feed.post", rkey=post.uri.rsplit("/", 1)[1]))
    time.sleep(ttl * 2 + 1.5)
    check(gone(c, did, cid), "deleting the post made its blob collectable")


def raw_upload(token, chunks, content_type="application/octet-stream"):
    return httpx.post(f"{base}/xrpc/com.atproto.repo.uploadBlob", content=chunks, timeout=120,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})


def generated(size, seed):
    """`size` deterministic bytes in 1 MB pieces, and their SHA-256 once consumed."""
    block = hashlib.sha256(str(seed).encode()).digest() * 32768  # 1 MiB
    digest = hashlib.sha256()

    def pieces():
        left = size
        while left > 0:
            piece = block[:min(left, len(block))]
            digest.update(piece)
            left -= len(piece)
            yield piece
    return pieces, digest


def roundtrip_mode():
    c = account("erin.test")
    did, token = c.com.atproto.server.get_session().did, c._session.access_jwt
    empty = raw_upload(token, b"")
    check(empty.status_code == 400 and empty.json()["error"] == "InvalidRequest", "0 B upload refused")
    for size, label in [(1, "1 B"), (1_000_000, "1 MB"), (60_000_000, "60 MB")]:
        pieces, digest = generated(size, size)
        started = time.monotonic()
        up = raw_upload(token, pieces())
        check(up.status_code == 200 and up.json()["blob"]["size"] == size, f"{label} uploaded")
        cid = up.json()["blob"]["ref"]["$link"]
        got = hashlib.sha256()
        received = 0
        with httpx.stream("GET", f"{base}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cid}, timeout=120) as r:
            check(r.status_code == 200 and r.headers["content-length"] == str(size), f"{label} getBlob headers")
            for part in r.iter_bytes():
                got.update(part)
                received += len(part)
        check(received == size and got.hexdigest() == digest.hexdigest(),
              f"{label} round trip, equal SHA-256 ({time.monotonic() - started:.2f} s)")
        if size == 1_000_000:
            r = httpx.get(f"{base}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cid},
                          headers={"Range": "bytes=500000-500099"})
            check(r.status_code == 206 and len(r.content) == 100 and
                  r.headers["content-range"] == "bytes 500000-500099/1000000", "range request answered 206")

    # A client that goes away mid-upload: the upload is aborted, its temp file removed.
    staging = os.path.join(os.environ["PDS_DATA_DIRECTORY"], "blocks", "tmp")
    url = urlparse(base)
    s = socket.create_connection((url.hostname, url.port))
    s.sendall((f"POST /xrpc/com.atproto.repo.uploadBlob HTTP/1.1\r\nHost: {url.hostname}\r\n"
               f"Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n"
               f"Content-Length: 20000000\r\n\r\n").encode())
    for _ in range(4):
        s.sendall(b"\x01" * 1_000_000)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(n.startswith("upload-") for n in os.listdir(staging)):
        time.sleep(0.05)
    check(any(n.startswith("upload-") for n in os.listdir(staging)), "upload in progress is spooled")
    s.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(n.startswith("upload-") for n in os.listdir(staging)):
        time.sleep(0.1)
    check(not any(n.startswith("upload-") for n in os.listdir(staging)), "disconnect mid-upload leaves no temp file")


gc_mode() if mode == "gc" else roundtrip_mode()
print("ALL OK")
