"""The service proxy end to end: the Python atproto SDK against a running PDSwift whose
AppView (and report service) is test_appview.py, which verifies every service-auth JWT.

usage: proxy_end_to_end.py PDS_URL APPVIEW_PORT
The PDS runs with PDS_PROXY_HEADERS_TIMEOUT=2000 and PDS_PROXY_MAX_RESPONSE_SIZE=1048576.
Prints one line per step; exits non-zero at the first failure; ends with ALL OK.
"""
import hashlib
import os
import sys
import time

import httpx
from atproto import Client, models

base = sys.argv[1]
port = int(sys.argv[2])
appview = f"http://127.0.0.1:{port}"
appview_did = f"did:web:localhost%3A{port}"
http = httpx.Client(timeout=30)


def check(cond, what):
    if not cond:
        print(f"FAIL {what}")
        sys.exit(1)
    print(f"ok {what}")


def seen():
    return http.get(f"{appview}/_seen").json()["seen"]


def last_seen(nsid):
    calls = [s for s in seen() if s["nsid"] == nsid]
    return calls[-1] if calls else None


def xrpc(method, nsid, token, proxy=None, params=None, content=None, headers=None):
    h = {"authorization": f"Bearer {token}"}
    if proxy:
        h["atproto-proxy"] = proxy
    h.update(headers or {})
    return http.request(method, f"{base}/xrpc/{nsid}", params=params, content=content, headers=h)


c = Client(base_url=base)
c.com.atproto.server.create_account(models.ComAtprotoServerCreateAccount.Data(
    handle="alice.test", email="alice@example.com", password="alice-pw"))
c.login("alice.test", "alice-pw", fetch_bsky_profile=False)
did = c._session.did
token = c._session.access_jwt



def send_post(text):
    # The SDK's send_post needs the AppView profile fetched at login; create the record directly.
    from datetime import datetime, timezone
    return c.com.atproto.repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
        repo=did, collection="app.bsky.feed.post",
        record={"$type": "app.bsky.feed.post", "text": text,
                "createdAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}))


# The AppView has indexed the first post: it reports that post and the rev after it.
first = send_post("first post, indexed by the AppView")
rev = c.com.atproto.sync.get_latest_commit({"did": did}).rev
first_view = {"uri": first.uri, "cid": first.cid, "author": {"did": did, "handle": "alice.test"},
              "record": c.com.atproto.repo.get_record({"repo": did, "collection": "app.bsky.feed.post",
                                                       "rkey": first.uri.split("/")[-1]}).value.model_dump(by_alias=True, exclude_none=True),
              "indexedAt": "2026-01-01T00:00:00.000Z"}
first_view["record"]["$type"] = "app.bsky.feed.post"
http.post(f"{appview}/_state", json={"rev": rev, "posts": [first_view],
                                     "profile": {"did": did, "handle": "alice.test", "displayName": "Old Name"}})

# Written after the AppView's rev: a profile and a post it has not seen.
c.com.atproto.repo.put_record(models.ComAtprotoRepoPutRecord.Data(
    repo=did, collection="app.bsky.actor.profile", rkey="self",
    record={"$type": "app.bsky.actor.profile", "displayName": "New Name", "description": "written just now"}))
fresh = send_post("fresh post, not yet indexed")

# --- The SDK's own calls, default route to the AppView ---
timeline = c.get_timeline()
check(len(timeline.feed) == 2 and timeline.feed[0].post.uri == fresh.uri and timeline.feed[1].post.uri == first.uri,
      "getTimeline: own new post merged on top (read-after-write)")
call = last_seen("app.bsky.feed.getTimeline")
check(call and call["verified"] and call["iss"] == did and call["aud"] == appview_did,
      "getTimeline: the AppView verified the service auth (iss = user, aud = PDS_BSKY_APP_VIEW_DID, lxm, exp, jti)")
check(call["exp"] - time.time() <= 61, "service auth expires within 60 s")

profile = c.get_profile(did)
check(profile.display_name == "New Name" and profile.description == "written just now",
      "getProfile: profile fields from the new record")
profiles = c.app.bsky.actor.get_profiles({"actors": [did]})
check(profiles.profiles[0].display_name == "New Name", "getProfiles: merged")

author = c.get_author_feed(did)
check(author.feed[0].post.uri == fresh.uri and author.feed[0].post.author.display_name == "New Name",
      "getAuthorFeed: new post on top, own profile updated")

thread = c.app.bsky.feed.get_post_thread({"uri": fresh.uri})
check(thread.thread.post.uri == fresh.uri and thread.thread.post.record.text == "fresh post, not yet indexed",
      "getPostThread: own post the AppView answers NotFound for is served from the local record")
thread_old = c.app.bsky.feed.get_post_thread({"uri": first.uri})
check(thread_old.thread.post.uri == first.uri, "getPostThread: indexed post passes through")

raw = xrpc("GET", "app.bsky.feed.getTimeline", token)
check(raw.status_code == 200 and int(raw.headers.get("atproto-upstream-lag", "-1")) >= 0
      and raw.headers.get("atproto-repo-rev") == rev, "Atproto-Upstream-Lag set, Atproto-Repo-Rev passed through")
c.get_timeline()  # the same call twice: a fresh jti each time, or the AppView would refuse
check(all(s["verified"] for s in seen()), "every call the AppView saw carried valid service auth (no jti replayed)")

# --- The atproto-proxy header ---
r = xrpc("GET", "app.bsky.feed.getTimeline", token, proxy=f"{appview_did}#bsky_appview",
         headers={"accept-language": "fr", "atproto-accept-labelers": "did:plc:labeler"})
call = last_seen("app.bsky.feed.getTimeline")
check(r.status_code == 200 and call["aud"] == f"{appview_did}#bsky_appview",
      "header route: aud carries the #fragment")
check(call["acceptLanguage"] == "fr" and call["labelers"] == "did:plc:labeler", "accept-language and labelers forwarded")

blob = os.urandom(300_000)
r = xrpc("POST", "com.example.test.echo", token, proxy=f"{appview_did}#other_svc", content=blob,
         headers={"content-type": "application/octet-stream"})
check(r.status_code == 200 and r.content == blob and hashlib.sha256(blob).hexdigest() == last_seen("com.example.test.echo")["bodySha256"],
      "POST: 300 kB binary body intact both ways")
check("x-not-forwarded" not in r.headers, "upstream headers outside the list are dropped")
check("authorization" not in {k.lower() for k in r.headers}, "no authorization header in the answer")

r = xrpc("GET", "com.example.test.status", token, proxy=f"{appview_did}#other_svc", params={"code": "418", "error": "Teapot"})
check(r.status_code == 418 and r.json()["error"] == "Teapot", "upstream 4xx passed through with its XRPC error")
r = xrpc("GET", "com.example.test.status", token, proxy=f"{appview_did}#other_svc", params={"code": "503", "error": "Busy"})
check(r.status_code == 503 and r.json()["error"] == "Busy", "upstream 5xx passed through")

started = time.monotonic()
r = xrpc("GET", "com.example.test.slow", token, proxy=f"{appview_did}#other_svc", params={"seconds": "6"})
elapsed = time.monotonic() - started
check(r.status_code == 504 and r.json()["error"] == "UpstreamTimeout" and elapsed < 4.5,
      f"slow upstream: 504 UpstreamTimeout after {elapsed:.1f} s (headers timeout 2 s)")

r = xrpc("GET", "com.example.test.big", token, proxy=f"{appview_did}#other_svc", params={"bytes": "2000000"})
check(r.status_code == 502 and r.json()["error"] == "UpstreamFailure", "answer over PDS_PROXY_MAX_RESPONSE_SIZE refused (502)")
r = xrpc("GET", "com.example.test.big", token, proxy=f"{appview_did}#other_svc", params={"bytes": "900000"})
check(r.status_code == 200 and len(r.content) == 900_000, "answer under the limit streamed whole")

for header, fragment in [("no-hash-here", "no service id"), ("#bsky_appview", "no DID"),
                         (f"{appview_did}#", "no service id"), ("did:plc:aaaaaaaaaaaaaaaaaaaaaaaa#bsky_appview", "could not resolve"),
                         (f"{appview_did}#nope", "#nope"), ("not a did#x", "")]:
    r = xrpc("GET", "app.bsky.feed.getTimeline", token, proxy=header)
    check(r.status_code == 400 and r.json()["error"] == "InvalidRequest" and fragment in r.json()["message"],
          f"bad atproto-proxy {header!r}: 400 InvalidRequest ({r.json()['message']})")

before = len(seen())
r = xrpc("GET", "com.atproto.server.getSession", token, proxy=f"{appview_did}#bsky_appview")
check(r.status_code == 200 and r.json()["did"] == did and len(seen()) == before,
      "the PDS's own methods are never proxied, header or not")
r = xrpc("GET", "com.example.unknown.method", token)
check(r.status_code == 501 and r.json()["error"] == "MethodNotImplemented", "unknown NSID without header: 501")
r = xrpc("GET", "chat.bsky.convo.listConvos", token)
check(r.status_code == 501, "chat.bsky.* without the header: 501")
r = http.get(f"{base}/xrpc/app.bsky.feed.getTimeline")
check(r.status_code == 401 and r.json()["error"] == "AuthenticationRequired", "unauthenticated proxied call: 401")

# --- Scopes ---
r = xrpc("GET", "chat.bsky.convo.listConvos", token, proxy=f"{appview_did}#bsky_chat")
check(r.status_code == 200 and last_seen("chat.bsky.convo.listConvos")["aud"] == f"{appview_did}#bsky_chat",
      "chat through the header with a full session")
plain = c.com.atproto.server.create_app_password(models.ComAtprotoServerCreateAppPassword.Data(name="plain"))
priv = c.com.atproto.server.create_app_password(models.ComAtprotoServerCreateAppPassword.Data(name="priv", privileged=True))
bot = Client(base_url=base)
bot.login("alice.test", plain.password, fetch_bsky_profile=False)
r = xrpc("GET", "chat.bsky.convo.listConvos", bot._session.access_jwt, proxy=f"{appview_did}#bsky_chat")
check(r.status_code == 400 and r.json()["error"] == "InvalidToken", "app-password session refused chat")
check(bot.get_timeline().feed[0].post.uri == fresh.uri, "app-password session reaches the AppView")
pbot = Client(base_url=base)
pbot.login("alice.test", priv.password, fetch_bsky_profile=False)
r = xrpc("GET", "chat.bsky.convo.listConvos", pbot._session.access_jwt, proxy=f"{appview_did}#bsky_chat")
check(r.status_code == 200, "privileged app password reaches chat")

for lxm in ["com.atproto.server.createAppPassword", "com.atproto.identity.signPlcOperation", "com.atproto.server.updateEmail"]:
    r = xrpc("GET", "com.atproto.server.getServiceAuth", bot._session.access_jwt, params={"aud": appview_did, "lxm": lxm})
    check(r.status_code == 400, f"getServiceAuth refuses protected lxm {lxm} for an app password ({r.json()['message']})")
r = xrpc("GET", "com.atproto.server.getServiceAuth", bot._session.access_jwt, params={"aud": appview_did, "lxm": "chat.bsky.convo.listConvos"})
check(r.status_code == 400, "getServiceAuth refuses a chat lxm for a plain app password")
r = xrpc("GET", "com.atproto.server.getServiceAuth", token, params={"aud": appview_did, "lxm": "com.atproto.server.updateEmail"})
check(r.status_code == 400 and "protected" in r.json()["message"], "getServiceAuth refuses a protected lxm for a full session too")
r = xrpc("GET", "com.atproto.server.getServiceAuth", bot._session.access_jwt,
         params={"aud": appview_did, "exp": str(int(time.time()) + 600)})
check(r.status_code == 400 and r.json()["error"] == "BadExpiration", "a method-less token is at most 60 s long")
r = xrpc("GET", "com.atproto.server.getServiceAuth", token, params={"aud": appview_did, "lxm": "app.bsky.feed.getTimeline"})
check(r.status_code == 200 and r.json()["token"].count(".") == 2, "getServiceAuth for a normal lxm")

# --- Reports go to the report service ---
report = c.com.atproto.moderation.create_report(models.ComAtprotoModerationCreateReport.Data(
    reason_type="com.atproto.moderation.defs#reasonSpam",
    subject=models.ComAtprotoAdminDefs.RepoRef(did=did)))
call = last_seen("com.atproto.moderation.createReport")
check(report.reported_by == did and call["verified"] and call["aud"] == appview_did, "createReport to PDS_REPORT_SERVICE_URL with service auth")

metrics = http.get(f"{base}/metrics").text
check("pds_proxy_requests_total" in metrics and "pds_proxy_upstream_duration_seconds" in metrics, "proxy metrics on /metrics")
print("ALL OK")
