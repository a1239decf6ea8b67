import ATCrypto
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IPLD
import Repo

/// What the drill found after the load: each figure but the counts of work done must be 0.
struct DrillFindings: Codable, Sendable {
    var recordsChecked = 0
    /// Records whose state is none the acknowledged writes allow (an acknowledged write lost).
    var lost = 0
    var lostExamples: [String] = []
    var blobsChecked = 0
    var blobsLost = 0
    var firehoseEvents = 0
    var seqGaps = 0
    var seqOutOfOrder = 0
    /// Whether the subscriber reached the firehose's head after the load.
    var firehoseCaughtUp = false
    var ackedCommits = 0
    var ackedCommitsMissing = 0
    var ackedCommitsDuplicated = 0
    /// `#commit` events whose `since`/`prevData` do not follow the previous commit of the repo.
    var chainBreaks = 0
    var chainExamples: [String] = []
    /// Repos whose head is not the last commit the firehose carried for them (a published
    /// commit rolled back, or a commit never published).
    var headsNotOnFirehose = 0
    var reposVerified = 0
    var repoVerifyFailures: [String] = []
    /// Accounts created during the load, acknowledged.
    var signupsAcknowledged = 0
    /// DIDs with commits on the firehose that are no account here and were never announced
    /// as gone (`#account active=false` as their last event), or acknowledged signups missing.
    var orphanRepos = 0
    var orphanExamples: [String] = []

    var clean: Bool {
        lost == 0 && blobsLost == 0 && seqGaps == 0 && seqOutOfOrder == 0 && firehoseCaughtUp && ackedCommitsMissing == 0
            && ackedCommitsDuplicated == 0 && chainBreaks == 0 && headsNotOnFirehose == 0 && repoVerifyFailures.isEmpty
            && orphanRepos == 0
    }
}

/// The checks run once the load has stopped and every service is healthy again.
enum DrillChecks {
    /// Every record, blob and repo of `lanes` against what was acknowledged, and the firehose
    /// `events` against the repos.
    static func run(lanes: [DrillLane], signups: DrillSignups, events: [TailEvent], caughtUp: Bool,
                    cluster: DrillCluster) async -> DrillFindings {
        var f = DrillFindings()
        f.firehoseCaughtUp = caughtUp
        checkSequence(events, into: &f)
        let commitsByDID = Dictionary(grouping: events.filter { $0.kind == "#commit" || $0.kind == "#sync" }, by: \.did)
        for lane in lanes {
            let mine = commitsByDID[lane.did] ?? []
            checkChain(mine, into: &f)
            checkAcked(lane, mine.filter { $0.kind == "#commit" }, into: &f)
            await checkRecords(lane, into: &f)
            await checkBlobs(lane, into: &f)
            await checkRepo(lane, lastCommit: mine.last { $0.kind == "#commit" }, cluster: cluster, into: &f)
        }
        await checkSignups(signups, events: events, known: Set(lanes.map(\.did)), into: &f)
        return f
    }

    /// Every DID with commits on the firehose is a live account, or its last event says it is
    /// gone; every acknowledged signup is a live account.
    static func checkSignups(_ signups: DrillSignups, events: [TailEvent], known: Set<String>, into f: inout DrillFindings) async {
        f.signupsAcknowledged = signups.acknowledged.count
        let byDID = Dictionary(grouping: events, by: \.did)
        let acknowledged = Set(signups.acknowledged)
        for (did, mine) in byDID where !known.contains(did) && mine.contains(where: { $0.kind == "#commit" }) {
            let live = (try? await signups.client.call("com.atproto.sync.getLatestCommit", query: [("did", did)], timeout: 30)) != nil
            let ended = mine.last.map { $0.kind == "#account" && $0.active == false } ?? false
            if live == ended || (acknowledged.contains(did) && !live) {
                f.orphanRepos += 1
                if f.orphanExamples.count < 5 {
                    f.orphanExamples.append("\(did): " + (live ? "live, but its last event says it is gone" : "no account, and no #account active=false after its commits"))
                }
            }
        }
        for did in acknowledged where byDID[did] == nil {
            f.orphanRepos += 1
            f.orphanExamples.append("\(did): acknowledged signup with no events")
        }
    }

    /// Seqs from 1, each one more than the last.
    static func checkSequence(_ events: [TailEvent], into f: inout DrillFindings) {
        f.firehoseEvents = events.count
        var previous: Int64 = 0
        for event in events {
            if event.seq <= previous { f.seqOutOfOrder += 1; continue }
            f.seqGaps += Int(event.seq - previous - 1)
            previous = event.seq
        }
    }

    /// Each `#commit` follows the one before it in the same repo: `since` is its rev and
    /// `prevData` its MST root. A `#sync` restarts the chain at its rev.
    static func checkChain(_ events: [TailEvent], into f: inout DrillFindings) {
        var previous: (rev: String?, data: String?)? = nil
        for event in events {
            if event.kind == "#sync" { previous = (event.rev, event.data); continue }
            if let previous {
                let sinceOK = event.since == previous.rev
                let dataOK = previous.data == nil || event.prevData == previous.data
                if !sinceOK || !dataOK {
                    f.chainBreaks += 1
                    if f.chainExamples.count < 5 {
                        f.chainExamples.append("\(event.did) seq \(event.seq): since \(event.since ?? "nil") after rev \(previous.rev ?? "nil")"
                                               + (dataOK ? "" : ", prevData \(event.prevData ?? "nil") after data \(previous.data ?? "nil")"))
                    }
                }
            }
            previous = (event.rev, event.data)
        }
    }

    /// Every acknowledged commit was published exactly once.
    static func checkAcked(_ lane: DrillLane, _ commits: [TailEvent], into f: inout DrillFindings) {
        var counts: [String: Int] = [:]
        for event in commits { if let rev = event.rev { counts[rev, default: 0] += 1 } }
        for rev in lane.ackedRevs {
            f.ackedCommits += 1
            switch counts[rev] ?? 0 {
            case 0: f.ackedCommitsMissing += 1
            case 1: break
            default: f.ackedCommitsDuplicated += 1
            }
        }
    }

    /// The records as listed now, against what the lane's writes allow.
    static func checkRecords(_ lane: DrillLane, into f: inout DrillFindings) async {
        var actual: [String: String] = [:]
        for collection in [DrillLane.notes, DrillLane.files] {
            var cursor: String? = nil
            repeat {
                var query = [("repo", lane.did), ("collection", collection), ("limit", "100")]
                if let cursor { query.append(("cursor", cursor)) }
                guard let page = try? await lane.client.call("com.atproto.repo.listRecords", query: query, timeout: 30) else {
                    f.lost += 1
                    f.lostExamples.append("\(lane.did): listRecords of \(collection) failed")
                    return
                }
                for record in page["records"] as? [[String: Any]] ?? [] {
                    if let uri = record["uri"] as? String, let cid = record["cid"] as? String {
                        actual[String(uri.dropFirst("at://\(lane.did)/".count))] = cid
                    }
                }
                cursor = (page["records"] as? [Any])?.isEmpty == false ? page["cursor"] as? String : nil
            } while cursor != nil
        }
        for (path, possible) in lane.records {
            f.recordsChecked += 1
            if !possible.allows(actual[path]) {
                f.lost += 1
                if f.lostExamples.count < 5 {
                    f.lostExamples.append("\(lane.did)/\(path): is \(actual[path] ?? "absent"), acknowledged \(possible.states.sorted())")
                }
            }
        }
    }

    /// Each blob a record keeps is served with its bytes.
    static func checkBlobs(_ lane: DrillLane, into f: inout DrillFindings) async {
        for blob in lane.blobs where lane.records[blob.path]?.allows(nil) == false {
            f.blobsChecked += 1
            guard let bytes = try? await lane.client.bytes("com.atproto.sync.getBlob", query: [("did", lane.did), ("cid", blob.cid)], timeout: 30),
                  SHA256.hash(data: bytes).map({ String(format: "%02x", $0) }).joined() == blob.sha256 else {
                f.blobsLost += 1
                continue
            }
        }
    }

    /// The repo's CAR verifies (every block's CID, the MST, the commit signature with the key
    /// the DID document names), and its head is the last commit the firehose carried.
    static func checkRepo(_ lane: DrillLane, lastCommit: TailEvent?, cluster: DrillCluster, into f: inout DrillFindings) async {
        do {
            let car = try await lane.client.bytes("com.atproto.sync.getRepo", query: [("did", lane.did)], timeout: 60)
            let store = MemoryBlockStore()
            let root = try RepoVerifier.load(MemoryByteSource([UInt8](car)), into: store)
            let (data, _) = try await URLSession.shared.data(from: URL(string: "\(cluster.plcURL)/\(lane.did)/data")!)
            let state = (try JSONSerialization.jsonObject(with: data)) as? [String: Any]
            guard let didKey = (state?["verificationMethods"] as? [String: Any])?["atproto"] as? String else {
                throw DrillFailure("no atproto key in the DID's PLC data")
            }
            let verified = try RepoVerifier.verify(root: root, store: store, did: lane.did, key: try DIDKey.parse(didKey))
            f.reposVerified += 1
            if let lastCommit, lastCommit.commit != verified.root.string { f.headsNotOnFirehose += 1 }
        } catch {
            f.repoVerifyFailures.append("\(lane.did): \(error)")
        }
    }
}
