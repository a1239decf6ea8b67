/// The five back-end processes the gateway talks to over IPC.
public enum ServiceName: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
    case repo, firehose, blob, auth, backup

    /// The name used in logs, health reports and metrics labels ("RepoService", ...).
    public var processName: String {
        switch self {
        case .repo: "RepoService"
        case .firehose: "FirehoseService"
        case .blob: "BlobService"
        case .auth: "AuthService"
        case .backup: "BackupService"
        }
    }

    public var description: String { rawValue }
}
