"""Prepares the OAuth benchmark's inputs against a running PDS (Benchmarks/oauth/bench-oauth.sh):

    prepare.py session BASE DIR         an account, a legacy Bearer token and an OAuth (DPoP) session
    prepare.py proofs BASE DIR N        N single-use DPoP proofs for GET getPreferences (one per line)
    prepare.py codes BASE DIR N         N authorization codes and their token requests (proof TAB form body)

DPoP proofs are single use, so wrk sends pre-made ones: the client's signing cost stays out of
the server's figure. The DPoP key is kept in DIR/key.pem between steps.
"""
import json
import multiprocessing
import os
import sys
import time
import urllib.parse

import requests
from cryptography.hazmat.primitives import serialization

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../Tests/Interop"))
from oauth_client import Key, OAuthClient, pkce, query_of, sign_in_without_browser  # noqa: E402

REDIRECT = "http://127.0.0.1:50999/callback"
CLIENT_ID = "http://localhost?" + urllib.parse.urlencode([("redirect_uri", REDIRECT), ("scope", "atproto transition:generic")])


def load(base, d):
    meta = requests.get(f"{base}/.well-known/oauth-authorization-server").json()
    key = Key()
    with open(os.path.join(d, "key.pem"), "rb") as f:
        key.private = serialization.load_pem_private_key(f.read(), None)
    client = OAuthClient(meta, CLIENT_ID, REDIRECT, dpop_key=key)
    state = json.load(open(os.path.join(d, "state.json")))
    client.nonce = state["nonce"]
    return client, state


def session(base, d):
    r = requests.post(f"{base}/xrpc/com.atproto.server.createAccount",
                      json={"handle": "oauthbench.test", "password": "bench-password", "email": "oauthbench@example.com"})
    r.raise_for_status()
    bearer = r.json()["accessJwt"]
    meta = requests.get(f"{base}/.well-known/oauth-authorization-server").json()
    client = OAuthClient(meta, CLIENT_ID, REDIRECT)
    r, verifier, _ = client.par()
    browser = requests.Session()
    location, _ = sign_in_without_browser(browser, client.authorize_url(r.json()["request_uri"]), "oauthbench.test", "bench-password")
    tokens = client.token(query_of(location)["code"], verifier).json()
    with open(os.path.join(d, "key.pem"), "wb") as f:
        f.write(client.dpop.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    json.dump({"bearer": bearer, "access": tokens["access_token"], "nonce": client.nonce,
               "device": browser.cookies.get("pds-device")}, open(os.path.join(d, "state.json"), "w"))


def _proofs(args):
    base, d, count, url = args
    client, state = load(base, d)
    return [client.proof("GET", url, access_token=state["access"]) for _ in range(count)]


def proofs(base, d, n):
    url = f"{base}/xrpc/app.bsky.actor.getPreferences"
    with multiprocessing.Pool(2) as pool:
        parts = pool.map(_proofs, [(base, d, n // 2, url)] * 2)
    with open(os.path.join(d, "proofs.txt"), "w") as f:
        for part in parts:
            f.write("\n".join(part) + "\n")


def codes(base, d, n):
    client, state = load(base, d)
    browser = requests.Session()
    browser.cookies.set("pds-device", state["device"], path="/oauth")
    lines = []
    started = time.time()
    for _ in range(n):
        r, verifier, _ = client.par()
        r2 = browser.get(client.authorize_url(r.json()["request_uri"]), allow_redirects=False)
        code = query_of(r2.headers["Location"])["code"]
        body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                       "redirect_uri": REDIRECT, "client_id": CLIENT_ID})
        lines.append(body)
    took = time.time() - started
    token_url = client.meta["token_endpoint"]
    with open(os.path.join(d, "codes.txt"), "w") as f:
        for body in lines:
            f.write(client.proof("POST", token_url) + "\t" + body + "\n")
    print(f"{n} codes (PAR + authorize with a remembered sign-in) in {took:.1f} s: {n / took:.0f} codes/s", file=sys.stderr)


if __name__ == "__main__":
    mode, base, d = sys.argv[1], sys.argv[2], sys.argv[3]
    {"session": lambda: session(base, d), "proofs": lambda: proofs(base, d, int(sys.argv[4])),
     "codes": lambda: codes(base, d, int(sys.argv[4]))}[mode]()
