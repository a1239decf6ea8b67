"""Account migration between two running PDSwift servers, checked from outside.
usage:
  migration_end_to_end.py seed OLD_BASE STATE_JSON RECORDS BLOBS
      makes alice.test (with an email) and bob.test on the old PDS: RECORDS records in all,
      BLOBS of them posts with a PNG each, and preferences; writes what it made to STATE_JSON.
  migration_end_to_end.py verify OLD_BASE NEW_BASE PLC_URL STATE_JSON
      after `pds account migrate`: the DID document names the new PDS and its key; every
      record and blob is served by the new PDS; the old PDS answers the account as
      deactivated; the new firehose carries #identity, #account and #sync for it; the atproto
      SDK signs in on the new PDS and reads; bad input gets clear errors and changes nothing.
Prints one line per check; exits non-zero at the first failure.
"""
import hashlib
import json
import struct
import sys
import threading
import time
import zlib

import httpx
from atproto import CAR, Client, FirehoseSubscribeReposClient, models, parse_subscribe_repos_message


def check(cond, what):
    if not cond:
        print(f"FAIL {what}")
        sys.exit(1)
    print(f"ok {what}")


def png(seed):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    w, h = 24, 24
    rows = b"".join(b"\x00" + bytes((x * seed + y * 3 + c) % 256 for x in range(w) for c in range(3)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def xrpc_error(response):
    try:
        return response.json().get("error"), response.json().get("message", "")
    except Exception:
        return None, response.text[:200]


def seed(old, state_file, records, blobs):
    c = Client(base_url=old)
    c.com.atproto.server.create_account(models.ComAtprotoServerCreateAccount.Data(
        handle="alice.test", password="alice-pw", email="alice@example.com"))
    c.login("alice.test", "alice-pw", fetch_bsky_profile=False)
    did = c.com.atproto.server.get_session().did
    bob = Client(base_url=old)
    bob.com.atproto.server.create_account(models.ComAtprotoServerCreateAccount.Data(handle="bob.test", password="bob-pw"))
    bob.login("bob.test", "bob-pw", fetch_bsky_profile=False)
    bob_did = bob.com.atproto.server.get_session().did
    bob.send_post("bob's only post", profile_identify=bob_did)
    blob_sha = {}
    for i in range(blobs):
        data = png(i + 2)
        ref = c.upload_blob(data).blob
        blob_sha[ref.cid.encode() if hasattr(ref.cid, "encode") else str(ref.cid)] = hashlib.sha256(data).hexdigest()
        c.send_image(text=f"picture {i}", image=data, image_alt=f"alt {i}", profile_identify=did)
    left = records - blobs
    while left > 0:
        n = min(200, left)
        writes = [models.ComAtprotoRepoApplyWrites.Create(collection="app.bsky.feed.post", value={
            "$type": "app.bsky.feed.post", "text": f"post {left - k}", "createdAt": "2026-12-07T10:00:00.000Z"}) for k in range(n)]
        c.com.atproto.repo.apply_writes(models.ComAtprotoRepoApplyWrites.Data(repo=did, writes=writes))
        left -= n
    c.app.bsky.actor.put_preferences(models.AppBskyActorPutPreferences.Data(preferences=[
        models.AppBskyActorDefs.AdultContentPref(enabled=True)]))
    total = httpx.get(f"{old}/xrpc/com.atproto.repo.describeRepo", params={"repo": did}).json()
    json.dump({"did": did, "bob": bob_did, "records": records, "blobs": blobs, "listed": all_records(old, did),
               "blob_sha": blob_sha}, open(state_file, "w"))
    print(f"seeded {did}: {records} records, {blobs} blobs, collections {total['collections']}")


def all_records(base, did):
    out = {}
    for collection in httpx.get(f"{base}/xrpc/com.atproto.repo.describeRepo", params={"repo": did}).json()["collections"]:
        cursor = None
        while True:
            params = {"repo": did, "collection": collection, "limit": 100}
            if cursor:
                params["cursor"] = cursor
            page = httpx.get(f"{base}/xrpc/com.atproto.repo.listRecords", params=params).json()
            for r in page["records"]:
                out[r["uri"]] = r["cid"]
            cursor = page.get("cursor")
            if not cursor:
                break
    return out


def verify(old, new, plc, state_file):
    state = json.load(open(state_file))
    did = state["did"]

    # The DID document names the new PDS and the key it holds for the account.
    doc = httpx.get(f"{plc}/{did}").json()
    endpoint = [s["serviceEndpoint"] for s in doc["service"] if s["id"].endswith("#atproto_pds")]
    check(endpoint == [new.replace("127.0.0.1", "localhost")], f"DID document's PDS is the new one ({endpoint})")
    session = httpx.post(f"{new}/xrpc/com.atproto.server.createSession",
                         json={"identifier": did, "password": "alice-pw"}).json()
    auth = {"Authorization": f"Bearer {session['accessJwt']}"}
    creds = httpx.get(f"{new}/xrpc/com.atproto.identity.getRecommendedDidCredentials", headers=auth).json()
    keys = [m["publicKeyMultibase"] for m in doc["verificationMethod"] if m["id"].endswith("#atproto")]
    check(["did:key:" + k for k in keys] == [creds["verificationMethods"]["atproto"]], "DID document's signing key is the new PDS's")
    check(creds["rotationKeys"][0] in httpx.get(f"{plc}/{did}/log/last").json()["rotationKeys"], "the new PDS's rotation key controls the DID")

    status = httpx.get(f"{new}/xrpc/com.atproto.server.checkAccountStatus", headers=auth).json()
    check(status["activated"] and status["validDid"], f"new PDS: activated and validDid ({status})")
    check(status["indexedRecords"] == state["records"], f"new PDS indexes {status['indexedRecords']} records")
    check(status["expectedBlobs"] == state["blobs"] == status["importedBlobs"], f"blobs {status['importedBlobs']}/{status['expectedBlobs']}")

    # Every record and blob, served by the new PDS as the old one had them.
    # The old PDS no longer lists a deactivated repo: compare with what it listed when seeded.
    old_records, new_records = state["listed"], all_records(new, did)
    check(len(new_records) == len(old_records) and new_records == old_records, f"all {len(new_records)} records with the same CIDs")
    some = sorted(new_records)[len(new_records) // 2]
    rkey = some.split("/")[-1]
    got = httpx.get(f"{new}/xrpc/com.atproto.repo.getRecord", params={"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey})
    check(got.status_code == 200 and got.json()["cid"] == new_records[some], "getRecord on the new PDS")
    cids = httpx.get(f"{new}/xrpc/com.atproto.sync.listBlobs", params={"did": did, "limit": 1000}).json()["cids"]
    check(len(cids) == state["blobs"], f"listBlobs lists {len(cids)} blobs")
    check(sorted(cids) == sorted(state["blob_sha"]), "the same blobs as uploaded to the old PDS")
    for cid in cids:
        a = httpx.get(f"{new}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cid})
        if a.status_code != 200 or hashlib.sha256(a.content).hexdigest() != state["blob_sha"][cid]:
            check(False, f"blob {cid} served by the new PDS with its bytes ({a.status_code} {a.text[:200]})")
    check(True, f"all {len(cids)} blobs served by the new PDS with their bytes")
    public = httpx.get(f"{old}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cids[0]})
    check(public.status_code == 400 and xrpc_error(public)[0] == "RepoDeactivated", "the old PDS refuses the blobs to the public")
    old_token = httpx.post(f"{old}/xrpc/com.atproto.server.createSession", json={"identifier": did, "password": "alice-pw"}).json()["accessJwt"]
    old_blob = httpx.get(f"{old}/xrpc/com.atproto.sync.getBlob", params={"did": did, "cid": cids[0]},
                         headers={"Authorization": f"Bearer {old_token}"})
    check(old_blob.status_code == 200 and hashlib.sha256(old_blob.content).hexdigest() == state["blob_sha"][cids[0]],
          f"the old PDS still serves the deactivated account's blobs ({old_blob.status_code})")
    car = CAR.from_bytes(httpx.get(f"{new}/xrpc/com.atproto.sync.getRepo", params={"did": did}).content)
    head = httpx.get(f"{new}/xrpc/com.atproto.sync.getLatestCommit", params={"did": did}).json()
    check(str(car.root) == head["cid"], "the new PDS exports its head")

    # The old PDS: deactivated, still able to sign in and export.
    old_status = httpx.get(f"{old}/xrpc/com.atproto.sync.getRepoStatus", params={"did": did}).json()
    check(old_status["active"] is False and old_status.get("status") == "deactivated", f"old PDS answers deactivated ({old_status})")
    refused = httpx.get(f"{old}/xrpc/com.atproto.sync.getRepo", params={"did": did})
    check(refused.status_code == 400 and xrpc_error(refused)[0] == "RepoDeactivated", "old PDS refuses the repo to the public")
    old_session = httpx.post(f"{old}/xrpc/com.atproto.server.createSession", json={"identifier": did, "password": "alice-pw"}).json()
    own = httpx.get(f"{old}/xrpc/com.atproto.sync.getRepo", params={"did": did},
                    headers={"Authorization": f"Bearer {old_session['accessJwt']}"})
    check(own.status_code == 200 and old_session.get("active") is False, "the deactivated account still signs in and exports its repo")

    # The new firehose: #identity, #account active, #sync for the account, in that order.
    seen, stop = [], threading.Event()
    ws = new.replace("http://", "ws://") + "/xrpc"
    client = FirehoseSubscribeReposClient(params=models.ComAtprotoSyncSubscribeRepos.Params(cursor=0), base_uri=ws)

    def on_message(message):
        event = parse_subscribe_repos_message(message)
        if getattr(event, "did", None) == did:
            kind = type(event).__name__
            seen.append((kind, getattr(event, "active", None)))
            if kind == "Sync":
                client.stop()
    t = threading.Thread(target=lambda: client.start(on_message), daemon=True)
    t.start()
    t.join(20)
    kinds = [k for k, _ in seen]
    check("Identity" in kinds and "Account" in kinds and "Sync" in kinds
          and kinds.index("Identity") < kinds.index("Account") < kinds.index("Sync"),
          f"new firehose: #identity, #account, #sync for the account ({kinds})")
    check(("Account", True) in seen and "Commit" not in kinds, "the account event says active, and no #commit from the deactivated time")

    # The SDK signs in on the new PDS and reads.
    sdk = Client(base_url=new)
    sdk.login("alice.test", "alice-pw", fetch_bsky_profile=False)
    check(sdk.com.atproto.server.get_session().did == did, "the atproto SDK signs in on the new PDS")
    page = sdk.com.atproto.repo.list_records(models.ComAtprotoRepoListRecords.Params(repo=did, collection="app.bsky.feed.post", limit=100))
    check(len(page.records) == 100, "the SDK lists the records")
    prefs = sdk.app.bsky.actor.get_preferences().preferences
    check(any(getattr(p, "enabled", None) is True for p in prefs), "preferences came along")
    post = sdk.send_post("first post from the new home", profile_identify=did)
    check(post.uri.startswith(f"at://{did}/"), "the account writes on the new PDS")

    bad_inputs(old, new, plc, state, auth)


def bad_inputs(old, new, plc, state, auth):
    did = state["did"]
    head = httpx.get(f"{new}/xrpc/com.atproto.sync.getLatestCommit", params={"did": did}).json()
    own_car = httpx.get(f"{new}/xrpc/com.atproto.sync.getRepo", params={"did": did}).content
    car_headers = dict(auth, **{"Content-Type": "application/vnd.ipld.car"})

    def import_fails(body, what, needle):
        r = httpx.post(f"{new}/xrpc/com.atproto.repo.importRepo", content=body, headers=car_headers, timeout=120)
        err = xrpc_error(r)
        check(r.status_code == 400 and err[0] == "InvalidRequest" and needle in err[1], f"importRepo refuses {what}: {err[1][:100]}")

    bob_car = httpx.get(f"{old}/xrpc/com.atproto.sync.getRepo", params={"did": state["bob"]}).content
    import_fails(bob_car, "a CAR for another DID", "not of")
    import_fails(own_car[: len(own_car) // 2], "a truncated CAR", "CAR")
    tampered = bytearray(own_car)
    tampered[len(tampered) - 20] ^= 0x55
    import_fails(bytes(tampered), "a tampered CAR", "CAR")
    import_fails(b"not a car at all", "bytes that are no CAR", "CAR")
    after = httpx.get(f"{new}/xrpc/com.atproto.sync.getLatestCommit", params={"did": did}).json()
    check(after == head, "a refused import leaves the repo as it was")
    r = httpx.post(f"{new}/xrpc/com.atproto.repo.importRepo", content=own_car, headers=car_headers, timeout=120)
    check(r.status_code == 200, "importing the account's own export again (a retry) is accepted")
    check(len(all_records(new, did)) == state["records"] + 1, "and keeps every record")

    # PLC: a wrong token; operations that would drop this PDS's key or point elsewhere.
    old_session = httpx.post(f"{old}/xrpc/com.atproto.server.createSession", json={"identifier": did, "password": "alice-pw"}).json()
    r = httpx.post(f"{new}/xrpc/com.atproto.identity.signPlcOperation", json={"token": "WRONG-TOKEN"}, headers=auth)
    check(r.status_code == 400 and xrpc_error(r)[0] == "InvalidToken", f"signPlcOperation with a wrong token: {xrpc_error(r)}")
    creds = httpx.get(f"{new}/xrpc/com.atproto.identity.getRecommendedDidCredentials", headers=auth).json()
    last = httpx.get(f"{plc}/{did}/log/last").json()
    for label, change, needle in [
        ("without this PDS's rotation key", {"rotationKeys": [k for k in last["rotationKeys"] if k not in creds["rotationKeys"]] or ["did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"]}, "rotation key"),
        ("pointing elsewhere", {"services": {"atproto_pds": {"type": "AtprotoPersonalDataServer", "endpoint": "https://elsewhere.example"}}}, "endpoint"),
    ]:
        op = dict(last)
        op.update(change)
        r = httpx.post(f"{new}/xrpc/com.atproto.identity.submitPlcOperation", json={"operation": op}, headers=auth)
        check(r.status_code == 400 and needle in xrpc_error(r)[1], f"submitPlcOperation refuses an operation {label}: {xrpc_error(r)[1]}")
    check(httpx.get(f"{plc}/{did}/log/last").json() == last, "the DID is unchanged")

    # createAccount with a DID, authorised by someone else's key or by nothing.
    bob_session = httpx.post(f"{old}/xrpc/com.atproto.server.createSession", json={"identifier": state["bob"], "password": "bob-pw"}).json()
    service_did = httpx.get(f"{new}/xrpc/com.atproto.server.describeServer").json()["did"]
    bob_token = httpx.get(f"{old}/xrpc/com.atproto.server.getServiceAuth",
                          params={"aud": service_did, "lxm": "com.atproto.server.createAccount"},
                          headers={"Authorization": f"Bearer {bob_session['accessJwt']}"}).json()["token"]
    carol = "did:plc:" + "c" * 24
    for label, token, target in [("bob's token for alice's DID", bob_token, did), ("no token", None, state["bob"])]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        r = httpx.post(f"{new}/xrpc/com.atproto.server.createAccount", headers=headers,
                       json={"did": target, "handle": "mallory.test", "password": "x", "email": "m@example.com"})
        check(r.status_code in (400, 401) and xrpc_error(r)[0] in ("AuthenticationRequired", "AlreadyExists"), f"createAccount with {label}: {xrpc_error(r)}")
    r = httpx.post(f"{new}/xrpc/com.atproto.server.createAccount", headers={"Authorization": f"Bearer {bob_token}"},
                   json={"did": carol, "handle": "carol2.test", "password": "x"})
    check(r.status_code == 400 and xrpc_error(r)[0] == "DidNotFound", f"createAccount with an unknown DID: {xrpc_error(r)}")
    check(httpx.get(f"{new}/xrpc/com.atproto.identity.resolveHandle", params={"handle": "mallory.test"}).status_code == 400,
          "no account was half-made")
    print("ALL OK")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "seed":
        seed(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "verify":
        verify(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        sys.exit(f"unknown mode {mode}")
