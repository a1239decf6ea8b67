"""A small atproto OAuth client (PAR + PKCE + DPoP, ES256), written from the specs with the
`cryptography` package, for the end-to-end and browser tests. It is deliberately independent
of PDSwift's code: keys, proofs, PKCE and client assertions are all made here.
"""
import base64
import hashlib
import json
import os
import re
import secrets
import time
import urllib.parse

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Key:
    """An ES256 key: DPoP proofs and client assertions."""

    def __init__(self, kid=None):
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.kid = kid

    def jwk(self):
        n = self.private.public_key().public_numbers()
        key = {"kty": "EC", "crv": "P-256", "x": b64u(n.x.to_bytes(32, "big")), "y": b64u(n.y.to_bytes(32, "big"))}
        if self.kid:
            key["kid"] = self.kid
        return key

    def sign(self, header: dict, payload: dict) -> str:
        signing_input = b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(payload).encode())
        der = self.private.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return signing_input + "." + b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def pkce():
    verifier = b64u(secrets.token_bytes(32))
    return verifier, b64u(hashlib.sha256(verifier.encode()).digest())


class OAuthClient:
    """One client instance: its id, redirect URI, DPoP key, and the server's last nonce."""

    def __init__(self, server_metadata: dict, client_id: str, redirect_uri: str, dpop_key=None, client_key=None):
        self.meta = server_metadata
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.dpop = dpop_key or Key()
        self.client_key = client_key  # private_key_jwt clients only
        self.nonce = None
        self.http = requests.Session()

    def proof(self, method, url, access_token=None, nonce="use", jti=None, iat=None, htu=None, key=None, typ="dpop+jwt"):
        payload = {"jti": jti or secrets.token_hex(12), "htm": method, "htu": htu or url.split("?")[0],
                   "iat": int(time.time()) if iat is None else iat}
        if nonce == "use" and self.nonce:
            payload["nonce"] = self.nonce
        elif nonce not in ("use", None):
            payload["nonce"] = nonce
        if access_token is not None:
            payload["ath"] = b64u(hashlib.sha256(access_token.encode()).digest())
        k = key or self.dpop
        return k.sign({"typ": typ, "alg": "ES256", "jwk": k.jwk()}, payload)

    def assertion(self):
        now = int(time.time())
        return self.client_key.sign({"alg": "ES256", "kid": self.client_key.kid},
                                    {"iss": self.client_id, "sub": self.client_id, "aud": self.meta["issuer"],
                                     "jti": secrets.token_hex(12), "iat": now, "exp": now + 60})

    def post(self, endpoint, form, proof=True, retry=True, **proof_args):
        """POST a form to an AS endpoint with a DPoP proof, retrying once on use_dpop_nonce."""
        url = self.meta[endpoint]
        body = dict(form)
        if self.client_key is not None and "client_assertion" not in body:
            body["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            body["client_assertion"] = self.assertion()
        headers = {"DPoP": self.proof("POST", url, **proof_args)} if proof else {}
        r = self.http.post(url, data=body, headers=headers)
        if "DPoP-Nonce" in r.headers:
            self.nonce = r.headers["DPoP-Nonce"]
        if retry and proof and r.status_code in (400, 401) and r.json().get("error") == "use_dpop_nonce":
            return self.post(endpoint, form, proof, False, **proof_args)
        return r

    def par(self, scope="atproto transition:generic", login_hint=None, state=None, **extra):
        verifier, challenge = pkce()
        form = {"client_id": self.client_id, "response_type": "code", "code_challenge": challenge,
                "code_challenge_method": "S256", "redirect_uri": self.redirect_uri, "scope": scope,
                "state": secrets.token_hex(8) if state is None else state}
        if login_hint:
            form["login_hint"] = login_hint
        form.update(extra)
        form = {k: v for k, v in form.items() if v is not None}
        r = self.post("pushed_authorization_request_endpoint", form)
        return r, verifier, form.get("state")

    def authorize_url(self, request_uri):
        return self.meta["authorization_endpoint"] + "?" + urllib.parse.urlencode(
            {"client_id": self.client_id, "request_uri": request_uri})

    def token(self, code, verifier, **overrides):
        form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                "redirect_uri": self.redirect_uri, "client_id": self.client_id}
        form.update(overrides)
        return self.post("token_endpoint", form)

    def refresh(self, refresh_token, **proof_args):
        return self.post("token_endpoint", {"grant_type": "refresh_token", "refresh_token": refresh_token,
                                            "client_id": self.client_id}, **proof_args)

    def xrpc(self, base, method, nsid, access_token, params=None, body=None, content_type=None, scheme="DPoP",
             dpop="auto", retry=True):
        """An XRPC call with the DPoP-bound token (a fresh proof unless `dpop` gives one, or None
        for none), retrying once on use_dpop_nonce."""
        url = f"{base}/xrpc/{nsid}"
        headers = {"Authorization": f"{scheme} {access_token}"}
        if dpop == "auto":
            headers["DPoP"] = self.proof(method, url, access_token=access_token)
        elif dpop is not None:
            headers["DPoP"] = dpop
        if content_type:
            headers["Content-Type"] = content_type
        if isinstance(body, (dict, list)):
            r = self.http.request(method, url, params=params, json=body, headers=headers)
        else:
            r = self.http.request(method, url, params=params, data=body, headers=headers)
        if "DPoP-Nonce" in r.headers:
            self.nonce = r.headers["DPoP-Nonce"]
        if retry and dpop == "auto" and r.status_code == 401 and 'error="use_dpop_nonce"' in r.headers.get("WWW-Authenticate", ""):
            return self.xrpc(base, method, nsid, access_token, params, body, content_type, scheme, dpop, False)
        return r


def form_fields(html):
    """The hidden inputs of the page's form (csrf and the rest), as a browser would post them."""
    return {m.group(1): m.group(2).replace("&amp;", "&").replace("&quot;", '"')
            for m in re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)}


def sign_in_without_browser(session: requests.Session, authorize_url, identifier, password, allow=True):
    """Drives the authorize pages with plain HTTP (the browser test does it with chromium):
    answers the final redirect's Location and the pages seen on the way."""
    seen = []
    r = session.get(authorize_url, allow_redirects=False)
    seen.append(r)
    if r.status_code == 303:
        return r.headers["Location"], seen
    action = authorize_url.split("?")[0]
    if 'name="password"' in r.text:
        fields = form_fields(r.text)
        fields.update({"identifier": identifier, "password": password})
        r = session.post(action, data=fields, allow_redirects=False)
        seen.append(r)
        if r.status_code == 303:
            return r.headers["Location"], seen
    if 'value="true"' not in r.text:
        return None, seen
    fields = form_fields(r.text)
    fields["allow"] = "true" if allow else "false"
    r = session.post(action, data=fields, allow_redirects=False)
    seen.append(r)
    return r.headers.get("Location"), seen


def query_of(location):
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(location).query).items()}
