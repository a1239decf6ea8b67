/// One of the reference PDS's rate limits: at most `limit` points per `windowSeconds`.
public struct RateLimit: Sendable, Equatable {
    /// Names the limit in counter keys (`<name>:<subject>`).
    public let name: String
    public let limit: Int
    public let windowSeconds: Int

    public init(_ name: String, _ limit: Int, per windowSeconds: Int) {
        self.name = name
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    static let minute = 60, hour = 3600, day = 86_400

    /// Every XRPC call, per client IP.
    public static let global = RateLimit("global", 3000, per: 5 * minute)
    /// Logins, per identifier (handle, email or DID as given).
    public static let createSession = RateLimit("create-session", 30, per: 5 * minute)
    public static let createSessionDaily = RateLimit("create-session-day", 300, per: day)
    /// Logins, per client IP, with the same figures: guessing across many identifiers from
    /// one address is held back too (a counter of its own, so the two never add up).
    public static let createSessionPerIP = RateLimit("create-session-ip", 30, per: 5 * minute)
    public static let createSessionPerIPDaily = RateLimit("create-session-ip-day", 300, per: day)
    /// Sign-ups, per client IP.
    public static let createAccount = RateLimit("create-account", 100, per: 5 * minute)
    /// Repo writes, per account, in points (`RepoWritePoints`).
    public static let repoWriteHourly = RateLimit("repo-write-hour", 5000, per: hour)
    public static let repoWriteDaily = RateLimit("repo-write-day", 35_000, per: day)
    /// Blob uploads, per client IP (the reference keys it by IP, its default).
    public static let uploadBlob = RateLimit("upload-blob", 1000, per: day)
    /// Handle changes, per account.
    public static let updateHandle = RateLimit("update-handle", 10, per: 5 * minute)

    /// Limits keyed by client IP that the dispatcher applies by NSID before the handler runs.
    static let perIPByMethod: [String: [RateLimit]] = [
        "com.atproto.server.createAccount": [.createAccount],
        "com.atproto.server.createSession": [.createSessionPerIP, .createSessionPerIPDaily],
        "com.atproto.repo.uploadBlob": [.uploadBlob],
    ]
}

/// What each kind of repo write costs against the repo-write limits (as the reference).
public enum RepoWritePoints {
    public static func points(action: String) -> Int {
        switch action {
        case "create": 3
        case "update": 2
        default: 1
        }
    }
}
