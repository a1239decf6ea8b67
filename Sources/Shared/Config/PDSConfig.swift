import Foundation
import Syntax

/// Everything a PDSwift process is configured with, read from environment variables named as the
/// reference PDS names them, so an operator can move over with the same `pds.env`.
///
/// `PDSConfig.load()` is what processes call at start: it reads and validates the environment,
/// makes the data directory, and fills in secrets that are not set from `<data>/secrets.env`,
/// generating them the first time.
public struct PDSConfig: Sendable {
    // Service identity.
    public var hostname: String
    public var port: Int
    /// The address the gateway listens on: loopback for a localhost dev server, every interface otherwise.
    public var bindAddress: String
    public var publicURL: URL
    public var serviceDID: String
    public var version: String
    public var devMode: Bool

    // Storage.
    public var dataDirectory: String
    public var blobstoreDiskLocation: String
    public var blobstoreS3: S3Bucket?
    public var blobUploadLimit: Int
    /// `PDS_IMPORT_REPO_LIMIT`: the largest CAR `importRepo` takes (bytes, default 100 MB).
    public var importRepoLimit: Int
    /// `PDS_REPO_CACHE_MB`: the memory RepoService's open account stores may keep in caches
    /// (SQLite pages and decoded MST nodes), all stores together (default 256).
    public var repoCacheMB: Int
    public var sqliteDisableWALAutoCheckpoint: Bool
    /// `PDS_SQLITE_WAL_WARNING_MB`: `_health` warns when one SQLite write-ahead log passes it.
    public var sqliteWALWarningMB: Int

    // Secrets (from the environment or `<data>/secrets.env`).
    public var secrets: Secrets

    // Network and identity services.
    public var didPLCURL: URL
    /// Port of the development PLC directory `pds up` runs when no PLC directory is configured.
    public var devPLCPort: Int
    public var crawlers: [URL]
    /// How long FirehoseService keeps sequenced events for cursor replay (`PDS_FIREHOSE_RETENTION_HOURS`).
    public var firehoseRetentionHours: Int
    /// Events one `subscribeRepos` client may have queued before it is cut off with
    /// `ConsumerTooSlow` (`PDS_FIREHOSE_SUBSCRIBER_QUEUE`).
    public var firehoseSubscriberQueue: Int
    /// How long one frame may wait to be flushed to a `subscribeRepos` client (its TCP window
    /// full) before the client is cut off with `ConsumerTooSlow` (`PDS_FIREHOSE_WRITE_TIMEOUT_MS`).
    public var firehoseWriteTimeoutMilliseconds: Int
    /// Where BackupService writes backups (`PDS_BACKUP_DIR`); with an S3 target, where it
    /// stages them before upload.
    public var backupDirectory: String
    /// The S3 bucket backups go to instead of `backupDirectory`, when `PDS_BACKUP_S3_BUCKET` is set.
    public var backupS3: S3Bucket?
    /// `PDS_BACKUP_ENCRYPTION_KEY` / `PDS_BACKUP_ENCRYPTION_KEY_FILE`: the key backups are
    /// encrypted with, as text (checked by the BackupService at start), or the file holding it.
    public var backupEncryptionKey: String?
    public var backupEncryptionKeyFile: String?
    /// When scheduled backups run: an interval or a cron expression; nil when off (`PDS_BACKUP_SCHEDULE`).
    public var backupSchedule: Schedule?
    /// When scheduled restore drills run, likewise (`PDS_BACKUP_DRILL_SCHEDULE`).
    public var backupDrillSchedule: Schedule?
    /// Daily and weekly backups kept (`PDS_BACKUP_KEEP_DAILY`, `PDS_BACKUP_KEEP_WEEKLY`).
    public var backupKeepDaily: Int
    public var backupKeepWeekly: Int
    /// Age of the newest complete backup above which `_health` warns (`PDS_BACKUP_MAX_AGE_HOURS`).
    public var backupMaxAgeHours: Int
    /// Disk usage of the data or backup volume, in percent, above which `_health` warns
    /// (`PDS_DISK_USAGE_WARNING_PERCENT`, default 90).
    public var diskUsageWarningPercent: Int
    public var appView: AppViewConfig?
    public var reportService: AppViewConfig?
    /// How the service proxy bounds an upstream call (`PDS_PROXY_*`, named as the reference names them).
    public var proxy: ProxyLimits
    /// `PDS_BSKY_APP_VIEW_CDN_URL_PATTERN`: image URLs in read-after-write post views, a
    /// pattern with `%s` for the preset, the DID and the CID in turn (as the reference); unset,
    /// images point at this PDS's `com.atproto.sync.getBlob`.
    public var appViewCDNURLPattern: String?

    // Accounts and the server description.
    public var inviteRequired: Bool
    public var serviceHandleDomains: [String]
    public var contactEmailAddress: String?
    public var privacyPolicyURL: URL?
    public var termsOfServiceURL: URL?
    public var emailSMTPURL: String?
    public var emailFromAddress: String?
    /// PEM certificates to trust for the SMTP server besides the system's (`PDS_EMAIL_SMTP_CA_FILE`).
    public var emailSMTPCAFile: String?

    // Rate limits.
    /// Whether the reference PDS's rate limits apply (`PDS_RATE_LIMITS_ENABLED`, default true).
    public var rateLimitsEnabled: Bool
    /// A value of the `x-ratelimit-bypass` header that skips them, for bulk imports (`PDS_RATE_LIMIT_BYPASS_KEY`).
    public var rateLimitBypassKey: String?

    // Processes.
    public var ipc: IPCEndpoints
    public var ipcTimeout: Duration
    public var logLevel: String
    public var logEnabled: Bool
    /// Where `pds up` keeps each process's log file (`PDS_LOG_DIR`, default `<data>/logs`;
    /// `off` keeps no files, for hosts where the container runtime collects stdout).
    public var logDirectory: String?
    /// A log file is rotated once it passes this size (`PDS_LOG_ROTATE_SIZE_MB`, default 100)…
    public var logRotateSizeMB: Int
    /// …or this age (`PDS_LOG_ROTATE_AGE_HOURS`, default 24).
    public var logRotateAgeHours: Int
    /// Rotated files older than this are removed (`PDS_LOG_RETENTION_DAYS`, default 14).
    public var logRetentionDays: Int

    /// An S3-compatible bucket as configured under one variable prefix: the blob store's
    /// (`PDS_BLOBSTORE_S3_*`) or the backups' (`PDS_BACKUP_S3_*`).
    public struct S3Bucket: Sendable, Equatable {
        public var bucket: String
        public var region: String?
        public var endpoint: URL?
        public var accessKeyID: String?
        public var secretAccessKey: String?
        public var forcePathStyle: Bool
        /// Key prefix (`…_PREFIX`, backups only), without leading or trailing slash; "" for none.
        public var prefix: String
    }

    /// The service proxy's bounds on one upstream call.
    public struct ProxyLimits: Sendable, Equatable {
        /// Time until the upstream's status line and headers (`PDS_PROXY_HEADERS_TIMEOUT`, ms, default 10,000).
        public var headersTimeoutMilliseconds: Int
        /// Time until the whole body has arrived (`PDS_PROXY_BODY_TIMEOUT`, ms, default 30,000).
        public var bodyTimeoutMilliseconds: Int
        /// Largest upstream answer passed on (`PDS_PROXY_MAX_RESPONSE_SIZE`, bytes, default 10 MiB).
        public var maxResponseBytes: Int
    }

    /// An upstream service reached by URL and identified by DID (the AppView, the moderation service).
    public struct AppViewConfig: Sendable, Equatable {
        public var url: URL
        public var did: String
    }

    /// The software version reported by describeServer, `_health` and ping.
    public static let softwareVersion = "0.1.0"

    /// Reads the environment and validates it, without touching disk. Secrets not in the
    /// environment come back empty; `load` fills them in.
    public init(environment: [String: String]) throws(ConfigError) {
        var env = EnvironmentReader(environment)
        hostname = env.string("PDS_HOSTNAME") ?? "localhost"
        guard Self.isValidHostname(hostname) else {
            throw ConfigError.invalid(variable: "PDS_HOSTNAME", value: hostname, expected: "a DNS host name such as pds.example.com")
        }
        port = try env.int("PDS_PORT", in: 1...65535, expected: "a TCP port number 1-65535") ?? 2583
        devMode = try env.bool("PDS_DEV_MODE") ?? (hostname == "localhost")
        bindAddress = env.string("PDS_BIND_ADDRESS") ?? (hostname == "localhost" ? "127.0.0.1" : "0.0.0.0")
        guard bindAddress.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else {
            throw ConfigError.invalid(variable: "PDS_BIND_ADDRESS", value: bindAddress, expected: "an IP address such as 0.0.0.0")
        }
        let isLocal = hostname == "localhost"
        publicURL = URL(string: isLocal ? "http://localhost:\(port)" : "https://\(hostname)")!
        serviceDID = env.string("PDS_SERVICE_DID") ?? "did:web:\(hostname)"
        guard (try? DID(serviceDID)) != nil else {
            throw ConfigError.invalid(variable: "PDS_SERVICE_DID", value: serviceDID, expected: "a DID such as did:web:pds.example.com")
        }
        version = Self.softwareVersion

        let data = env.string("PDS_DATA_DIRECTORY") ?? "./data"
        dataDirectory = Self.absolute(data)
        blobstoreDiskLocation = Self.absolute(env.string("PDS_BLOBSTORE_DISK_LOCATION") ?? dataDirectory + "/blocks")
        blobstoreS3 = try Self.s3Bucket(&env, "PDS_BLOBSTORE_S3_")
        blobUploadLimit = try env.int("PDS_BLOB_UPLOAD_LIMIT", in: 1...(1 << 34), expected: "a size in bytes") ?? 104_857_600
        importRepoLimit = try env.int("PDS_IMPORT_REPO_LIMIT", in: 1...(1 << 32), expected: "a size in bytes") ?? 100_000_000
        repoCacheMB = try env.int("PDS_REPO_CACHE_MB", in: 8...1_048_576, expected: "megabytes") ?? 256
        sqliteDisableWALAutoCheckpoint = try env.bool("PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT") ?? false
        sqliteWALWarningMB = try env.int("PDS_SQLITE_WAL_WARNING_MB", in: 1...1_048_576, expected: "megabytes") ?? 256

        secrets = try Secrets.read(&env)

        didPLCURL = try env.url("PDS_DID_PLC_URL") ?? URL(string: "https://plc.directory")!
        devPLCPort = try env.int("PDS_DEV_PLC_PORT", in: 1...65535, expected: "a port number") ?? min(port + 1, 65535)
        crawlers = try env.urlList("PDS_CRAWLERS") ?? []
        firehoseRetentionHours = try env.int("PDS_FIREHOSE_RETENTION_HOURS", in: 1...87_600, expected: "hours 1-87600") ?? 72
        firehoseSubscriberQueue = try env.int("PDS_FIREHOSE_SUBSCRIBER_QUEUE", in: 1...1_000_000, expected: "an event count") ?? 1000
        firehoseWriteTimeoutMilliseconds = try env.int("PDS_FIREHOSE_WRITE_TIMEOUT_MS", in: 100...600_000, expected: "milliseconds 100-600000") ?? 10_000
        backupDirectory = Self.absolute(env.string("PDS_BACKUP_DIR") ?? dataDirectory + "/backups")
        backupS3 = try Self.s3Bucket(&env, "PDS_BACKUP_S3_", withPrefix: true)
        backupEncryptionKey = env.string("PDS_BACKUP_ENCRYPTION_KEY")
        backupEncryptionKeyFile = env.string("PDS_BACKUP_ENCRYPTION_KEY_FILE")
        // Checked here too (the key's form, and not both set), so a mistyped key stops every
        // process at once rather than only the BackupService; the key file is read by `pds up`
        // and the BackupService (`BackupEncryptionKey.resolve`), which may be the only ones to see it.
        if backupEncryptionKeyFile?.isEmpty ?? true {
            _ = try BackupEncryptionKey.resolve(key: backupEncryptionKey, file: nil)
        } else if !(backupEncryptionKey?.isEmpty ?? true) {
            _ = try BackupEncryptionKey.resolve(key: backupEncryptionKey, file: backupEncryptionKeyFile)
        }
        backupSchedule = try Self.schedule(&env, "PDS_BACKUP_SCHEDULE", default: 24 * 3600)
        backupDrillSchedule = try Self.schedule(&env, "PDS_BACKUP_DRILL_SCHEDULE", default: 7 * 24 * 3600)
        backupKeepDaily = try env.int("PDS_BACKUP_KEEP_DAILY", in: 1...3650, expected: "a count 1-3650") ?? 7
        backupKeepWeekly = try env.int("PDS_BACKUP_KEEP_WEEKLY", in: 0...520, expected: "a count 0-520") ?? 4
        backupMaxAgeHours = try env.int("PDS_BACKUP_MAX_AGE_HOURS", in: 1...87_600, expected: "hours") ?? 26
        diskUsageWarningPercent = try env.int("PDS_DISK_USAGE_WARNING_PERCENT", in: 1...100, expected: "a percentage 1-100") ?? 90
        appView = try Self.upstream(&env, url: "PDS_BSKY_APP_VIEW_URL", did: "PDS_BSKY_APP_VIEW_DID")
        reportService = try Self.upstream(&env, url: "PDS_REPORT_SERVICE_URL", did: "PDS_REPORT_SERVICE_DID")
        proxy = ProxyLimits(
            headersTimeoutMilliseconds: try env.int("PDS_PROXY_HEADERS_TIMEOUT", in: 100...600_000, expected: "milliseconds 100-600000") ?? 10_000,
            bodyTimeoutMilliseconds: try env.int("PDS_PROXY_BODY_TIMEOUT", in: 100...3_600_000, expected: "milliseconds 100-3600000") ?? 30_000,
            maxResponseBytes: try env.int("PDS_PROXY_MAX_RESPONSE_SIZE", in: 1024...(1 << 34), expected: "a size in bytes") ?? 10 * 1024 * 1024)
        appViewCDNURLPattern = env.string("PDS_BSKY_APP_VIEW_CDN_URL_PATTERN")

        inviteRequired = try env.bool("PDS_INVITE_REQUIRED") ?? false
        // As the reference PDS: handles are under the host name, or `.test` on a local dev server.
        serviceHandleDomains = env.list("PDS_SERVICE_HANDLE_DOMAINS") ?? [isLocal ? ".test" : ".\(hostname)"]
        for domain in serviceHandleDomains where !domain.hasPrefix(".") {
            throw ConfigError.invalid(variable: "PDS_SERVICE_HANDLE_DOMAINS", value: domain,
                                      expected: "domains starting with a dot, such as .example.com")
        }
        contactEmailAddress = env.string("PDS_CONTACT_EMAIL_ADDRESS")
        privacyPolicyURL = try env.url("PDS_PRIVACY_POLICY_URL")
        termsOfServiceURL = try env.url("PDS_TERMS_OF_SERVICE_URL")
        emailSMTPURL = env.string("PDS_EMAIL_SMTP_URL")
        emailFromAddress = env.string("PDS_EMAIL_FROM_ADDRESS")
        emailSMTPCAFile = env.string("PDS_EMAIL_SMTP_CA_FILE")

        rateLimitsEnabled = try env.bool("PDS_RATE_LIMITS_ENABLED") ?? true
        rateLimitBypassKey = env.string("PDS_RATE_LIMIT_BYPASS_KEY")

        ipc = try IPCEndpoints.read(&env, socketDirectory: dataDirectory + "/ipc")
        let timeoutMillis = try env.int("PDS_IPC_TIMEOUT_MS", in: 1...600_000, expected: "milliseconds 1-600000") ?? 5000
        ipcTimeout = .milliseconds(timeoutMillis)
        logLevel = env.string("LOG_LEVEL")?.lowercased() ?? "info"
        guard ["trace", "debug", "info", "notice", "warn", "warning", "error", "critical", "fatal"].contains(logLevel) else {
            throw ConfigError.invalid(variable: "LOG_LEVEL", value: logLevel, expected: "trace, debug, info, warn or error")
        }
        logEnabled = try env.bool("LOG_ENABLED") ?? true
        let logDir = env.string("PDS_LOG_DIR")
        logDirectory = logDir?.lowercased() == "off" ? nil : Self.absolute(logDir ?? dataDirectory + "/logs")
        logRotateSizeMB = try env.int("PDS_LOG_ROTATE_SIZE_MB", in: 1...1_048_576, expected: "megabytes") ?? 100
        logRotateAgeHours = try env.int("PDS_LOG_ROTATE_AGE_HOURS", in: 1...8_760, expected: "hours 1-8760") ?? 24
        logRetentionDays = try env.int("PDS_LOG_RETENTION_DAYS", in: 1...3_650, expected: "days 1-3650") ?? 14
        consultedVariables = env.consulted
    }

    /// Every environment variable this configuration reads.
    public let consultedVariables: Set<String>

    /// Reads, validates, creates the data directory and completes the secrets: what a process
    /// calls once at start.
    /// An interval such as `30m`, `6h`, `1d` or plain seconds; `off` disables it.
    static func interval(_ env: inout EnvironmentReader, _ name: String, default value: Int) throws(ConfigError) -> Int? {
        guard let text = env.string(name)?.lowercased() else { return value }
        if text == "off" || text == "never" { return nil }
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        var number = text
        var unit = 1
        if let last = text.last, let u = units[last] { unit = u; number = String(text.dropLast()) }
        guard let n = Int(number), n > 0 else {
            throw ConfigError.invalid(variable: name, value: text, expected: "an interval such as 30m, 6h, 1d, or off")
        }
        return n * unit
    }

    /// The bucket configured under `variables` (`PDS_BLOBSTORE_S3_` or `PDS_BACKUP_S3_`), nil
    /// when its `BUCKET` is unset. Every variable is read either way, so all count as known.
    static func s3Bucket(_ env: inout EnvironmentReader, _ variables: String, withPrefix: Bool = false) throws(ConfigError) -> S3Bucket? {
        let bucket = env.string(variables + "BUCKET")
        let region = env.string(variables + "REGION")
        let endpoint = try env.url(variables + "ENDPOINT")
        let key = env.string(variables + "ACCESS_KEY_ID")
        let secret = env.string(variables + "SECRET_ACCESS_KEY")
        let pathStyle = try env.bool(variables + "FORCE_PATH_STYLE") ?? false
        var prefix = withPrefix ? env.string(variables + "PREFIX") ?? "" : ""
        while prefix.hasSuffix("/") { prefix.removeLast() }
        while prefix.hasPrefix("/") { prefix.removeFirst() }
        guard let bucket else { return nil }
        return S3Bucket(bucket: bucket, region: region, endpoint: endpoint, accessKeyID: key, secretAccessKey: secret,
                        forcePathStyle: pathStyle, prefix: prefix)
    }

    /// An interval (see `interval`) or a 5-field cron expression in UTC (see `CronExpression`).
    static func schedule(_ env: inout EnvironmentReader, _ name: String, default value: Int) throws(ConfigError) -> Schedule? {
        guard let text = env.string(name), text.contains(" ") || text.hasPrefix("@") else {
            return try interval(&env, name, default: value).map { Schedule.every(seconds: $0) }
        }
        do {
            return .cron(try CronExpression(text))
        } catch {
            throw ConfigError.invalid(variable: name, value: text,
                                      expected: "an interval such as 6h or 1d, off, or a cron expression such as \"0 3 * * *\" (\(error))")
        }
    }

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> PDSConfig {
        var config = try PDSConfig(environment: environment)
        try config.prepareDirectories()
        config.secrets = try SecretsFile(directory: config.dataDirectory).complete(config.secrets)
        return config
    }

    /// Makes the data directory and the IPC socket directory (mode 0700: the sockets carry
    /// unauthenticated internal calls).
    public func prepareDirectories() throws(ConfigError) {
        for dir in [dataDirectory, dataDirectory + "/ipc"] {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw ConfigError.storage(path: dir, reason: "cannot create directory: \(error.localizedDescription)")
            }
        }
    }

    private static func upstream(_ env: inout EnvironmentReader, url: String, did: String) throws(ConfigError) -> AppViewConfig? {
        let address = try env.url(url)
        let identifier = env.string(did)
        if let identifier, (try? DID(identifier)) == nil {
            throw ConfigError.invalid(variable: did, value: identifier, expected: "a DID such as did:web:api.bsky.app")
        }
        switch (address, identifier) {
        case (nil, nil): return nil
        case (let address?, let identifier?): return AppViewConfig(url: address, did: identifier)
        case (nil, let identifier?): throw ConfigError.invalid(variable: url, value: "", expected: "a URL because \(did)=\(identifier) is set")
        case (let address?, nil): throw ConfigError.invalid(variable: did, value: "", expected: "a DID because \(url)=\(address) is set")
        }
    }

    static func isValidHostname(_ name: String) -> Bool {
        if name == "localhost" { return true }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return name.utf8.count <= 253 && labels.count >= 1 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.path
    }
}
