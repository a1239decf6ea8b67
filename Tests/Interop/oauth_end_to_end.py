"""OAuth against a running PDSwift, from outside, as an app would do it.

    oauth_end_to_end.py flow BASE DATA_DIR STATE_FILE   every bad input, then a full sign-in
    oauth_end_to_end.py browser BASE                     the sign-in and consent pages in chromium

BASE is the PDS URL; DATA_DIR holds its secrets.env (the admin password). Prints "ALL OK".
"""
import base64
import http.server
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse

import requests

from oauth_client import Key, OAuthClient, form_fields, pkce, query_of, sign_in_without_browser

failures = []


def check(condition, what, detail=""):
    if condition:
        print("ok  ", what)
    else:
        print("FAIL", what, detail)
        failures.append(what)


def error_of(r):
    try:
        return r.json().get("error")
    except Exception:
        return None


def loopback_client(meta, port, scope="atproto transition:generic", key=None):
    redirect = f"http://127.0.0.1:{port}/callback"
    client_id = "http://localhost?" + urllib.parse.urlencode([("redirect_uri", redirect), ("scope", scope)])
    return OAuthClient(meta, client_id, redirect, dpop_key=key)


def create_account(base, handle, password):
    r = requests.post(f"{base}/xrpc/com.atproto.server.createAccount",
                      json={"handle": handle, "password": password, "email": f"{handle.split('.')[0]}@example.com"})
    r.raise_for_status()
    return r.json()["did"]


class LoopbackServer:
    """A plain HTTP server on a loopback port answering GET with `answer(path)` ->
    (status, content type, body); it runs on a thread for the test's lifetime."""

    def __init__(self, answer):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status, content_type, body = answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class MetadataServer(LoopbackServer):
    """Serves client metadata documents (the PDS runs in dev mode, where private hosts may be
    fetched over plain http)."""

    def __init__(self):
        self.documents = {}
        super().__init__(lambda path: (200, "application/json", self.documents[path]) if path in self.documents
                         else (404, "text/plain", b""))

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def full_sign_in(client, identifier, password, scope=None, login_hint=None):
    """PAR, the pages over plain HTTP, and the code: answers (code, verifier, location)."""
    r, verifier, state = client.par(scope=scope or "atproto transition:generic", login_hint=login_hint)
    assert r.status_code == 201, r.text
    location, _ = sign_in_without_browser(requests.Session(), client.authorize_url(r.json()["request_uri"]), identifier, password)
    q = query_of(location)
    assert q.get("state") == state, location
    return q.get("code"), verifier, location


def flow(base, data_dir, state_file):
    meta = requests.get(f"{base}/.well-known/oauth-authorization-server").json()
    resource = requests.get(f"{base}/.well-known/oauth-protected-resource").json()
    issuer = meta["issuer"]
    check(resource["authorization_servers"] == [issuer] and resource["resource"] == issuer, "protected resource names the issuer")
    for field, value in [("require_pushed_authorization_requests", True), ("response_types_supported", ["code"]),
                         ("code_challenge_methods_supported", ["S256"]), ("dpop_signing_alg_values_supported", ["ES256"]),
                         ("authorization_response_iss_parameter_supported", True), ("client_id_metadata_document_supported", True)]:
        check(meta.get(field) == value, f"metadata {field}", meta.get(field))
    check(set(meta["token_endpoint_auth_methods_supported"]) == {"none", "private_key_jwt"}, "metadata auth methods")
    check(set(meta["grant_types_supported"]) == {"authorization_code", "refresh_token"}, "metadata grant types")
    for field in ["pushed_authorization_request_endpoint", "authorization_endpoint", "token_endpoint", "revocation_endpoint", "scopes_supported"]:
        check(field in meta, f"metadata has {field}")

    did = create_account(base, "oauthuser.test", "oauth-pw-1")
    client = loopback_client(meta, 50001)

    # --- PAR: DPoP ---
    r = requests.post(meta["pushed_authorization_request_endpoint"], data={"client_id": client.client_id})
    check(r.status_code == 400 and error_of(r) == "invalid_dpop_proof", "PAR without DPoP refused", r.text)
    fresh = loopback_client(meta, 50001)
    url = meta["pushed_authorization_request_endpoint"]
    r = requests.post(url, data={"client_id": fresh.client_id}, headers={"DPoP": fresh.proof("POST", url, nonce=None)})
    check(r.status_code == 400 and error_of(r) == "use_dpop_nonce" and r.headers.get("DPoP-Nonce"), "PAR without nonce: use_dpop_nonce and a nonce", r.text)
    nonce = r.headers.get("DPoP-Nonce")
    fresh.nonce = nonce
    r = requests.post(url, data={"client_id": fresh.client_id}, headers={"DPoP": fresh.proof("POST", url, htu=issuer + "/oauth/token")})
    check(error_of(r) == "invalid_dpop_proof", "PAR with wrong htu refused", r.text)
    r = requests.post(url, data={"client_id": fresh.client_id}, headers={"DPoP": fresh.proof("GET", url)})
    check(error_of(r) == "invalid_dpop_proof", "PAR with wrong htm refused", r.text)
    r = requests.post(url, data={"client_id": fresh.client_id}, headers={"DPoP": fresh.proof("POST", url, iat=int(time.time()) - 600)})
    check(error_of(r) == "invalid_dpop_proof", "PAR with stale iat refused", r.text)
    r = requests.post(url, data={"client_id": fresh.client_id}, headers={"DPoP": fresh.proof("POST", url, typ="JWT")})
    check(error_of(r) == "invalid_dpop_proof", "PAR with wrong typ refused", r.text)
    replayed = fresh.proof("POST", url)
    requests.post(url, data={"client_id": fresh.client_id}, headers={"DPoP": replayed})
    r = requests.post(url, data={"client_id": fresh.client_id}, headers={"DPoP": replayed})
    check(error_of(r) == "invalid_dpop_proof" and "replay" in r.text, "PAR with a replayed jti refused", r.text)

    # --- PAR: parameters ---
    r, _, _ = client.par(code_challenge=None)
    check(r.status_code == 400 and error_of(r) == "invalid_request" and "code_challenge" in r.text, "PAR without PKCE refused", r.text)
    r, _, _ = client.par(code_challenge_method="plain")
    check(error_of(r) == "invalid_request", "PAR with PKCE plain refused", r.text)
    r, _, _ = client.par(redirect_uri="http://127.0.0.1:50001/elsewhere")
    check(error_of(r) == "invalid_request" and "redirect_uri" in r.text, "PAR redirect_uri mismatch refused", r.text)
    r, _, _ = client.par(scope="atproto transition:chat.bsky")
    check(error_of(r) == "invalid_scope", "PAR scope not declared refused", r.text)
    r, _, _ = client.par(scope="transition:generic")
    check(error_of(r) == "invalid_scope", "PAR scope without atproto refused", r.text)
    r, _, _ = client.par(state="")
    check(error_of(r) == "invalid_request", "PAR without state refused", r.text)
    r, _, _ = client.par(login_hint="not a handle!")
    check(error_of(r) == "invalid_request", "PAR with a bad login_hint refused", r.text)
    r, _, _ = client.par(login_hint="oauthuser.test")
    check(r.status_code == 201 and r.json()["request_uri"].startswith("urn:ietf:params:oauth:request_uri:") and r.json()["expires_in"] > 0,
          "PAR answers 201 request_uri, expires_in", r.text)

    # --- client metadata ---
    docs = MetadataServer()
    unreachable = OAuthClient(meta, "http://127.0.0.1:1/client-metadata.json", "https://app.example/cb")
    r, _, _ = unreachable.par()
    check(error_of(r) == "invalid_client_metadata", "client metadata unreachable refused", r.text)
    docs.documents["/big.json"] = b'{"client_id": "' + b"x" * 100_000 + b'"}'
    r, _, _ = OAuthClient(meta, docs.url("/big.json"), "https://app.example/cb").par()
    check(error_of(r) == "invalid_client_metadata" and "larger" in r.text, "oversized client metadata refused", r.text)
    docs.documents["/missing-dpop.json"] = json.dumps({"client_id": docs.url("/missing-dpop.json"), "redirect_uris": ["https://app.example/cb"],
                                                       "scope": "atproto", "grant_types": ["authorization_code"], "response_types": ["code"]}).encode()
    r, _, _ = OAuthClient(meta, docs.url("/missing-dpop.json"), "https://app.example/cb").par(scope="atproto")
    check(error_of(r) == "invalid_client_metadata" and "dpop" in r.text, "client metadata without dpop_bound_access_tokens refused", r.text)
    docs.documents["/wrong-id.json"] = json.dumps({"client_id": "https://other.example/client.json", "redirect_uris": ["https://app.example/cb"],
                                                   "scope": "atproto", "dpop_bound_access_tokens": True}).encode()
    r, _, _ = OAuthClient(meta, docs.url("/wrong-id.json"), "https://app.example/cb").par(scope="atproto")
    check(error_of(r) == "invalid_client_metadata", "client metadata with another client_id refused", r.text)

    # A confidential client: private_key_jwt with its key in the document.
    client_key = Key(kid="k1")
    conf_id = docs.url("/confidential.json")
    docs.documents["/confidential.json"] = json.dumps({
        "client_id": conf_id, "client_name": "Confidential Test App", "client_uri": "https://app.example",
        "redirect_uris": ["https://app.example/cb"], "scope": "atproto transition:generic",
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"], "application_type": "web",
        "token_endpoint_auth_method": "private_key_jwt", "token_endpoint_auth_signing_alg": "ES256",
        "dpop_bound_access_tokens": True, "jwks": {"keys": [client_key.jwk()]}}).encode()
    confidential = OAuthClient(meta, conf_id, "https://app.example/cb", client_key=client_key)
    r, _, _ = confidential.par(client_assertion="x.y.z", client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    check(error_of(r) == "invalid_client", "confidential client with a bad assertion refused", r.text)
    impostor = OAuthClient(meta, conf_id, "https://app.example/cb", client_key=Key(kid="k1"))
    r, _, _ = impostor.par()
    check(error_of(r) == "invalid_client", "confidential client signed by another key refused", r.text)
    code, verifier, _ = full_sign_in(confidential, "oauthuser.test", "oauth-pw-1")
    r = confidential.token(code, verifier)
    check(r.status_code == 200 and r.json().get("sub") == did, "confidential client gets tokens with private_key_jwt", r.text)
    conf_tokens = r.json()
    r = confidential.refresh(conf_tokens["refresh_token"])
    check(r.status_code == 200, "confidential client refreshes", r.text)

    # --- sign-in pages over HTTP ---
    r, verifier, state = client.par()
    s = requests.Session()
    page = s.get(client.authorize_url(r.json()["request_uri"]))
    check(page.status_code == 200 and "Handle or email" in page.text and "Sign in" in page.text, "authorize shows the sign-in form")
    csp = page.headers.get("Content-Security-Policy", "")
    check("frame-ancestors 'none'" in csp, "authorize page forbids framing (CSP)", csp)
    cookie = page.headers.get("Set-Cookie", "")
    check("HttpOnly" in cookie and "SameSite=Lax" in cookie, "device cookie is HttpOnly, SameSite=Lax", cookie)
    fields = form_fields(page.text)
    bad = dict(fields, identifier="oauthuser.test", password="wrong", csrf="forged")
    r = s.post(meta["authorization_endpoint"], data=bad, allow_redirects=False)
    check(r.status_code == 400 and "CSRF" in r.text, "a forged CSRF token is refused")
    r = requests.post(meta["authorization_endpoint"], data=dict(fields, identifier="oauthuser.test", password="oauth-pw-1"), allow_redirects=False)
    check(r.status_code == 400, "the form posted from another browser (no cookie) is refused")
    r = s.post(meta["authorization_endpoint"], data=dict(fields, identifier="oauthuser.test", password="wrong"), allow_redirects=False)
    check(r.status_code == 200 and "Wrong handle" in r.text and 'name="password"' in r.text, "a wrong password shows the form again")
    r = s.post(meta["authorization_endpoint"], data=dict(fields, identifier="oauthuser.test", password="oauth-pw-1"), allow_redirects=False)
    check(r.status_code == 200 and "Allow" in r.text and "Deny" in r.text and "@oauthuser.test" in r.text, "consent page after sign-in", r.text[:300])
    consent = form_fields(r.text)
    r = s.post(meta["authorization_endpoint"], data=dict(consent, allow="true"), allow_redirects=False)
    q = query_of(r.headers.get("Location", ""))
    check(r.status_code == 303 and q.get("code") and q.get("state") == state and q.get("iss") == issuer,
          "Allow redirects with code, state and iss", r.headers.get("Location"))
    code = q["code"]

    # --- token endpoint ---
    other = loopback_client(meta, 50001)
    r = other.token(code, verifier)
    check(error_of(r) == "invalid_grant", "code exchanged with another DPoP key refused", r.text)
    code, verifier, _ = full_sign_in(client, "oauthuser.test", "oauth-pw-1")
    r = client.token(code, pkce()[0])
    check(error_of(r) == "invalid_grant" and "code_verifier" in r.text, "code_verifier mismatch refused", r.text)
    code, verifier, _ = full_sign_in(client, "oauthuser.test", "oauth-pw-1")
    r = client.token(code, verifier, redirect_uri="http://127.0.0.1:50001/other")
    check(error_of(r) == "invalid_grant" and "redirect_uri" in r.text, "token redirect_uri mismatch refused", r.text)
    r = client.token("cod-" + "0" * 64, verifier)
    check(error_of(r) == "invalid_grant", "an unknown code refused", r.text)
    code, verifier, _ = full_sign_in(client, "oauthuser.test", "oauth-pw-1")
    r = client.token(code, verifier)
    tokens = r.json()
    check(r.status_code == 200 and tokens.get("token_type") == "DPoP" and tokens.get("sub") == did
          and tokens.get("scope") == "atproto transition:generic" and 0 < tokens.get("expires_in", 0) <= 3600 and tokens.get("refresh_token"),
          "code exchange answers DPoP tokens for the user's DID", r.text)
    access = tokens["access_token"]
    r = client.token(code, verifier)
    check(error_of(r) == "invalid_grant", "a code used twice is refused", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access)
    check(r.status_code == 401, "reusing a code revoked the session it made", r.text)

    # --- resource access with DPoP ---
    code, verifier, _ = full_sign_in(client, "oauthuser.test", "oauth-pw-1")
    tokens = client.token(code, verifier).json()
    access = tokens["access_token"]
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access)
    check(r.status_code == 200 and r.json().get("did") == did and "email" not in r.json(), "getSession with DPoP (no email without account:email)", r.text)
    r = client.xrpc(base, "POST", "com.atproto.repo.createRecord", access,
                    body={"repo": did, "collection": "app.bsky.feed.post",
                          "record": {"$type": "app.bsky.feed.post", "text": "hello from OAuth", "createdAt": "2026-12-07T00:00:00Z"}})
    check(r.status_code == 200 and r.json().get("uri", "").startswith(f"at://{did}/app.bsky.feed.post/"), "createRecord with DPoP", r.text)
    r = client.xrpc(base, "GET", "app.bsky.actor.getPreferences", access)
    check(r.status_code == 200, "getPreferences with DPoP", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access, scheme="Bearer", dpop=None)
    check(r.status_code == 401, "a DPoP-bound token used as Bearer refused", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access, dpop=None, retry=False)
    check(r.status_code == 401 and 'error="invalid_dpop_proof"' in r.headers.get("WWW-Authenticate", ""), "DPoP token without proof: 401 WWW-Authenticate", r.headers)
    session_url = f"{base}/xrpc/com.atproto.server.getSession"
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access, dpop=client.proof("GET", session_url, access_token=access, nonce=None), retry=False)
    check(r.status_code == 401 and 'use_dpop_nonce' in r.headers.get("WWW-Authenticate", "") and r.headers.get("DPoP-Nonce"),
          "proof without nonce: use_dpop_nonce with a DPoP-Nonce", r.headers)
    proof = client.proof("GET", session_url, access_token=access)
    first = client.xrpc(base, "GET", "com.atproto.server.getSession", access, dpop=proof, retry=False)
    second = client.xrpc(base, "GET", "com.atproto.server.getSession", access, dpop=proof, retry=False)
    check(first.status_code == 200 and second.status_code == 401, "a replayed proof (same jti) refused", second.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access, dpop=client.proof("GET", session_url), retry=False)
    check(r.status_code == 401 and "ath" in r.text, "a proof without ath refused", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access, dpop=client.proof("GET", session_url, access_token="other"), retry=False)
    check(r.status_code == 401, "a proof with the wrong ath refused", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access, dpop=client.proof("GET", session_url, access_token=access, key=Key()), retry=False)
    check(r.status_code == 401, "a proof by another key refused", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access, dpop=client.proof("POST", session_url, access_token=access), retry=False)
    check(r.status_code == 401, "a proof with the wrong htm refused", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access,
                    dpop=client.proof("GET", session_url, access_token=access, htu=f"{base}/xrpc/com.atproto.repo.createRecord"), retry=False)
    check(r.status_code == 401, "a proof with the wrong htu refused", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", access,
                    dpop=client.proof("GET", session_url, access_token=access, iat=int(time.time()) - 3600), retry=False)
    check(r.status_code == 401, "a proof with a stale iat refused", r.text)
    r = client.xrpc(base, "POST", "com.atproto.server.createAppPassword", access, body={"name": "x"})
    check(r.status_code == 403 and error_of(r) == "InsufficientScope", "OAuth cannot create app passwords (403)", r.text)

    # --- refresh rotation ---
    r = client.refresh(tokens["refresh_token"], key=Key())
    check(error_of(r) == "invalid_grant", "refresh with another DPoP key refused (and the session ended)", r.text)
    code, verifier, _ = full_sign_in(client, "oauthuser.test", "oauth-pw-1")
    tokens = client.token(code, verifier).json()
    r = client.refresh(tokens["refresh_token"])
    rotated = r.json()
    check(r.status_code == 200 and rotated["refresh_token"] != tokens["refresh_token"] and rotated["sub"] == did, "refresh rotates the refresh token", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", rotated["access_token"])
    check(r.status_code == 200, "the refreshed access token works")
    r = client.refresh(tokens["refresh_token"])
    check(error_of(r) == "invalid_grant", "an old refresh token is refused", r.text)
    r = client.refresh(rotated["refresh_token"])
    check(error_of(r) == "invalid_grant", "reusing an old refresh token revoked the whole session", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", rotated["access_token"])
    check(r.status_code == 401, "the revoked session's access token stops working", r.text)

    # --- granular scopes ---
    narrow_scope = "atproto repo:app.bsky.feed.like?action=create blob:image/*"
    narrow = loopback_client(meta, 50002, scope=narrow_scope)
    code, verifier, _ = full_sign_in(narrow, "oauthuser.test", "oauth-pw-1", scope=narrow_scope)
    nt = narrow.token(code, verifier).json()
    check(nt.get("scope") == narrow_scope, "narrow token carries its scope", nt)
    na = nt["access_token"]
    like = {"repo": did, "collection": "app.bsky.feed.like",
            "record": {"$type": "app.bsky.feed.like", "subject": {"uri": f"at://{did}/app.bsky.feed.post/3k", "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"}, "createdAt": "2026-12-07T00:00:00Z"}}
    r = narrow.xrpc(base, "POST", "com.atproto.repo.createRecord", na, body=like)
    check(r.status_code == 200, "repo:app.bsky.feed.like?action=create allows a like", r.text)
    rkey = r.json().get("uri", "/").rsplit("/", 1)[-1]
    r = narrow.xrpc(base, "POST", "com.atproto.repo.createRecord", na,
                    body={"repo": did, "collection": "app.bsky.feed.post", "record": {"$type": "app.bsky.feed.post", "text": "no", "createdAt": "2026-12-07T00:00:00Z"}})
    check(r.status_code == 403 and error_of(r) == "InsufficientScope", "a post outside the scope: 403 InsufficientScope", r.text)
    r = narrow.xrpc(base, "POST", "com.atproto.repo.deleteRecord", na, body={"repo": did, "collection": "app.bsky.feed.like", "rkey": rkey})
    check(r.status_code == 403, "delete not granted: 403", r.text)
    r = narrow.xrpc(base, "POST", "com.atproto.repo.applyWrites", na,
                    body={"repo": did, "writes": [{"$type": "com.atproto.repo.applyWrites#delete", "collection": "app.bsky.feed.like", "rkey": rkey}]})
    check(r.status_code == 403, "applyWrites checks each write's collection and action", r.text)
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    r = narrow.xrpc(base, "POST", "com.atproto.repo.uploadBlob", na, body=png, content_type="image/png")
    check(r.status_code == 200, "blob:image/* allows an image upload", r.text)
    r = narrow.xrpc(base, "POST", "com.atproto.repo.uploadBlob", na, body=b"text", content_type="text/plain")
    check(r.status_code == 403 and error_of(r) == "InsufficientScope", "blob of another MIME type: 403", r.text)
    r = narrow.xrpc(base, "GET", "app.bsky.actor.getPreferences", na)
    check(r.status_code == 403, "getPreferences needs an rpc scope (or transition:generic)", r.text)
    r = narrow.xrpc(base, "GET", "com.atproto.server.getServiceAuth", na, params={"aud": "did:web:api.bsky.app", "lxm": "app.bsky.feed.getTimeline"})
    check(r.status_code == 403, "getServiceAuth needs an rpc scope", r.text)
    r = narrow.xrpc(base, "POST", "com.atproto.identity.updateHandle", na, body={"handle": "renamed.test"})
    check(r.status_code == 403, "updateHandle needs identity:handle", r.text)

    # --- revocation ---
    code, verifier, _ = full_sign_in(client, "oauthuser.test", "oauth-pw-1")
    tokens = client.token(code, verifier).json()
    r = client.post("revocation_endpoint", {"token": tokens["refresh_token"], "client_id": client.client_id})
    check(r.status_code == 200, "revoke answers 200", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", tokens["access_token"])
    check(r.status_code == 401, "a revoked session's access token stops working", r.text)
    r = client.refresh(tokens["refresh_token"])
    check(error_of(r) == "invalid_grant", "a revoked session's refresh token is refused", r.text)

    # A live session for the admin commands, then a password change ends it.
    code, verifier, _ = full_sign_in(client, "oauthuser.test", "oauth-pw-1")
    tokens = client.token(code, verifier).json()
    with open(state_file, "w") as f:
        json.dump({"did": did, "client_id": client.client_id}, f)
    admin = None
    for line in open(os.path.join(data_dir, "secrets.env")):
        if line.startswith("PDS_ADMIN_PASSWORD="):
            admin = line.split("=", 1)[1].strip()
    listed = requests.get(f"{base}/xrpc/io.pdswift.admin.listOAuthSessions", params={"did": did}, auth=("admin", admin)).json()
    check(any(s["clientId"] == client.client_id for s in listed.get("sessions", [])), "admin lists the user's OAuth sessions", listed)
    r = requests.post(f"{base}/xrpc/com.atproto.admin.updateAccountPassword", json={"did": did, "password": "oauth-pw-2"}, auth=("admin", admin))
    check(r.status_code == 200, "admin changes the password", r.text)
    r = client.xrpc(base, "GET", "com.atproto.server.getSession", tokens["access_token"])
    check(r.status_code == 401, "a password change revokes OAuth sessions", r.text)
    requests.post(f"{base}/xrpc/com.atproto.admin.updateAccountPassword", json={"did": did, "password": "oauth-pw-1"}, auth=("admin", admin))
    code, verifier, _ = full_sign_in(client, "oauthuser.test", "oauth-pw-1")
    tokens = client.token(code, verifier).json()
    with open(state_file, "w") as f:
        json.dump({"did": did, "client_id": client.client_id, "access": tokens["access_token"]}, f)


class Catcher(LoopbackServer):
    """The loopback client's redirect target: records the query the browser arrives with."""

    def __init__(self):
        self.hits = []
        super().__init__(self.answer)

    def answer(self, path):
        if path.startswith("/callback"):
            self.hits.append(path)
        return 200, "text/html", b"<html><body>signed in</body></html>"

    def last_query(self):
        return query_of("http://x" + self.hits[-1]) if self.hits else {}


def browser(base):
    from playwright.sync_api import sync_playwright

    meta = requests.get(f"{base}/.well-known/oauth-authorization-server").json()
    handle = os.environ.get("PDSWIFT_BROWSER_HANDLE", "browseruser.test")
    did = create_account(base, handle, "browser-pw-1")
    catcher = Catcher()
    client = loopback_client(meta, catcher.port)
    chromium = os.environ.get("PDSWIFT_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = b.new_context().new_page()

        r, verifier, state = client.par(login_hint=handle)
        check(r.status_code == 201, "PAR for the browser", r.text)
        page.goto(client.authorize_url(r.json()["request_uri"]))
        check(page.get_by_label("Handle or email").input_value() == handle, "login_hint prefills the form")
        page.get_by_label("Handle or email").fill(handle)
        page.get_by_label("Password").fill("browser-pw-1")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Allow").wait_for()
        check("Read and write" in page.content(), "consent lists the permissions in plain words")
        page.get_by_role("button", name="Allow").click()
        page.wait_for_url(lambda u: u.startswith(f"http://127.0.0.1:{catcher.port}/callback"))
        q = catcher.last_query()
        check(q.get("code") and q.get("state") == state and q.get("iss") == meta["issuer"], "Allow: the browser lands on the redirect with code, state, iss", q)
        r = client.token(q["code"], verifier)
        tokens = r.json()
        check(r.status_code == 200 and tokens.get("sub") == did, "code exchanged for DPoP tokens", r.text)
        r = client.xrpc(base, "POST", "com.atproto.repo.createRecord", tokens["access_token"],
                        body={"repo": did, "collection": "app.bsky.feed.post",
                              "record": {"$type": "app.bsky.feed.post", "text": "posted via a browser sign-in", "createdAt": "2026-12-07T00:00:00Z"}})
        check(r.status_code == 200, "createRecord with the DPoP-bound token", r.text)
        uri = r.json().get("uri", "")
        listed = requests.get(f"{base}/xrpc/com.atproto.repo.listRecords", params={"repo": did, "collection": "app.bsky.feed.post"}).json()
        check(any(rec["uri"] == uri for rec in listed.get("records", [])), "the post is in the repo")
        r = client.refresh(tokens["refresh_token"])
        check(r.status_code == 200 and r.json()["refresh_token"] != tokens["refresh_token"], "refresh works", r.text)

        # The same client and scope again: the browser remembers the sign-in and the approval.
        r, verifier, state = client.par()
        before = len(catcher.hits)
        page.goto(client.authorize_url(r.json()["request_uri"]))
        page.wait_for_url(lambda u: u.startswith(f"http://127.0.0.1:{catcher.port}/callback"))
        check(len(catcher.hits) == before + 1 and catcher.last_query().get("code"), "an approved client skips consent")

        # A bigger scope: consent again; Deny.
        wider = loopback_client(meta, catcher.port, scope="atproto transition:generic transition:email", key=client.dpop)
        wider.nonce = client.nonce
        r, verifier, state = wider.par(scope="atproto transition:generic transition:email")
        page.goto(wider.authorize_url(r.json()["request_uri"]))
        page.get_by_role("button", name="Deny").wait_for()
        check("See your email address" in page.content(), "wider scope asks for consent again")
        page.get_by_role("button", name="Deny").click()
        page.wait_for_url(lambda u: u.startswith(f"http://127.0.0.1:{catcher.port}/callback"))
        q = catcher.last_query()
        check(q.get("error") == "access_denied" and q.get("state") == state and "code" not in q, "Deny: error=access_denied", q)
        b.close()

def replicas(base, other):
    """Two gateways of one PDS: a token works at both, a proof used at one is refused at the
    other (the jti cache is AuthService's), and a revocation at one is seen at the other at once
    (each gateway's remembered grants hold only until AuthService's revocation epoch moves)."""
    meta = requests.get(f"{base}/.well-known/oauth-authorization-server").json()
    did = create_account(base, "replicas.test", "replicas-pw-1")
    client = loopback_client(meta, 50002)
    code, verifier, _ = full_sign_in(client, "replicas.test", "replicas-pw-1")
    tokens = client.token(code, verifier).json()
    access = tokens["access_token"]
    for gateway in (base, other):
        for _ in range(3):
            r = client.xrpc(gateway, "GET", "com.atproto.server.getSession", access)
            check(r.status_code == 200 and r.json().get("did") == did, f"the token works at {gateway}", r.text)
    for first, second in ((base, other), (other, base)):
        # A proof for the second gateway's URL, used at the first gateway's Host first: both
        # accept it as far as htu goes (same path), so only the shared jti cache can refuse it.
        url = f"{second}/xrpc/com.atproto.server.getSession"
        proof = client.proof("GET", url, access_token=access)
        r = requests.get(f"{second}/xrpc/com.atproto.server.getSession",
                         headers={"Authorization": f"DPoP {access}", "DPoP": proof})
        check(r.status_code == 200, f"a fresh proof accepted at {second}", r.text)
        r = requests.get(f"{first}/xrpc/com.atproto.server.getSession",
                         headers={"Authorization": f"DPoP {access}", "DPoP": proof, "X-Forwarded-Host": second.split("//")[1]})
        check(r.status_code == 401 and "replay" in r.text, f"the same proof replayed at {first} refused", r.text)
    r = client.post("revocation_endpoint", {"token": tokens["refresh_token"], "client_id": client.client_id})
    check(r.status_code == 200, "revoke at the first gateway", r.text)
    for gateway in (other, base):
        r = client.xrpc(gateway, "GET", "com.atproto.server.getSession", access)
        check(r.status_code == 401, f"the revoked token refused at once at {gateway}", r.text)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "flow":
        flow(sys.argv[2], sys.argv[3], sys.argv[4])
    elif mode == "browser":
        browser(sys.argv[2])
    elif mode == "replicas":
        replicas(sys.argv[2], sys.argv[3])
    print("FAILED: " + ", ".join(failures) if failures else "ALL OK")
    sys.exit(1 if failures else 0)
