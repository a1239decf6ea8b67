import Foundation
import IPLD
import Repo
import Syntax

/// A committed write's firehose `#commit` event, minus the `seq` FirehoseService assigns.
///
/// Built inside the write transaction and stored in the outbox with it, so no acknowledged
/// write can miss the firehose.
struct OutboxEvent {
    let body: DataValue

    init(result: CommitResult, did: String, recordValues: [String: DataValue]) {
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
            ("blobs", .array([])),
            ("time", .string(ATDatetime(Date()).string)),
        ]
        if let prevData = result.prevData { fields.append(("prevData", .link(prevData))) }
        body = .map(DataMap(fields))
    }

    /// The DAG-CBOR bytes stored in the outbox.
    var encoded: [UInt8] { DAGCBOR.encode(body) }
}
