"""The Python atproto SDK's firehose client against a running PDSwift, while another
client writes. For every #commit: the blocks parse as a CAR, the commit verifies against the
account's did:key, each create/update op's record is in the blocks with its CID. Each commit
is also written (JSON lines) to OUT_FILE for the Swift side's inversion check.
usage: sdk_firehose.py BASE_URL OUT_FILE WRITES
"""
import base64
import json
import sys
import threading
import time

import libipld
from atproto import CAR, Client, FirehoseSubscribeReposClient, models, parse_subscribe_repos_message
from atproto_crypto.verify import verify_signature

base, out_file, writes = sys.argv[1], sys.argv[2], int(sys.argv[3])
ws_base = base.replace("http://", "ws://") + "/xrpc"

writer = Client(base_url=base)
acct = writer.com.atproto.server.create_account(models.ComAtprotoServerCreateAccount.Data(handle="erin.test", password="erin-pw"))
writer.login("erin.test", "erin-pw", fetch_bsky_profile=False)
import urllib.request
described = json.load(urllib.request.urlopen(f"{base}/xrpc/com.atproto.repo.describeRepo?repo={acct.did}"))
signing_key = described["didDoc"]["verificationMethod"][0]["publicKeyMultibase"]
did_key = "did:key:" + signing_key

commits, problems, done = [], [], threading.Event()
client = FirehoseSubscribeReposClient(base_uri=ws_base)


def on_message(message):
    commit = parse_subscribe_repos_message(message)
    if not isinstance(commit, models.ComAtprotoSyncSubscribeRepos.Commit) or commit.repo != acct.did:
        return
    car = CAR.from_bytes(commit.blocks)
    root = car.root
    block = car.blocks.get(root)
    if block is None:
        problems.append(f"seq {commit.seq}: commit block missing")
    else:
        signed = dict(block)
        sig = signed.pop("sig")
        if not verify_signature(did_key, libipld.encode_dag_cbor(signed), sig):
            problems.append(f"seq {commit.seq}: signature does not verify")
    for op in commit.ops:
        if op.action in ("create", "update") and op.cid is not None and car.blocks.get(op.cid) is None:
            problems.append(f"seq {commit.seq}: record {op.path} missing from blocks")
    commits.append({"seq": commit.seq, "rev": commit.rev, "commit": str(commit.commit),
                    "prevData": str(commit.prev_data) if commit.prev_data else None,
                    "blocks": base64.b64encode(commit.blocks).decode(),
                    "ops": [{"action": o.action, "path": o.path, "cid": str(o.cid) if o.cid else None,
                             "prev": str(o.prev) if o.prev else None} for o in commit.ops]})
    if len([c for c in commits if c["ops"]]) >= writes:
        done.set()
        client.stop()


thread = threading.Thread(target=lambda: client.start(on_message), daemon=True)
thread.start()
time.sleep(1.0)
uris = []
for i in range(writes):
    r = writer.com.atproto.repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
        repo=acct.did, collection="app.bsky.feed.post",
        record=models.AppBskyFeedPost.Record(text=f"firehose {i}", created_at=writer.get_current_time_iso())))
    uris.append(r.uri)
    if i % 5 == 4:
        writer.com.atproto.repo.delete_record(models.ComAtprotoRepoDeleteRecord.Data(
            repo=acct.did, collection="app.bsky.feed.post", rkey=uris[-2].split("/")[-1]))
done.wait(60)
with open(out_file, "w") as f:
    for c in commits:
        f.write(json.dumps(c) + "\n")
seqs = [c["seq"] for c in commits]
print(json.dumps({"commits": len(commits), "problems": problems, "ordered": seqs == sorted(seqs), "did": acct.did}))
sys.exit(0 if done.is_set() and not problems and seqs == sorted(seqs) else 1)
