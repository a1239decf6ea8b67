import Foundation
import IPC
import IPLD
import Synchronization
import Testing

/// kill -9 of RepoService in the middle of a burst of writes: after it restarts, a consumer
/// reading from cursor 0 sees every acknowledged write exactly once, in order, with no gap in
/// seq (the outbox is written in the commit's transaction and relayed again after restart;
/// FirehoseService drops what it already sequenced by (did, rev)).
@Suite(.serialized) struct RepoServiceKillTests {
    /// What the writers saw, shared with their tasks.
    final class Tally: Sendable {
        let acked = Mutex<[String]>([])
        let failures = Atomic<Int>(0)
    }

    static let did = "did:plc:repokillrepokillrepokill"

    @Test func killNineDuringABurstLosesAndRepeatsNothing() async throws {
        let pds = try PDSUp(restartDelayMillis: 300)
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let account = try await IPCAccount.create(pds, did: Self.did)
        let repoPID = try #require(pds.children()["repo"], "no repo among \(pds.children())")

        // Three writers post as fast as RepoService answers; the kill lands mid-burst.
        let tally = Tally()
        let writers = (0..<3).map { w in
            Task {
                for i in 0..<60 {
                    do {
                        let r = try await account.post("burst \(w) \(i)")
                        tally.acked.withLock { $0.append(r.commit.rev) }
                    } catch {
                        tally.failures.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        let killedAfter = await HTTP.eventually(within: .seconds(60), every: .milliseconds(5)) { tally.acked.withLock { $0.count } >= 40 }
        #expect(killedAfter)
        kill(repoPID, SIGKILL)
        for writer in writers { await writer.value }
        let restarted = await HTTP.eventually(within: .seconds(20)) { pds.children()["repo"].map { $0 != repoPID } ?? false }
        #expect(restarted)
        // Writes after the restart too: the relay resumes and the stream continues.
        for i in 0..<5 {
            let r = try await account.post("after restart \(i)")
            tally.acked.withLock { $0.append(r.commit.rev) }
        }
        let ackedRevs = Set(tally.acked.withLock { $0 })
        print("RepoService kill -9: \(ackedRevs.count) writes acknowledged, \(tally.failures.load(ordering: .relaxed)) failed around the kill")
        #expect(tally.failures.load(ordering: .relaxed) > 0 || ackedRevs.count == 185, "the kill never interrupted a write")

        // Everything from cursor 0, once the last acknowledged write has been sequenced.
        let lastRev = tally.acked.withLock { $0.last! }
        let everything = FirehoseConsumer(port: pds.port, cursor: "0")
        let sawLast = await everything.waitFor(.seconds(60)) { frames in
            frames.contains { $0.body["rev"] == .string(lastRev) }
        }
        #expect(sawLast, "the last acknowledged write never reached the stream: \(everything.failure ?? "")\n\(pds.log().suffix(4000))")
        let frames = everything.frames
        let seqs = frames.compactMap(\.seq)
        #expect(seqs == Array(1...Int64(seqs.count)), "seq gap or repeat: \(seqs)")
        let revs = frames.filter { $0.type == "#commit" && $0.body["repo"] == .string(Self.did) }.compactMap { f -> String? in
            if case .string(let r)? = f.body["rev"] { r } else { nil }
        }
        // Revs are TIDs: strictly increasing means in commit order and none twice.
        #expect(zip(revs, revs.dropFirst()).allSatisfy { $0 < $1 }, "revs out of order or repeated")
        let missing = ackedRevs.subtracting(revs)
        #expect(missing.isEmpty, "acknowledged but never streamed: \(missing.sorted())")
        everything.stop()
    }
}
