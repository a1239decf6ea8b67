import Crypto
import Foundation
import Syntax

/// What the drill knows of one record: the states it may be in. An acknowledged write leaves
/// exactly one; a write that failed (the server may or may not have applied it before dying)
/// adds the state it would have made. `absent` is a deleted or never-created record; `anyCID`
/// a write whose CID the drill never saw.
struct PossibleStates: Sendable {
    static let absent = ""
    static let anyCID = "?"
    var states: Set<String>

    /// Whether `actual` (a CID, or nil for no record) is one of the states.
    func allows(_ actual: String?) -> Bool {
        guard let actual else { return states.contains(Self.absent) }
        return states.contains(actual) || states.contains(Self.anyCID)
    }

    /// The one CID the record certainly has now, if the drill knows it.
    var certainCID: String? {
        guard states.count == 1, let only = states.first, only != Self.absent, only != Self.anyCID else { return nil }
        return only
    }
}

/// One account's writes at a steady pace, one at a time (as one client writes), and what
/// the server acknowledged of them.
final class DrillLane: @unchecked Sendable {
    // @unchecked: a lane is driven by exactly one task at a time (its `run`), and read only
    // after that task has finished.
    static let notes = "io.pdswift.drill.note"
    static let files = "io.pdswift.drill.file"

    let did: String
    var client: XRPCClient
    var refreshJwt: String
    var records: [String: PossibleStates] = [:]  // rkey-qualified path "collection/rkey"
    var ackedRevs: [String] = []
    var blobs: [(cid: String, sha256: String, path: String)] = []
    var acknowledged = 0
    var failures: [String: Int] = [:]
    var attempts = 0
    private var random = SystemRandomNumberGenerator()

    init(did: String, client: XRPCClient, refreshJwt: String) {
        self.did = did; self.client = client; self.refreshJwt = refreshJwt
    }

    /// Writes until `deadline`, starting one write every `interval`.
    func run(until deadline: ContinuousClock.Instant, interval: Duration) async {
        var next = ContinuousClock.now
        while ContinuousClock.now < deadline {
            await step()
            next += interval
            if next > ContinuousClock.now { try? await Task.sleep(until: next) } else { next = ContinuousClock.now }
        }
    }

    /// One write, chosen at random among what the account can do now.
    func step() async {
        let live = records.filter { $0.key.hasPrefix(Self.notes + "/") && $0.value.certainCID != nil }.keys.sorted()
        let roll = Int.random(in: 0..<100, using: &random)
        do {
            switch roll {
            case ..<40: try await create()
            case ..<58 where !live.isEmpty: try await put(live.randomElement(using: &random)!)
            case ..<68 where !live.isEmpty: try await delete(live.randomElement(using: &random)!)
            case ..<85: try await applyWrites(update: live.randomElement(using: &random))
            default: try await uploadBlob()
            }
        } catch let failure as XRPCClient.Failure {
            if failure.error == "ExpiredToken" { await refresh() }
            failures["\(failure.status) \(failure.error)", default: 0] += 1
        } catch {
            failures["no answer", default: 0] += 1
        }
    }

    private func refresh() async {
        guard let session = try? await client.call("com.atproto.server.refreshSession", body: [:], bearer: refreshJwt),
              let access = session["accessJwt"] as? String, let refresh = session["refreshJwt"] as? String else { return }
        client.accessToken = access
        refreshJwt = refresh
    }

    private func note() -> [String: Any] {
        ["$type": Self.notes, "text": "drill write \(attempts)", "createdAt": ATDatetime(Date()).string]
    }

    /// Runs a write that sets `changes` (path → new state, CIDs unknown until answered), then
    /// records what the answer says, or, without one, that either outcome may have happened.
    private func write(_ paths: [String], newStates: [String], _ call: () async throws -> [String: Any],
                       answeredStates: ([String: Any]) -> [String]) async throws -> [String: Any] {
        attempts += 1
        let answer: [String: Any]
        do { answer = try await call() } catch {
            for (path, state) in zip(paths, newStates) {
                records[path, default: PossibleStates(states: [PossibleStates.absent])].states.insert(state)
            }
            throw error
        }
        for (path, state) in zip(paths, answeredStates(answer)) { records[path] = PossibleStates(states: [state]) }
        if let commit = answer["commit"] as? [String: Any], let rev = commit["rev"] as? String { ackedRevs.append(rev) }
        acknowledged += 1
        return answer
    }

    private func create() async throws {
        let rkey = TIDClock.shared.next().string
        _ = try await write([Self.notes + "/" + rkey], newStates: [PossibleStates.anyCID], {
            try await client.call("com.atproto.repo.createRecord", body: ["repo": did, "collection": Self.notes, "rkey": rkey, "record": note()], timeout: 10)
        }, answeredStates: { [($0["cid"] as? String) ?? PossibleStates.anyCID] })
    }

    private func put(_ path: String) async throws {
        let rkey = String(path.dropFirst(Self.notes.count + 1))
        _ = try await write([path], newStates: [PossibleStates.anyCID], {
            try await client.call("com.atproto.repo.putRecord", body: ["repo": did, "collection": Self.notes, "rkey": rkey, "record": note()], timeout: 10)
        }, answeredStates: { [($0["cid"] as? String) ?? PossibleStates.anyCID] })
    }

    private func delete(_ path: String) async throws {
        let rkey = String(path.dropFirst(Self.notes.count + 1))
        _ = try await write([path], newStates: [PossibleStates.absent], {
            try await client.call("com.atproto.repo.deleteRecord", body: ["repo": did, "collection": Self.notes, "rkey": rkey], timeout: 10)
        }, answeredStates: { _ in [PossibleStates.absent] })
    }

    /// Two creates and, when there is a record to change, an update, in one commit.
    private func applyWrites(update: String?) async throws {
        let keys = [TIDClock.shared.next().string, TIDClock.shared.next().string]
        var writes: [[String: Any]] = keys.map {
            ["$type": "com.atproto.repo.applyWrites#create", "collection": Self.notes, "rkey": $0, "value": note()]
        }
        var paths = keys.map { Self.notes + "/" + $0 }
        if let update {
            writes.append(["$type": "com.atproto.repo.applyWrites#update", "collection": Self.notes,
                           "rkey": String(update.dropFirst(Self.notes.count + 1)), "value": note()])
            paths.append(update)
        }
        _ = try await write(paths, newStates: paths.map { _ in PossibleStates.anyCID }, {
            try await client.call("com.atproto.repo.applyWrites", body: ["repo": did, "writes": writes], timeout: 10)
        }, answeredStates: { answer in
            let results = answer["results"] as? [[String: Any]] ?? []
            return paths.indices.map { i in i < results.count ? (results[i]["cid"] as? String ?? PossibleStates.anyCID) : PossibleStates.anyCID }
        })
    }

    /// A blob, then the record that keeps it (a blob no record uses may be collected).
    private func uploadBlob() async throws {
        var bytes = [UInt8](repeating: 0, count: Int.random(in: 512...32_768, using: &random))
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &random) }
        attempts += 1
        let uploaded = try await client.upload("com.atproto.repo.uploadBlob", Data(bytes), contentType: "application/octet-stream", timeout: 10)
        acknowledged += 1
        guard let blob = uploaded["blob"] as? [String: Any], let ref = blob["ref"] as? [String: Any], let cid = ref["$link"] as? String else {
            failures["uploadBlob answer without a blob ref", default: 0] += 1
            return
        }
        let rkey = TIDClock.shared.next().string
        let path = Self.files + "/" + rkey
        let record: [String: Any] = ["$type": Self.files, "file": blob, "createdAt": ATDatetime(Date()).string]
        _ = try await write([path], newStates: [PossibleStates.anyCID], {
            try await client.call("com.atproto.repo.createRecord", body: ["repo": did, "collection": Self.files, "rkey": rkey, "record": record], timeout: 10)
        }, answeredStates: { [($0["cid"] as? String) ?? PossibleStates.anyCID] })
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        blobs.append((cid, digest, path))
    }
}
