"""The Python atproto SDK's firehose client against a running PDSwift, while another
client writes. For every #commit: the blocks parse as a CAR, the commit verifies against the
account's did:key, each create/update op's record is in the blocks with its CID. Each commit
is also written (JSON lines) to OUT_FILE for the Swift side's inversion check.
The stream is read from cursor 0, so it starts with the account's creation; after the writes
the account is deactivated and activated again. Every #sync (one at creation, one on
reactivation) must carry exactly its signed commit block, and the last must be the head that
getLatestCommit reports.
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

commits, syncs, problems, done = [], [], [], threading.Event()
reactivated = threading.Event()
client = FirehoseSubscribeReposClient(params=models.ComAtprotoSyncSubscribeRepos.Params(cursor=0), base_uri=ws_base)


def check_signed(seq, car):
    block = car.blocks.get(car.root)
    if block is None:
        problems.append(f"seq {seq}: commit block missing")
        return None
    signed = dict(block)
    sig = signed.pop("sig")
    if not verify_signature(did_key, libipld.encode_dag_cbor(signed), sig):
        problems.append(f"seq {seq}: signature does not verify")
    return block


def on_message(message):
    commit = parse_subscribe_repos_message(message)
    if isinstance(commit, models.ComAtprotoSyncSubscribeRepos.Sync) and commit.did == acct.did:
        car = CAR.from_bytes(commit.blocks)
        block = check_signed(commit.seq, car)
        if len(car.blocks) != 1:
            problems.append(f"seq {commit.seq}: #sync carries {len(car.blocks)} blocks, not just the commit")
        if block is not None and block["rev"] != commit.rev:
            problems.append(f"seq {commit.seq}: #sync rev {commit.rev} is not its commit's {block['rev']}")
        syncs.append({"seq": commit.seq, "rev": commit.rev, "commit": str(car.root)})
        if reactivated.is_set() and len(syncs) >= 2 and done.is_set():
            client.stop()
        return
    if not isinstance(commit, models.ComAtprotoSyncSubscribeRepos.Commit) or commit.repo != acct.did:
        return
    car = CAR.from_bytes(commit.blocks)
    check_signed(commit.seq, car)
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
writer.com.atproto.server.deactivate_account(models.ComAtprotoServerDeactivateAccount.Data())
writer.com.atproto.server.activate_account()
reactivated.set()
head = json.load(urllib.request.urlopen(f"{base}/xrpc/com.atproto.sync.getLatestCommit?did={acct.did}"))
deadline = time.time() + 30
while len(syncs) < 2 and time.time() < deadline:
    time.sleep(0.05)
client.stop()
if len(syncs) < 2:
    problems.append(f"saw {len(syncs)} #sync events, expected one at creation and one on reactivation")
elif syncs[-1]["commit"] != head["cid"] or syncs[-1]["rev"] != head["rev"]:
    problems.append(f"last #sync {syncs[-1]} is not the head {head}")
if syncs and commits and syncs[0]["seq"] > commits[0]["seq"] + 5:
    problems.append("the creation #sync came long after the first commit")
with open(out_file, "w") as f:
    for c in commits:
        f.write(json.dumps(c) + "\n")
seqs = [c["seq"] for c in commits]
print(json.dumps({"commits": len(commits), "syncs": syncs, "problems": problems, "ordered": seqs == sorted(seqs), "did": acct.did}))
sys.exit(0 if done.is_set() and not problems and seqs == sorted(seqs) else 1)
