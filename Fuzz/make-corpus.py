#!/usr/bin/env python3
"""Regenerates the seed corpora under Fuzz/Corpus/<Target>/ (Python 3 standard library only).

Seeds come from the interop vectors (shared/interop: data-model fixtures, syntax lists,
crypto fixtures, Lexicon records and documents), the MST test suite's CARs
(shared/mst-test-suite), and values built here the way the project's tests build them
(repo CARs with a commit and records, firehose frames, IPC envelopes, DPoP proofs). Each
seed is named by the SHA-1 of its bytes, as libFuzzer names corpus files, so a rerun
over the same sources writes the same files.

Usage: python3 Fuzz/make-corpus.py [--shared DIR]   (DIR defaults to ../shared beside the
repo, then /work/shared). The output is committed: the fuzz runs never need shared/.
"""
import argparse
import base64
import hashlib
import json
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "Corpus")
MAX_PER_TARGET = 60

# ---------------------------------------------------------------- encodings


class CID:
    """A binary CIDv1 (sha2-256)."""

    def __init__(self, raw):
        self.raw = raw

    @staticmethod
    def of(data, codec=0x71):
        return CID(bytes([1, codec, 0x12, 32]) + hashlib.sha256(data).digest())

    def string(self):
        return "b" + base64.b32encode(self.raw).decode().lower().rstrip("=")


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError(n)


def dag_cbor(v):
    """Canonical DAG-CBOR of a Python value (dict keys sorted by length then bytes)."""
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # integer-like floats (123.0) are integers in atproto data
    if isinstance(v, int):
        return cbor_head(0, v) if v >= 0 else cbor_head(1, -1 - v)
    if isinstance(v, str):
        b = v.encode()
        return cbor_head(3, len(b)) + b
    if isinstance(v, (bytes, bytearray)):
        return cbor_head(2, len(v)) + bytes(v)
    if isinstance(v, CID):
        inner = b"\x00" + v.raw
        return b"\xd8\x2a" + cbor_head(2, len(inner)) + inner
    if isinstance(v, list):
        return cbor_head(4, len(v)) + b"".join(dag_cbor(x) for x in v)
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: (len(k.encode()), k.encode()))
        return cbor_head(5, len(keys)) + b"".join(dag_cbor(k) + dag_cbor(v[k]) for k in keys)
    raise TypeError(type(v))


def from_json(v):
    """atproto JSON conventions to Python values: $link to CID, $bytes to bytes."""
    if isinstance(v, dict):
        if set(v) == {"$link"}:
            s = v["$link"]
            return CID(base64.b32decode(s[1:].upper() + "=" * (-len(s[1:]) % 8)))
        if set(v) == {"$bytes"}:
            s = v["$bytes"]
            return base64.b64decode(s + "=" * (-len(s) % 4))
        return {k: from_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [from_json(x) for x in v]
    return v


def car(roots, blocks):
    header = dag_cbor({"version": 1, "roots": roots})
    out = varint(len(header)) + header
    for cid, data in blocks:
        out += varint(len(cid.raw) + len(data)) + cid.raw + data
    return out


def read_car(data):
    """The blocks of a CAR: [(cid bytes, block bytes)] (CIDv1 only, as the suite has)."""
    def uvarint(at):
        n = shift = 0
        while True:
            b = data[at]
            at += 1
            n |= (b & 0x7F) << shift
            if b < 0x80:
                return n, at
            shift += 7
    n, at = uvarint(0)
    at += n
    blocks = []
    while at < len(data):
        n, start = uvarint(at)
        end = start + n
        p = start
        for _ in range(3):
            _, p = uvarint(p)
        length, p = uvarint(p)
        p += length
        blocks.append((data[start:p], data[p:end]))
        at = end
    return blocks


# ---------------------------------------------------------------- MST


def key_height(key):
    digest = hashlib.sha256(key.encode()).digest()
    zeros = 0
    for b in digest:
        if b == 0:
            zeros += 8
            continue
        zeros += 8 - b.bit_length()
        break
    return zeros // 2


def mst(pairs):
    """Builds an MST over sorted (key, CID) pairs; returns (root CID, {CID: node bytes})."""
    blocks = {}

    def node(entries, left):
        out, prev = [], b""
        for key, value, right in entries:
            k = key.encode()
            p = 0
            while p < min(len(prev), len(k)) and prev[p] == k[p]:
                p += 1
            out.append({"k": k[p:], "p": p, "t": right, "v": value})
            prev = k
        data = dag_cbor({"e": out, "l": left})
        cid = CID.of(data)
        blocks[cid.raw] = data
        return cid

    def build(items, layer):
        if not items:
            return None
        if layer < 0:
            raise ValueError("keys below layer 0")
        seps = [i for i, (k, _) in enumerate(items) if key_height(k) == layer]
        runs, last = [], 0
        for i in seps:
            runs.append(items[last:i])
            last = i + 1
        runs.append(items[last:])
        left = build(runs[0], layer - 1)
        entries = [(items[i][0], items[i][1], build(runs[j + 1], layer - 1)) for j, i in enumerate(seps)]
        return node(entries, left)

    pairs = sorted(pairs)
    top = max(key_height(k) for k, _ in pairs)
    return build(pairs, top), blocks


def repo_car(records, did="did:plc:fuzzfuzzfuzzfuzzfuzzfuzz", rev="3jzfcijpj2z2a"):
    """A repo CAR: a commit (dummy signature: the fuzz target does not check it), the MST and
    the record blocks."""
    record_blocks, pairs = {}, []
    for path, value in records:
        data = dag_cbor(value)
        cid = CID.of(data)
        record_blocks[cid.raw] = data
        pairs.append((path, cid))
    root, nodes = mst(pairs)
    commit = dag_cbor({"did": did, "version": 3, "data": root, "rev": rev, "prev": None, "sig": bytes(64)})
    commit_cid = CID.of(commit)
    blocks = [(commit_cid, commit)] + [(CID(c), d) for c, d in nodes.items()] + [(CID(c), d) for c, d in record_blocks.items()]
    return car([commit_cid], blocks)


def post(text, created="2024-01-01T00:00:00.000Z", **extra):
    value = {"$type": "app.bsky.feed.post", "text": text, "createdAt": created}
    value.update(extra)
    return value


BLOB = {"$type": "blob", "ref": CID.of(b"blob", 0x55), "mimeType": "image/png", "size": 1234}

# ---------------------------------------------------------------- IPC


def ipc_value(v):
    """A Python value in the IPC binary body format (tags 0-9)."""
    if v is None:
        return b"\x00"
    if v is False:
        return b"\x01"
    if v is True:
        return b"\x02"
    if isinstance(v, int):
        return b"\x03" + varint(((v << 1) ^ (v >> 63)) & (2**64 - 1))
    if isinstance(v, float):
        return b"\x05" + struct.pack("<d", v)
    if isinstance(v, str):
        b = v.encode()
        return b"\x06" + varint(len(b)) + b
    if isinstance(v, (bytes, bytearray)):
        return b"\x07" + varint(len(v)) + bytes(v)
    if isinstance(v, list):
        return b"\x08" + struct.pack("<I", len(v)) + b"".join(ipc_value(x) for x in v)
    if isinstance(v, dict):
        out = b"\x09" + struct.pack("<I", len(v))
        for k, x in v.items():
            kb = k.encode()
            out += varint(len(kb)) + kb + ipc_value(x)
        return out
    raise TypeError(type(v))


def envelope(method, body, kind=0, ident=0, error_name="", error_message=""):
    m, n, e = method.encode(), error_name.encode(), error_message.encode()
    return (bytes([1, kind]) + struct.pack(">Q", ident) + struct.pack(">H", len(m)) + m
            + struct.pack(">H", len(n)) + n + struct.pack(">I", len(e)) + e + body)


# ---------------------------------------------------------------- JOSE


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


# ---------------------------------------------------------------- sources


def lines(shared, name):
    with open(os.path.join(shared, "interop", "syntax", name), encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]


def load_json(shared, *parts):
    with open(os.path.join(shared, "interop", *parts), encoding="utf-8") as f:
        return json.load(f)


def suite_cars(shared):
    folder = os.path.join(shared, "mst-test-suite", "cars", "exhaustive")
    names = sorted(os.listdir(folder))
    # Every eighth of the 128 exhaustive trees, plus the largest (deepest).
    chosen = names[::8] + [n for n in ("exhaustive_063.car", "exhaustive_127.car") if n in names]
    out = []
    for n in dict.fromkeys(chosen):
        with open(os.path.join(folder, n), "rb") as f:
            out.append(f.read())
    return out


def seeds(shared):
    s = {}
    fixtures = load_json(shared, "data-model", "data-model-fixtures.json")
    valid = load_json(shared, "data-model", "data-model-valid.json")
    invalid = load_json(shared, "data-model", "data-model-invalid.json")
    cars = suite_cars(shared)
    suite_blocks = [b for c in cars for b in read_car(c)]

    tid = "3jzfcijpj2z2a"
    repos = [
        repo_car([("app.bsky.feed.post/" + tid, post("hello"))]),
        repo_car([("app.bsky.feed.post/3jzfcijpj2z2" + c, post("post " + c)) for c in "abcdefgh"]
                 + [("app.bsky.actor.profile/self", {"$type": "app.bsky.actor.profile", "displayName": "Fuzz", "avatar": BLOB})]),
        repo_car([("app.bsky.feed.like/3jzfcijpj2z2b", {"$type": "app.bsky.feed.like", "createdAt": "2024-01-01T00:00:00Z",
                  "subject": {"uri": "at://did:plc:abc/app.bsky.feed.post/" + tid, "cid": CID.of(b"x").string()}}),
                  ("app.bsky.graph.follow/3jzfcijpj2z2c", {"$type": "app.bsky.graph.follow", "subject": "did:plc:abc",
                   "createdAt": "2024-01-01T00:00:00Z"})]),
        repo_car([("com.example.record/k%d" % i, {"$type": "com.example.record", "n": i}) for i in range(40)]),
    ]

    # DAG-CBOR: the fixtures' bytes, JSON values encoded, MST nodes and commits, edge cases.
    dag = [base64.b64decode(f["cbor_base64"] + "=" * (-len(f["cbor_base64"]) % 4)) for f in fixtures]
    dag += [dag_cbor(from_json(v["json"])) for v in valid]
    dag += [d for _, d in suite_blocks[:12]]
    dag += [d for r in repos for _, d in read_car(r)[:3]]
    dag += [dag_cbor(x) for x in (0, 23, 24, 255, 256, 65535, 65536, 2**32, 2**63 - 1, -1, -2**63, "", "é", b"", b"\x00\xff",
                                  [], [[[[]]]], {}, {"a": 1, "bb": [None, True, False]}, CID.of(b"z"), CID.of(b"z", 0x55))]
    dag += [bytes.fromhex(h) for h in ("f97e00", "9f00ff", "bf6161ff", "1800", "d82a4100", "d82b4100", "a2616101616101",
                                       "a2626262016161", "7f6161ff", "c249010000000000000000")]
    s["FuzzDAGCBOR"] = dag

    # CIDs and multibase: strings from the syntax lists, binary forms, did:key multibase.
    cid_text = lines(shared, "cid_syntax_valid.txt") + lines(shared, "cid_syntax_invalid.txt")
    cids = [t.encode() for t in cid_text]
    for t in lines(shared, "cid_syntax_valid.txt"):
        if t.startswith("b"):
            try:
                cids.append(base64.b32decode(t[1:].upper() + "=" * (-len(t[1:]) % 8)))
            except Exception:
                pass
    cids += [CID.of(b"a").raw, CID.of(b"a", 0x55).raw, CID.of(b"a").string().encode(), b"\x12\x20" + bytes(32),
             bytes([1, 0x71, 0x13, 64]) + bytes(64), bytes([1, 0x80, 0x01, 0x12, 32]) + bytes(32), varint(2**62), b"\x80\x00"]
    for f in load_json(shared, "crypto", "signature-fixtures.json"):
        cids.append(f["publicKeyMultibase"].encode())
    cids += [b"z", b"b", b"z1111", b"zQmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", b"baaaa"]
    s["FuzzCID"] = cids

    # CAR: the MST suite's trees and the repos built here.
    s["FuzzCAR"] = cars + repos + [car([], []), car([CID.of(b"r")], [(CID.of(b"r"), b"r")])]
    s["FuzzRepoVerify"] = repos + cars[:10]

    # MST nodes: every node of the repos, a sample of the suite's, hand-made odd ones.
    nodes = [d for r in repos for c, d in read_car(r) if d[:1] == b"\xa2" and b"\x61e" in d[:4]]
    nodes += [d for _, d in suite_blocks[::6]]
    nodes += [dag_cbor({"e": [], "l": None}), dag_cbor({"e": [{"k": b"a/b", "p": 0, "v": CID.of(b"v")}]}),
              dag_cbor({"e": [{"k": b"a/b", "p": 0, "t": None, "v": CID.of(b"v")}, {"k": b"c", "p": 2, "t": CID.of(b"t"),
                        "v": CID.of(b"v")}], "l": CID.of(b"l")})]
    s["FuzzMSTNode"] = nodes

    # IPC envelopes: binary and JSON bodies for each echo method, replies and errors.
    probe = {"text": "hi", "int": -5, "int64": 2**40, "uint64": 2**63, "uint8": 255, "int16": -300, "double": 1.5,
             "flag": True, "data": b"\x00\x01", "raw": b"abc", "strings": ["a", ""], "counts": {"x": 1, "y": 2},
             "nested": {"name": "n", "flags": [True, False], "small": -1, "wide": 7},
             "nestedList": [{"name": "m", "flags": []}], "matrix": [[1, 2], [], [3]]}
    write = {"action": "create", "collection": "app.bsky.feed.post", "rkey": tid, "recordJSON": json.dumps(post("x"))}
    ipc = [
        envelope("fuzz.probe", b"\xb1" + ipc_value(probe)),
        envelope("fuzz.probe", b"\xb1" + ipc_value({"text": "", "int": 0})),
        envelope("fuzz.probe", json.dumps({"text": "json", "int": 3, "double": 2.0, "data": "AAE=", "matrix": [[1]]}).encode()),
        envelope("fuzz.writes", b"\xb1" + ipc_value([write, {"action": "delete", "collection": "app.bsky.feed.like"}])),
        envelope("fuzz.writes", json.dumps([write]).encode()),
        envelope("fuzz.applyWrites", b"\xb1" + ipc_value({"did": "did:plc:abc", "writes": [write], "validate": True})),
        envelope("fuzz.recordsSince", b"\xb1" + ipc_value({"records": [{"uri": "at://did:plc:abc/c/r", "cid": "b",
                                                                         "valueJSON": "{}", "indexedAt": "now"}]})),
        envelope("fuzz.empty", b"\xb1" + ipc_value({})),
        envelope("fuzz.empty", b"{}"),
        envelope("ping", b"", kind=1, ident=7),
        envelope("x", b"", kind=2, ident=2**64 - 1, error_name="InvalidRequest", error_message="bad"),
        envelope("fuzz.probe", b"\xb1" + ipc_value({"text": "a", "int": 1, "unknown": [[[[None]]]]})),
    ]
    s["FuzzIPC"] = ipc

    # JSON: data-model vectors, Lexicon records and documents, posts.
    js = [json.dumps(f["json"], ensure_ascii=False).encode() for f in fixtures]
    js += [json.dumps(v["json"], ensure_ascii=False).encode() for v in valid + invalid]
    js += [json.dumps(r["data"]).encode() for r in load_json(shared, "lexicon", "record-data-valid.json")]
    js += [json.dumps(r["data"]).encode() for r in load_json(shared, "lexicon", "record-data-invalid.json")[::5]]
    for name in ("record.json", "query.json"):
        with open(os.path.join(shared, "interop", "lexicon", "catalog", name), "rb") as f:
            js.append(f.read())
    js += [json.dumps(l["lexicon"]).encode() for l in load_json(shared, "lexicon", "lexicon-invalid.json")[:3]]
    js += [json.dumps(x).encode() for x in (
        {"$type": "app.bsky.feed.post", "text": "hello @alice.test", "createdAt": "2024-01-01T00:00:00Z", "langs": ["en"],
         "facets": [{"index": {"byteStart": 6, "byteEnd": 17}, "features": [{"$type": "app.bsky.richtext.facet#mention",
                                                                              "did": "did:plc:abc"}]}]},
        {"$type": "app.bsky.feed.post", "text": "img", "createdAt": "2024-01-01T00:00:00Z",
         "embed": {"$type": "app.bsky.embed.images", "images": [{"alt": "", "image": {"$type": "blob", "ref": {
             "$link": CID.of(b"blob", 0x55).string()}, "mimeType": "image/png", "size": 10}}]}},
        {"$type": "app.bsky.actor.profile", "displayName": "x", "description": "y"},
        {"$type": "app.bsky.graph.follow", "subject": "did:plc:abc", "createdAt": "2024-01-01T00:00:00Z"},
        {"a": {"$bytes": "AAEC"}, "b": {"$link": CID.of(b"q").string()}, "c": [1, -1, 0, 9007199254740993]},
    )]
    js += [b"[]", b"{}", b"\"\\ud83d\\ude00\"", b"-0", b"123.0", b"1e5", b"[[[[[[[[1]]]]]]]]"]
    s["FuzzJSONLexicon"] = js

    # Firehose: commit frames carrying a repo CAR, identity/account/info, error frames,
    # and each with the published 8-byte seq in front.
    head = dag_cbor({"op": 1, "t": "#commit"})
    frames = [
        head + dag_cbor({"seq": 1, "rebase": False, "tooBig": False, "repo": "did:plc:abc", "commit": CID.of(b"c"),
                         "rev": tid, "since": None, "blocks": repos[0], "ops": [{"action": "create", "path":
                         "app.bsky.feed.post/" + tid, "cid": CID.of(b"r")}], "blobs": [], "time": "2024-01-01T00:00:00Z"}),
        dag_cbor({"op": 1, "t": "#sync"}) + dag_cbor({"seq": 2, "did": "did:plc:abc", "rev": tid, "blocks": repos[2],
                                                       "time": "2024-01-01T00:00:00Z"}),
        dag_cbor({"op": 1, "t": "#identity"}) + dag_cbor({"seq": 3, "did": "did:plc:abc", "time": "2024-01-01T00:00:00Z"}),
        dag_cbor({"op": 1, "t": "#account"}) + dag_cbor({"seq": 4, "did": "did:plc:abc", "active": False, "status": "deleted"}),
        dag_cbor({"op": 1, "t": "#info"}) + dag_cbor({"name": "OutdatedCursor"}),
        dag_cbor({"op": -1}) + dag_cbor({"error": "FutureCursor", "message": "no"}),
    ]
    s["FuzzFirehose"] = frames + [struct.pack(">q", i + 1) + f for i, f in enumerate(frames)]

    # Syntax: a few cases from every list, and OAuth scopes.
    syntax = []
    for name in sorted(os.listdir(os.path.join(shared, "interop", "syntax"))):
        cases = [c for c in lines(shared, name) if len(c.encode()) <= 600]
        syntax += [c.encode() for c in cases[:2] + cases[-1:]]
    syntax += [x.encode() for x in ("atproto transition:generic", "repo:app.bsky.feed.post?action=create&action=delete",
                                    "blob:image/* blob:*/*", "rpc:app.bsky.feed.getFeed?aud=did:web:api.bsky.app%23bsky_appview",
                                    "account:email?action=manage identity:handle", "repo?collection=a.b.c&collection=*",
                                    "did:web:localhost%3A8080", "at://did:plc:abc/app.bsky.feed.post/" + tid)]
    s["FuzzSyntax"] = syntax

    # DID documents, PLC operations, did:key strings.
    key = load_json(shared, "crypto", "signature-fixtures.json")[0]
    doc = {"@context": ["https://www.w3.org/ns/did/v1"], "id": "did:plc:abc", "alsoKnownAs": ["at://alice.test"],
           "verificationMethod": [{"id": "did:plc:abc#atproto", "type": "Multikey", "controller": "did:plc:abc",
                                   "publicKeyMultibase": key["publicKeyMultibase"]}],
           "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "https://pds.test"}]}
    legacy = dict(doc, verificationMethod=[{"id": "#atproto", "type": key["didDocSuite"], "controller": "did:plc:abc",
                                            "publicKeyMultibase": key["publicKeyMultibase"]}])
    op = {"type": "plc_operation", "rotationKeys": [key["publicKeyDid"]], "verificationMethods": {"atproto": key["publicKeyDid"]},
          "alsoKnownAs": ["at://alice.test"], "services": {"atproto_pds": {"type": "AtprotoPersonalDataServer",
                                                                             "endpoint": "https://pds.test"}},
          "prev": None, "sig": "c2ln"}
    dids = [json.dumps(x).encode() for x in (doc, legacy, {"id": "did:web:example.com"}, op,
                                             dict(op, prev=CID.of(b"p").string()),
                                             {"type": "plc_tombstone", "prev": CID.of(b"p").string(), "sig": "c2ln"},
                                             {"type": "create", "signingKey": key["publicKeyDid"], "sig": "x"})]
    dids += [f["publicKeyDid"].encode() for f in load_json(shared, "crypto", "signature-fixtures.json")]
    dids += [f["publicDidKey"].encode() for f in load_json(shared, "crypto", "w3c_didkey_K256.json")[:2]]
    s["FuzzDIDDocument"] = dids

    # JOSE: mode byte then the rest (see FuzzJOSE.swift).
    dpop_payload = {"jti": "fuzz-jti", "htm": "POST", "htu": "https://pds.example.com/xrpc/com.atproto.repo.createRecord",
                    "iat": 1700000000, "nonce": "n"}
    service = {"iss": "did:plc:abc", "aud": "did:web:api.bsky.app", "exp": 1700000060, "iat": 1699999990,
               "jti": "abc", "lxm": "app.bsky.feed.getFeed"}
    header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": {"kty": "EC", "crv": "P-256", "x": b64url(bytes(32)),
                                                          "y": b64url(bytes(32))}}
    token = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(dpop_payload).encode()) + "." + b64url(bytes(64))
    jose = [b"\x00" + token.encode(), b"\x00a.b.c", b"\x00..",
            b"\x00" + (b64url(b'{"alg":"ES256K","typ":"JWT"}') + "." + b64url(json.dumps(service).encode()) + ".AAAA").encode(),
            b"\x01" + json.dumps(dpop_payload).encode(), b"\x05" + json.dumps(dict(dpop_payload, ath="x")).encode(),
            b"\x01" + json.dumps(dict(dpop_payload, htu="HTTPS://PDS.EXAMPLE.COM:443/xrpc/com.atproto.repo.createRecord?x=1")).encode(),
            b"\x02" + json.dumps(header).encode(), b"\x02" + json.dumps({"typ": "dpop+jwt", "alg": "ES256"}).encode(),
            b"\x03" + json.dumps(service).encode(), b"\x03" + json.dumps(dict(service, lxm=None)).encode()]
    s["FuzzJOSE"] = jose
    return s


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = os.path.join(HERE, "..", "..", "shared")
    parser.add_argument("--shared", default=default if os.path.isdir(default) else "/work/shared")
    args = parser.parse_args()
    if not os.path.isdir(os.path.join(args.shared, "interop")):
        sys.exit("no interop vectors under %s (pass --shared DIR)" % args.shared)
    total = 0
    for target, items in sorted(seeds(args.shared).items()):
        folder = os.path.join(CORPUS, target)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        unique = list(dict.fromkeys(bytes(x) for x in items))[:MAX_PER_TARGET]
        for data in unique:
            with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
                f.write(data)
        size = sum(len(d) for d in unique)
        total += size
        print("%s: %d seeds, %d bytes" % (target, len(unique), size))
    print("total: %d bytes" % total)


if __name__ == "__main__":
    main()
