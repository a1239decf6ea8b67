import ATCrypto
import Foundation
import IPC
import IPLD
import Repo
import Testing

/// An account made by calling RepoService over IPC straight from the test (the HTTP write
/// path needs auth, which is built elsewhere).
struct IPCAccount {
    let repo: RepoServiceClient
    let did: String
    let signingKey: String
    let created: RepoTypes.CommitRef

    static func create(_ pds: PDSUp, did: String) async throws -> IPCAccount {
        let endpoint = "ipc://" + pds.dataDirectory.appendingPathComponent("ipc/repo.sock").path
        let repo = RepoServiceClient(caller: try await RPCClient(endpoint: endpoint, defaultTimeout: .seconds(10)))
        let key = try await repo.reserveSigningKey(.init())
        let created = try await repo.createRepo(.init(did: did, signingKey: key.signingKey))
        return IPCAccount(repo: repo, did: did, signingKey: key.signingKey, created: created)
    }

    func post(_ text: String) async throws -> RepoTypes.ApplyWritesResponse {
        let record = #"{"$type":"app.bsky.feed.post","text":"\#(text)","createdAt":"2026-11-25T00:00:00.000Z"}"#
        return try await repo.applyWrites(.init(did: did, writes: [.init(action: "create", collection: "app.bsky.feed.post", recordJSON: record)],
                                                validate: nil, swapCommit: nil))
    }
}

/// `subscribeRepos` and the sync endpoints against the real `pds up`.
@Suite(.serialized) struct FirehoseProcessTests {
    static let did = "did:plc:firehosefirehosefirehose"

    /// Checks one `#commit` frame against the write it reports, as a relay would: fields,
    /// signature, ops, and the sync 1.1 inversion against `prevData`.
    func checkCommit(_ frame: FirehoseConsumer.Frame, _ acked: RepoTypes.ApplyWritesResponse, since: String, account: IPCAccount) throws {
        let body = frame.body
        #expect(body["repo"] == .string(account.did))
        #expect(body["commit"] == .link(try CID(string: acked.commit.cid)))
        #expect(body["rev"] == .string(acked.commit.rev))
        #expect(body["since"] == .string(since))
        #expect(body["rebase"] == .bool(false) && body["tooBig"] == .bool(false))
        #expect(body["blobs"] == .array([]))
        guard case .string(let time)? = body["time"] else { throw TestFailure("no time") }
        #expect(time.hasSuffix("Z"))
        guard case .bytes(let car)? = body["blocks"], case .link(let prevData)? = body["prevData"],
              case .array(let ops)? = body["ops"] else { throw TestFailure("blocks, prevData or ops missing: \(body)") }
        var reader = try CARReader(bytes: car)
        var blocks: [CID: [UInt8]] = [:]
        while let block = try reader.next() { blocks[block.cid] = block.bytes }
        #expect(reader.roots.map(\.string) == [acked.commit.cid])
        let commitBytes = try #require(blocks[try CID(string: acked.commit.cid)])
        let commit = try Commit.decode(commitBytes)
        #expect(commit.verify(with: try DIDKey.parse(account.signingKey)))
        #expect(ops.count == 1)
        let uri = try #require(acked.results.first?.uri)
        let path = String(uri.dropFirst("at://\(account.did)/".count))
        let recordCID = try CID(string: try #require(acked.results.first?.cid))
        #expect(ops[0]["action"] == .string("create") && ops[0]["path"] == .string(path) && ops[0]["cid"] == .link(recordCID))
        #expect(ops[0]["prev"] == nil)
        #expect(blocks[recordCID] != nil, "the new record travels in blocks")
        try CommitInversion.verify(newRoot: commit.data, previousRoot: prevData,
                                   ops: [RecordOp(path: path, old: nil, new: recordCID)], blocks: blocks)
    }

    func expectConsecutive(_ frames: [FirehoseConsumer.Frame], from first: Int64? = nil, _ comment: Comment? = nil) {
        let seqs = frames.compactMap(\.seq)
        #expect(seqs.count == frames.count)
        if let start = seqs.first {
            #expect(seqs == Array(start..<(start + Int64(seqs.count))), "\(seqs)")
            if let first { #expect(start == first, comment) }
        }
    }

    /// One `pds up` for both halves: the suite runs beside the other process tests on two cores.
    @Test func firehoseAndSyncAgainstTheRealPDS() async throws {
        let pds = try PDSUp(restartDelayMillis: 300)
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(20)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let account = try await IPCAccount.create(pds, did: Self.did)
        try await liveReplayFutureCursorAndAFirehoseRestartLoseNothing(pds, account)
        try await syncEndpointsServeVerifiableRepoAndRecordProofs(pds, account)
        try await rebuildRepoResetsItAndAnnouncesASync(pds, account)
        _ = await Self.offThePool(pds) { $0.stop() }
    }

    /// Runs blocking work (waiting for processes) on a thread of its own: the test process's
    /// cooperative pool has two threads here, and other suites' timing tests share it.
    static func offThePool<T: Sendable>(_ pds: PDSUp, _ body: @escaping (PDSUp) -> T) async -> T {
        // Unchecked: the caller awaits the result before it touches `pds` again.
        nonisolated(unsafe) let pds = pds
        nonisolated(unsafe) let body = body
        return await withCheckedContinuation { done in
            Thread.detachNewThread { done.resume(returning: body(pds)) }
        }
    }

    func liveReplayFutureCursorAndAFirehoseRestartLoseNothing(_ pds: PDSUp, _ account: IPCAccount) async throws {

        // Live: a consumer without a cursor sees the writes made after it connected.
        let live = FirehoseConsumer(port: pds.port)
        // Live-only means events from the moment the subscription is in place: give the
        // connection time to be established even on a loaded 2-core machine.
        try await Task.sleep(for: .seconds(3))
        var acked: [RepoTypes.ApplyWritesResponse] = []
        for i in 0..<6 { acked.append(try await account.post("live \(i)")) }
        // The new repo's own #commit and #sync may still be on their way when the consumer
        // connects: wait for the six writes themselves.
        let isWrite: (FirehoseConsumer.Frame) -> Bool = { $0.type == "#commit" && $0.body["repo"] == .string(Self.did) && $0.body["ops"] != .array([]) }
        #expect(await live.waitFor { $0.filter(isWrite).count >= 6 }, "live got \(live.frames.count): \(live.failure ?? "")\n\(pds.log())")
        let liveCommits = live.frames.filter(isWrite)
        try #require(liveCommits.count == 6)
        expectConsecutive(live.frames)
        var since = account.created.rev
        for (frame, write) in zip(liveCommits, acked) {
            try checkCommit(frame, write, since: since, account: account)
            since = write.commit.rev
        }

        // Replay: from a cursor in the middle, then live, with no gap and no duplicate.
        let middle = try #require(liveCommits[2].seq)
        let replay = FirehoseConsumer(port: pds.port, cursor: String(middle))
        #expect(await replay.waitFor { $0.count >= 3 }, "\(replay.failure ?? "open")")
        for i in 0..<3 { acked.append(try await account.post("after replay \(i)")) }
        let head = middle + 3 + 3
        #expect(await replay.waitFor { $0.last?.seq == head }, "\(replay.frames.compactMap(\.seq))")
        expectConsecutive(replay.frames, from: middle + 1)

        // A cursor ahead of the stream: FutureCursor, then the server closes.
        let future = FirehoseConsumer(port: pds.port, cursor: String(head + 1000))
        #expect(await future.waitFor { _ in future.closed }, "\(future.failure ?? "open")\n\(pds.log())")
        #expect(future.frames.map(\.errorName) == ["FutureCursor"] && future.frames.first?.isError == true)
        let invalid = FirehoseConsumer(port: pds.port, cursor: "soon")
        #expect(await invalid.waitFor { _ in invalid.closed }, "\(invalid.failure ?? "open")")
        #expect(invalid.frames.map(\.errorName) == ["InvalidRequest"])

        // kill -9 FirehoseService; writes acknowledged while it is down reach every consumer
        // once it is back (the outbox relay retries, the gateway fills the gap).
        let firehosePID = try #require(pds.children()["firehose"])
        kill(firehosePID, SIGKILL)
        var whileDown: [RepoTypes.ApplyWritesResponse] = []
        for i in 0..<5 { whileDown.append(try await account.post("while down \(i)")) }
        acked += whileDown
        let restarted = await HTTP.eventually(within: .seconds(10)) { pds.children()["firehose"].map { $0 != firehosePID } ?? false }
        #expect(restarted)
        let finalHead = head + 5
        #expect(await live.waitFor(.seconds(20)) { $0.last?.seq == finalHead }, "live: \(live.frames.compactMap(\.seq))\n\(pds.log())")
        expectConsecutive(live.frames)
        #expect(await replay.waitFor { $0.last?.seq == finalHead })
        expectConsecutive(replay.frames, from: middle + 1)

        // From cursor 0: every acknowledged write exactly once, in order.
        let everything = FirehoseConsumer(port: pds.port, cursor: "0")
        #expect(await everything.waitFor { $0.last?.seq == finalHead })
        expectConsecutive(everything.frames, from: 1)
        let revs = everything.commits.filter { $0.body["repo"] == .string(Self.did) }.compactMap { f -> String? in
            if case .string(let r)? = f.body["rev"] { r } else { nil }
        }
        #expect(revs == [account.created.rev] + acked.map(\.commit.rev))
        let health = try #require(await pds.health()?.json?["firehose"] as? [String: Any])
        #expect(health["retentionHours"] as? Int == 72 && health["head"] as? Int == Int(finalHead) && health["oldestSeq"] as? Int == 1)
        for consumer in [live, replay, everything] { consumer.stop() }
    }

    func syncEndpointsServeVerifiableRepoAndRecordProofs(_ pds: PDSUp, _ account: IPCAccount) async throws {
        // 14 posts so far from the firehose half.
        var last: RepoTypes.ApplyWritesResponse? = nil
        for i in 0..<6 { last = try await account.post("post \(i)") }
        let written = try #require(last)
        let sync = pds.baseURL + "/xrpc/com.atproto.sync."

        // getRepo: a CAR `pds repo verify` accepts, signed with the account's key.
        let repo = try #require(await HTTP.get(sync + "getRepo?did=\(Self.did)"))
        #expect(repo.status == 200)
        let file = pds.dataDirectory.appendingPathComponent("repo.car")
        try repo.body.write(to: file)
        let signingKey = account.signingKey
        let (exitStatus, printed) = await Self.offThePool(pds) { _ -> (Int32, String) in
            let verify = Process()
            guard let binary = try? PDSUp.binary() else { return (-1, "no pds binary") }
            verify.executableURL = binary
            verify.arguments = ["repo", "verify", file.path, "--did-key", signingKey]
            let out = Pipe()
            verify.standardOutput = out
            guard (try? verify.run()) != nil else { return (-1, "cannot run pds") }
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            verify.waitUntilExit()
            return (verify.terminationStatus, printed)
        }
        #expect(exitStatus == 0 && printed.contains("records: 20") && printed.contains("OK"), "\(printed)")

        // getRecord: the commit, the MST path and the record prove the record's CID.
        let uri = try #require(written.results.first?.uri)
        let rkey = String(uri.split(separator: "/").last!)
        let proof = try #require(await HTTP.get(sync + "getRecord?did=\(Self.did)&collection=app.bsky.feed.post&rkey=\(rkey)"))
        #expect(proof.status == 200)
        var reader = try CARReader(bytes: [UInt8](proof.body))
        let store = MemoryBlockStore()
        while let block = try reader.next() { store.put(block.cid, block.bytes) }
        let root = try #require(reader.roots.first)
        let commit = try Commit.decode(try #require(store.block(root)))
        #expect(commit.verify(with: try DIDKey.parse(account.signingKey)))
        #expect(try MST(root: commit.data, store: store).get("app.bsky.feed.post/\(rkey)")?.string == written.results.first?.cid)
        let absent = try #require(await HTTP.get(sync + "getRecord?did=\(Self.did)&collection=app.bsky.feed.post&rkey=nope"))
        #expect(absent.status == 400 && absent.errorName == "RecordNotFound")

        // Heads, statuses and the listing agree.
        let latest = try #require(await HTTP.get(sync + "getLatestCommit?did=\(Self.did)")?.json)
        #expect(latest["cid"] as? String == written.commit.cid && latest["rev"] as? String == written.commit.rev)
        let status = try #require(await HTTP.get(sync + "getRepoStatus?did=\(Self.did)")?.json)
        #expect(status["active"] as? Bool == true && status["rev"] as? String == written.commit.rev)
        let list = try #require(await HTTP.get(sync + "listRepos")?.json?["repos"] as? [[String: Any]])
        #expect(list.count == 1 && list.first?["head"] as? String == written.commit.cid && list.first?["active"] as? Bool == true)
        let blocks = try #require(await HTTP.get(sync + "getBlocks?did=\(Self.did)&cids=\(written.commit.cid)"))
        #expect(blocks.status == 200)
        let unknown = try #require(await HTTP.get(sync + "getRepo?did=did:plc:nobodynobodynobodynobod"))
        #expect(unknown.status == 400 && unknown.errorName == "RepoNotFound")
        let plain = try #require(await HTTP.get(sync + "subscribeRepos"))
        #expect(plain.status == 400)
    }

    /// `pds admin rebuild-repo`: a new head with no history over the same records, announced
    /// with a `#sync` carrying just that commit; a DID without a repo fails the command.
    func rebuildRepoResetsItAndAnnouncesASync(_ pds: PDSUp, _ account: IPCAccount) async throws {
        let sync = pds.baseURL + "/xrpc/com.atproto.sync."
        let before = try #require(await HTTP.get(sync + "getLatestCommit?did=\(Self.did)")?.json)
        let state = try #require(await pds.health()?.json?["firehose"] as? [String: Any])
        let cursor = try #require(state["head"] as? Int)
        let consumer = FirehoseConsumer(port: pds.port, cursor: String(cursor))
        let (status, output) = await Self.offThePool(pds) { pds in
            (try? pds.admin(["rebuild-repo", Self.did])) ?? (-1, "cannot run pds")
        }
        #expect(status == 0 && output.contains("records: 20"), "\(output)")
        let after = try #require(await HTTP.get(sync + "getLatestCommit?did=\(Self.did)")?.json)
        let head = try #require(after["cid"] as? String)
        #expect(head != before["cid"] as? String && (after["rev"] as? String ?? "") > (before["rev"] as? String ?? "~"))

        #expect(await consumer.waitFor { $0.contains { $0.type == "#sync" } }, "\(consumer.failure ?? "")\n\(pds.log().suffix(2000))")
        let event = try #require(consumer.frames.first { $0.type == "#sync" })
        #expect(event.seq == Int64(cursor + 1))
        #expect(event.body["did"] == .string(Self.did) && event.body["rev"] == .string(after["rev"] as? String ?? ""))
        guard case .bytes(let car)? = event.body["blocks"] else { throw TestFailure("no blocks in \(event.body)") }
        var reader = try CARReader(bytes: car)
        let commitBlock = try #require(try reader.next())
        #expect(try reader.next() == nil, "a #sync carries the commit block only")
        #expect(reader.roots.map(\.string) == [head] && commitBlock.cid.string == head)
        let commit = try Commit.decode(commitBlock.bytes)
        #expect(commit.verify(with: try DIDKey.parse(account.signingKey)) && commit.prev == nil)
        consumer.stop()

        // The reset repo still exports whole, with every record.
        let repo = try #require(await HTTP.get(sync + "getRepo?did=\(Self.did)"))
        let store = MemoryBlockStore()
        let root = try RepoVerifier.load(MemoryByteSource([UInt8](repo.body)), into: store)
        let verified = try RepoVerifier.verify(root: root, store: store, did: Self.did, key: try DIDKey.parse(account.signingKey))
        #expect(root.string == head && verified.recordCount == 20)

        let (missingStatus, missingOutput) = await Self.offThePool(pds) { pds in
            (try? pds.admin(["rebuild-repo", "did:plc:nobodynobodynobodynobod"])) ?? (-1, "")
        }
        #expect(missingStatus != 0 && missingOutput.contains("RepoNotFound"), "\(missingOutput)")
    }
}
