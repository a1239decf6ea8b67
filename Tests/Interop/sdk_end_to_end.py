"""End to end with the real Python atproto SDK against a running PDSwift.
usage: sdk_end_to_end.py BASE_URL
Prints one line per step; exits non-zero at the first failure.
"""
import sys
import threading

from atproto import Client, models
from atproto_client.exceptions import BadRequestError, UnauthorizedError, RequestException

base = sys.argv[1]


def check(cond, what):
    if not cond:
        print(f"FAIL {what}")
        sys.exit(1)
    print(f"ok {what}")


def new_client():
    return Client(base_url=base)


c = new_client()
# Account creation through the SDK's raw call, then login.
acct = c.com.atproto.server.create_account(models.ComAtprotoServerCreateAccount.Data(
    handle="carol.test", email="carol@example.com", password="correct horse"))
check(acct.did.startswith("did:plc:") and acct.handle == "carol.test", "createAccount")
c.login("carol.test", "correct horse", fetch_bsky_profile=False)
me = c.com.atproto.server.get_session()
check(me.did == acct.did and me.active, "login + getSession")

# Bad credentials and duplicate handles get the reference's errors.
try:
    new_client().login("carol.test", "wrong", fetch_bsky_profile=False)
    check(False, "wrong password refused")
except (UnauthorizedError, RequestException) as e:
    check("AuthenticationRequired" in str(e) or "401" in str(e), "wrong password refused")
try:
    new_client().com.atproto.server.create_account(models.ComAtprotoServerCreateAccount.Data(
        handle="carol.test", email="other@example.com", password="x"))
    check(False, "taken handle refused")
except BadRequestError as e:
    check("HandleNotAvailable" in str(e), "taken handle refused")

# Refresh: the SDK's own refresh path rotates the tokens.
old_refresh = c._session.refresh_jwt
c._refresh_and_set_session()
check(c._session.refresh_jwt != old_refresh and c.com.atproto.server.get_session().did == me.did, "refreshSession")

# App password: create, log in with it.
app = c.com.atproto.server.create_app_password(models.ComAtprotoServerCreateAppPassword.Data(name="bot"))
check(len(app.password) == 19, "createAppPassword")
bot = new_client()
bot.login("carol.test", app.password, fetch_bsky_profile=False)
check(bot.com.atproto.server.get_session().did == me.did, "login with app password")


def create(client, collection, record, rkey=None, swap_commit=None):
    return client.com.atproto.repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
        repo=me.did, collection=collection, record=record, rkey=rkey, swap_commit=swap_commit))


now = c.get_current_time_iso()
text = "Hello @carol.test, see https://atproto.com"
facets = [
    models.AppBskyRichtextFacet.Main(
        index=models.AppBskyRichtextFacet.ByteSlice(byte_start=6, byte_end=17),
        features=[models.AppBskyRichtextFacet.Mention(did=me.did)]),
    models.AppBskyRichtextFacet.Main(
        index=models.AppBskyRichtextFacet.ByteSlice(byte_start=23, byte_end=42),
        features=[models.AppBskyRichtextFacet.Link(uri="https://atproto.com")]),
]
post = create(c, "app.bsky.feed.post", models.AppBskyFeedPost.Record(text=text, facets=facets, created_at=now))
check(post.validation_status == "valid", "post with facets")
ref = models.ComAtprotoRepoStrongRef.Main(uri=post.uri, cid=post.cid)
like = create(c, "app.bsky.feed.like", models.AppBskyFeedLike.Record(subject=ref, created_at=now))
repost = create(bot, "app.bsky.feed.repost", models.AppBskyFeedRepost.Record(subject=ref, created_at=now))
follow = create(c, "app.bsky.graph.follow", models.AppBskyGraphFollow.Record(subject="did:plc:ewvi7nxzyoun6zhxrhs64oiz", created_at=now))
check(all(x.uri.startswith(f"at://{me.did}/") for x in [like, repost, follow]), "like, repost, follow")
profile = c.com.atproto.repo.put_record(models.ComAtprotoRepoPutRecord.Data(
    repo=me.did, collection="app.bsky.actor.profile", rkey="self",
    record=models.AppBskyActorProfile.Record(display_name="Carol", description="testing")))
check(profile.uri.endswith("/app.bsky.actor.profile/self"), "profile putRecord")

# sync.getRepo, checked by an independent implementation (libipld + the spec's MST, see
# verify_repo_car.py): block CIDs, the commit signature, the MST root recomputed from the records.
import importlib.util, os, subprocess, tempfile
car = c.com.atproto.sync.get_repo({"did": me.did})
with tempfile.NamedTemporaryFile(suffix=".car", delete=False) as f:
    f.write(car)
doc = c.com.atproto.repo.describe_repo({"repo": me.did}).did_doc
did_key = "did:key:" + doc["verificationMethod"][0]["publicKeyMultibase"]
verifier = os.path.join(os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.environ["PDSWIFT_INTEROP_DIR"], "verify_repo_car.py")
proc = subprocess.run([sys.executable, verifier, f.name, did_key], capture_output=True, text=True)
check(proc.returncode == 0 and '"ok": true' in proc.stdout, f"getRepo verified independently {proc.stdout.strip()} {proc.stderr.strip()[-300:]}")

# An invalid record is refused by the lexicon check.
try:
    c.com.atproto.repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
        repo=me.did, collection="app.bsky.feed.post", record={"$type": "app.bsky.feed.post", "text": "x" * 3001, "createdAt": now}))
    check(False, "over-long post refused")
except BadRequestError as e:
    check("InvalidRequest" in str(e), "over-long post refused")

# listRecords: newest first, cursors, reverse.
for i in range(5):
    create(c, "app.bsky.feed.post", models.AppBskyFeedPost.Record(text=f"post {i}", created_at=now))
page1 = c.com.atproto.repo.list_records({"repo": me.did, "collection": "app.bsky.feed.post", "limit": 3})
page2 = c.com.atproto.repo.list_records({"repo": me.did, "collection": "app.bsky.feed.post", "limit": 3, "cursor": page1.cursor})
texts = [r.value.text for r in page1.records + page2.records]
check(texts[:5] == ["post 4", "post 3", "post 2", "post 1", "post 0"] and texts[5] == text, "listRecords order and cursor")
rev = c.com.atproto.repo.list_records({"repo": "carol.test", "collection": "app.bsky.feed.post", "reverse": True})
check(rev.records[0].value.text == text, "listRecords reverse, by handle")

# swapCommit race: two clients write against the same commit; exactly one wins.
head = c.com.atproto.repo.describe_repo({"repo": me.did})
latest = c.com.atproto.repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
    repo=me.did, collection="app.bsky.feed.post", record=models.AppBskyFeedPost.Record(text="base", created_at=now)))
results = []


def racer(client, label):
    try:
        create(client, "app.bsky.feed.post", models.AppBskyFeedPost.Record(text=label, created_at=now), swap_commit=latest.commit.cid)
        results.append("ok")
    except BadRequestError as e:
        results.append("InvalidSwap" if "InvalidSwap" in str(e) else str(e))


threads = [threading.Thread(target=racer, args=(cl, f"race {i}")) for i, cl in enumerate([c, bot])]
[t.start() for t in threads]
[t.join() for t in threads]
check(sorted(results) == ["InvalidSwap", "ok"], f"swapCommit race {results}")

# Delete.
c.com.atproto.repo.delete_record(models.ComAtprotoRepoDeleteRecord.Data(
    repo=me.did, collection="app.bsky.feed.post", rkey=post.uri.split("/")[-1]))
try:
    c.com.atproto.repo.get_record({"repo": me.did, "collection": "app.bsky.feed.post", "rkey": post.uri.split("/")[-1]})
    check(False, "deleted record gone")
except BadRequestError as e:
    check("RecordNotFound" in str(e), "deleted record gone")

# Preferences round trip.
c.app.bsky.actor.put_preferences(models.AppBskyActorPutPreferences.Data(preferences=[
    models.AppBskyActorDefs.AdultContentPref(enabled=False)]))
prefs = c.app.bsky.actor.get_preferences()
check(len(prefs.preferences) == 1, "preferences")
# Deactivate: writes and public reads refused; activate: back.
c.com.atproto.server.deactivate_account(models.ComAtprotoServerDeactivateAccount.Data())
try:
    create(c, "app.bsky.feed.post", models.AppBskyFeedPost.Record(text="while deactivated", created_at=now))
    check(False, "write refused while deactivated")
except BadRequestError as e:
    check("RepoDeactivated" in str(e), "write refused while deactivated")
try:
    new_client().com.atproto.repo.list_records({"repo": me.did, "collection": "app.bsky.feed.post"})
    check(False, "reads refused while deactivated")
except BadRequestError as e:
    check("RepoDeactivated" in str(e), "reads refused while deactivated")
c.com.atproto.server.activate_account()
create(c, "app.bsky.feed.post", models.AppBskyFeedPost.Record(text="back again", created_at=now))
status = c.com.atproto.server.check_account_status()
check(status.activated and status.indexed_records >= 10, "activate + checkAccountStatus")

# Handle change: the DID document and resolution follow.
c.com.atproto.identity.update_handle(models.ComAtprotoIdentityUpdateHandle.Data(handle="caroline.test"))
check(new_client().com.atproto.identity.resolve_handle({"handle": "caroline.test"}).did == me.did, "updateHandle + resolveHandle")
described = new_client().com.atproto.repo.describe_repo({"repo": "caroline.test"})
check(described.handle == "caroline.test" and described.handle_is_correct, "describeRepo after handle change")
import urllib.request
req = urllib.request.Request(base + "/.well-known/atproto-did", headers={"Host": "caroline.test"})
check(urllib.request.urlopen(req).read().decode() == me.did, "/.well-known/atproto-did by Host")
# Emailed-token flows read their codes from the dev mailbox file.
import json, os
mailbox = os.path.join(os.environ["PDS_DATA_DIRECTORY"], "mailbox.jsonl")


def last_token(to, subject):
    for line in reversed(open(mailbox).read().splitlines()):
        m = json.loads(line)
        if m["to"] == to and m["subject"] == subject:
            return m["token"]
    return None


c.com.atproto.server.request_email_confirmation()
c.com.atproto.server.confirm_email(models.ComAtprotoServerConfirmEmail.Data(
    email="carol@example.com", token=last_token("carol@example.com", "Confirm your email")))
check(c.com.atproto.server.get_session().email_confirmed, "email confirmation")
new_client().com.atproto.server.request_password_reset(models.ComAtprotoServerRequestPasswordReset.Data(email="carol@example.com"))
new_client().com.atproto.server.reset_password(models.ComAtprotoServerResetPassword.Data(
    token=last_token("carol@example.com", "Reset your password"), password="new password"))
fresh = new_client()
fresh.login("caroline.test", "new password", fetch_bsky_profile=False)
check(fresh.com.atproto.server.get_session().did == me.did, "password reset")
fresh.com.atproto.server.request_account_delete()
new_client().com.atproto.server.delete_account(models.ComAtprotoServerDeleteAccount.Data(
    did=me.did, password="new password", token=last_token("carol@example.com", "Delete your account")))
try:
    new_client().com.atproto.repo.describe_repo({"repo": me.did})
    check(False, "deleted account gone")
except BadRequestError as e:
    check("RepoNotFound" in str(e), "deleted account gone")
print("ALL OK")
