import IPLD

/// One record change asked of a repo: the unit of `applyWrites`.
public enum RecordWrite: Sendable {
    case create(path: String, record: DataValue)
    case update(path: String, record: DataValue)
    case delete(path: String)

    /// The repo path (`collection/rkey`).
    public var path: String {
        switch self {
        case .create(let p, _), .update(let p, _), .delete(let p): return p
        }
    }
}
