import EventStream
import Foundation
import GRDB
import IPLD
import Repo
import Syntax

/// A firehose event of this repo (`#commit` for a write, `#sync` for a new or reset repo),
/// minus the `seq` FirehoseService assigns.
///
/// Built inside the write transaction and stored in the outbox with it, so no acknowledged
/// write can miss the firehose.
struct OutboxEvent {
    let kind: EventKind
    let body: DataValue
    let rev: String

    /// The `#sync` event announcing `commit` (its signed DAG-CBOR bytes) as the repo's state.
    init(syncing commit: [UInt8], did: String, rev: String) {
        kind = .sync
        self.rev = rev
        body = SyncEvent.body(did: did, rev: rev, commit: commit, time: ATDatetime(Date()).string)
    }

    init(result: CommitResult, did: String, recordValues: [String: DataValue]) {
        kind = .commit
        rev = result.commit.rev
        let ops: [DataValue] = result.ops.map { op in
            var m: [(String, DataValue)] = [
                ("action", .string(op.action.rawValue)),
                ("path", .string(op.path)),
                ("cid", op.new.map { .link($0) } ?? .null),
            ]
            if let prev = op.old { m.append(("prev", .link(prev))) }
            return .map(DataMap(m))
        }
        var fields: [(String, DataValue)] = [
            ("rebase", .bool(false)),
            ("tooBig", .bool(false)),
            ("repo", .string(did)),
            ("commit", .link(result.commitCID)),
            ("rev", .string(result.commit.rev)),
            ("since", result.since.map { .string($0) } ?? .null),
            ("blocks", .bytes(result.firehoseCAR)),
            ("ops", .array(ops)),
            ("blobs", .array(Self.newBlobs(result: result, recordValues: recordValues).map { .link($0) })),
            ("time", .string(ATDatetime(Date()).string)),
        ]
        if let prevData = result.prevData { fields.append(("prevData", .link(prevData))) }
        body = .map(DataMap(fields))
    }

    /// The blobs the commit's created and updated records reference, each once, in CID order
    /// (the `blobs` field: deprecated by the spec, still filled by the reference PDS).
    static func newBlobs(result: CommitResult, recordValues: [String: DataValue]) -> [CID] {
        var blobs = Set<CID>()
        for op in result.ops where op.new != nil {
            if let value = recordValues[op.path] { blobs.formUnion(BlobRef.all(in: value).map(\.ref)) }
        }
        return blobs.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    }

    /// The DAG-CBOR bytes stored in the outbox.
    var encoded: [UInt8] { DAGCBOR.encode(body) }

    /// Adds the event to the outbox, in the caller's transaction, and to `inserts` (for the
    /// store's mirror once the transaction commits). A commit is de-duplicated by its rev;
    /// `#sync`s may repeat a rev (a repo re-announced on reactivation), so theirs adds the time.
    func insert(into db: Database, _ inserts: OutboxInserts) throws {
        let now = ATDatetime(Date()).string
        let dedupeKey = kind == .commit ? rev : "\(rev)@\(now)"
        let bytes = encoded
        try db.cachedStatement(sql: "INSERT INTO outbox_event (kind, rev, dedupeKey, event, createdAt) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [kind.rawValue, rev, dedupeKey, Data(bytes), now])
        inserts.events.append(PendingOutboxEvent(id: db.lastInsertedRowID, kind: kind.rawValue, rev: rev, dedupeKey: dedupeKey, event: bytes))
    }
}

/// An outbox row not yet acknowledged by FirehoseService.
public struct PendingOutboxEvent: Sendable, Equatable {
    public let id: Int64
    public let kind: String
    public let rev: String
    public let dedupeKey: String
    public let event: [UInt8]
}
