import IPLD

/// The body of a `#sync` event: the repo's new state without the history that led there,
/// sent after a repo is imported or reset so relays re-sync the account from its current
/// commit instead of applying `#commit` diffs.
///
/// As `com.atproto.sync.subscribeRepos#sync`: `did`, `rev`, `blocks` (a CAR whose first root
/// is the commit and which holds only the commit block) and `time`; FirehoseService adds
/// `seq` when it sequences the event.
public enum SyncEvent {
    /// The body for the signed commit `commit` (its DAG-CBOR bytes) at `rev`; `time` is
    /// an AT Protocol datetime string.
    public static func body(did: String, rev: String, commit: [UInt8], time: String) -> DataValue {
        let cid = CID.compute(.dagCBOR, of: commit)
        return .map(DataMap([
            ("did", .string(did)),
            ("rev", .string(rev)),
            ("blocks", .bytes(CARWriter.encode(roots: [cid], blocks: [(cid, commit)]))),
            ("time", .string(time)),
        ]))
    }
}
