"""A test AppView for the service proxy: a small HTTP server that checks every call's
service-auth JWT as a real AppView does, then answers and remembers what it saw.

usage: test_appview.py PORT PLC_URL

Verification uses the Python atproto SDK (a third party): the JWT's signature against the
issuer's #atproto key from its DID document, resolved from the PLC directory the PDS uses
(atproto_identity), and its audience (atproto_server.auth.jwt.verify_jwt); then here: `lxm`
equals the called method, `exp` at most 60 s ahead, `jti` never seen before.

It is did:web:localhost%3APORT and serves its own /.well-known/did.json with the services
#bsky_appview, #bsky_chat and #other_svc, all pointing at itself.

Control endpoints (no auth): GET /_seen (the calls seen, verified or refused, as JSON),
POST /_state (JSON: {"rev": repo rev to report, "posts": [postView…], "profile": {…}}),
POST /_reset (forget what was seen).
"""
import hashlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from atproto_identity.resolver import IdResolver
from atproto_server.auth.jwt import verify_jwt

PORT = int(sys.argv[1])
PLC_URL = sys.argv[2]
OWN_DID = f"did:web:localhost%3A{PORT}"
ORIGIN = f"http://127.0.0.1:{PORT}"
SERVICES = ["bsky_appview", "bsky_chat", "other_svc"]
ACCEPTED_AUDIENCES = {OWN_DID} | {f"{OWN_DID}#{s}" for s in SERVICES}

resolver = IdResolver(plc_url=PLC_URL, timeout=5)
lock = threading.Lock()
seen = []
jtis = set()
state = {"rev": None, "posts": [], "profile": None}


def signing_key(did, force_refresh):
    return resolver.did.resolve_atproto_key(did, force_refresh)


def verify(auth_header, nsid):
    """The JWT's claims if it is valid for `nsid`, else raises with the reason."""
    if not auth_header or not auth_header.startswith("Bearer "):
        raise ValueError("no bearer token")
    token = auth_header[len("Bearer "):]
    payload = verify_jwt(token, signing_key)  # signature (issuer's key from its DID doc), exp, iat
    if payload.aud not in ACCEPTED_AUDIENCES:
        raise ValueError(f"wrong aud {payload.aud}")
    extra = payload.model_extra or {}
    if extra.get("lxm") != nsid:
        raise ValueError(f"lxm {extra.get('lxm')} is not {nsid}")
    if payload.exp is None or payload.exp > time.time() + 65:
        raise ValueError(f"exp too far ahead: {payload.exp}")
    if not payload.jti:
        raise ValueError("no jti")
    with lock:
        if payload.jti in jtis:
            raise ValueError(f"jti replayed: {payload.jti}")
        jtis.add(payload.jti)
    return payload


def author_view(did, handle, display_name=None):
    view = {"did": did, "handle": handle}
    if display_name:
        view["displayName"] = display_name
    return view


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, value, headers=None):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def handle_any(self, method):
        url = urlparse(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = self.read_body() if method == "POST" else b""
        if url.path == "/.well-known/did.json":
            return self.send_json(200, {
                "@context": ["https://www.w3.org/ns/did/v1"], "id": OWN_DID,
                "service": [{"id": f"#{s}", "type": "TestService", "serviceEndpoint": ORIGIN} for s in SERVICES]})
        if url.path == "/_seen":
            with lock:
                return self.send_json(200, {"seen": list(seen)})
        if url.path == "/_state":
            with lock:
                state.update(json.loads(body))
            return self.send_json(200, {})
        if url.path == "/_reset":
            with lock:
                seen.clear()
            return self.send_json(200, {})
        if not url.path.startswith("/xrpc/"):
            return self.send_json(404, {"error": "NotFound", "message": "not found"})
        nsid = url.path[len("/xrpc/"):]
        record = {"nsid": nsid, "method": method, "query": url.query,
                  "contentType": self.headers.get("content-type"),
                  "acceptLanguage": self.headers.get("accept-language"),
                  "labelers": self.headers.get("atproto-accept-labelers"),
                  "bodySha256": hashlib.sha256(body).hexdigest(), "bodyLength": len(body)}
        try:
            payload = verify(self.headers.get("authorization"), nsid)
            record.update({"verified": True, "iss": payload.iss, "aud": payload.aud, "exp": payload.exp,
                           "iat": payload.iat, "jti": payload.jti})
        except Exception as e:  # noqa: BLE001 - every refusal is reported the same way
            record.update({"verified": False, "why": f"{type(e).__name__}: {e}"})
            with lock:
                seen.append(record)
            return self.send_json(401, {"error": "AuthenticationRequired", "message": f"bad service auth: {e}"})
        with lock:
            seen.append(record)
            current = json.loads(json.dumps(state))
        self.answer(nsid, method, params, body, payload, current)

    def answer(self, nsid, method, params, body, payload, current):
        rev = {"atproto-repo-rev": current["rev"]} if current["rev"] else {}
        posts = current["posts"]
        if nsid == "app.bsky.feed.getTimeline":
            return self.send_json(200, {"feed": [{"post": p} for p in posts], "cursor": "c1"}, rev)
        if nsid == "app.bsky.feed.getAuthorFeed":
            mine = [{"post": p} for p in posts if p["author"]["did"] == params.get("actor")]
            return self.send_json(200, {"feed": mine}, rev)
        if nsid == "app.bsky.feed.getPostThread":
            for p in posts:
                if p["uri"] == params.get("uri"):
                    return self.send_json(200, {"thread": {"$type": "app.bsky.feed.defs#threadViewPost",
                                                           "post": p, "replies": []}}, rev)
            return self.send_json(400, {"error": "NotFound", "message": f"Post not found: {params.get('uri')}"}, rev)
        if nsid in ("app.bsky.actor.getProfile", "app.bsky.actor.getProfiles"):
            profile = current["profile"] or author_view(payload.iss, "unknown.test")
            if nsid == "app.bsky.actor.getProfile":
                return self.send_json(200, profile, rev)
            return self.send_json(200, {"profiles": [profile]}, rev)
        if nsid == "chat.bsky.convo.listConvos":
            return self.send_json(200, {"convos": []})
        if nsid == "com.atproto.moderation.createReport":
            report = json.loads(body)
            return self.send_json(200, {"id": 1, "reasonType": report["reasonType"], "subject": report["subject"],
                                        "reportedBy": payload.iss, "createdAt": "2026-01-01T00:00:00.000Z"})
        if nsid == "com.example.test.echo":
            self.send_response(200)
            self.send_header("content-type", self.headers.get("content-type") or "application/octet-stream")
            self.send_header("content-length", str(len(body)))
            self.send_header("x-not-forwarded", "1")
            self.end_headers()
            return self.wfile.write(body)
        if nsid == "com.example.test.status":
            code = int(params.get("code", "500"))
            return self.send_json(code, {"error": params.get("error", "UpstreamSaid"), "message": f"status {code} as asked"})
        if nsid == "com.example.test.slow":
            time.sleep(float(params.get("seconds", "5")))
            return self.send_json(200, {"slept": True})
        if nsid == "com.example.test.big":
            size = int(params.get("bytes", "1024"))
            self.send_response(200)
            self.send_header("content-type", "application/octet-stream")
            self.send_header("content-length", str(size))
            self.end_headers()
            chunk = b"x" * 65536
            left = size
            try:
                while left > 0:
                    self.wfile.write(chunk[:min(left, len(chunk))])
                    left -= min(left, len(chunk))
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        return self.send_json(501, {"error": "MethodNotImplemented", "message": f"test AppView has no {nsid}"})


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
server.daemon_threads = True
print(f"test AppView {OWN_DID} on {ORIGIN}", flush=True)
server.serve_forever()
