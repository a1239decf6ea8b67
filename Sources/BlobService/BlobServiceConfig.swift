import Foundation
import S3

/// What the BlobService needs to know, read from the environment under the reference PDS's
/// variable names where one exists.
public struct BlobServiceConfig: Sendable {
    /// Where the blob bytes live.
    public enum Storage: Sendable {
        /// A directory (`PDS_BLOBSTORE_DISK_LOCATION`).
        case disk(directory: String)
        /// An S3-compatible bucket (`PDS_BLOBSTORE_S3_*`).
        case s3(S3Config)
    }

    public var storage: Storage
    /// Path of `blobs.sqlite`.
    public var databasePath: String
    /// Where uploads are spooled while they are hashed and measured. For disk storage it
    /// should be on the same filesystem as the blobs, so storing a blob is a rename.
    public var stagingDirectory: String
    /// Largest accepted upload in bytes (`PDS_BLOB_UPLOAD_LIMIT`, default 100 MB).
    public var uploadLimit: Int64
    /// How long an unreferenced blob is kept (`PDS_BLOB_TEMP_TTL`, default 6 hours).
    public var tempTTL: TimeInterval
    /// Optional per-account storage quota in bytes (`PDS_BLOB_ACCOUNT_QUOTA`).
    public var accountQuota: Int64?
    /// `PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT`: an external replicator owns checkpoints.
    public var disableWALAutoCheckpoint: Bool

    public static let defaultUploadLimit: Int64 = 104_857_600
    public static let defaultTempTTL: TimeInterval = 6 * 3600

    public init(storage: Storage, databasePath: String, stagingDirectory: String,
                uploadLimit: Int64 = BlobServiceConfig.defaultUploadLimit,
                tempTTL: TimeInterval = BlobServiceConfig.defaultTempTTL,
                accountQuota: Int64? = nil, disableWALAutoCheckpoint: Bool = false) {
        self.storage = storage
        self.databasePath = databasePath
        self.stagingDirectory = stagingDirectory
        self.uploadLimit = uploadLimit
        self.tempTTL = tempTTL
        self.accountQuota = accountQuota
        self.disableWALAutoCheckpoint = disableWALAutoCheckpoint
    }

    /// Reads the configuration. S3 is chosen when `PDS_BLOBSTORE_S3_BUCKET` is set, disk
    /// otherwise; everything defaults to a place under `PDS_DATA_DIRECTORY` (`./data`).
    public init(environment env: [String: String]) throws(BlobError) {
        let dataDir = env["PDS_DATA_DIRECTORY"].nonEmpty ?? "./data"
        let diskDir = env["PDS_BLOBSTORE_DISK_LOCATION"].nonEmpty ?? dataDir + "/blobs"
        if let bucket = env["PDS_BLOBSTORE_S3_BUCKET"].nonEmpty {
            storage = .s3(try S3Config(bucket: bucket, environment: env))
            stagingDirectory = env["PDS_BLOBSTORE_DISK_TMP_LOCATION"].nonEmpty ?? dataDir + "/blob-staging"
        } else {
            storage = .disk(directory: diskDir)
            // The reference's variable, but by default beside the blobs so a store is a rename.
            stagingDirectory = env["PDS_BLOBSTORE_DISK_TMP_LOCATION"].nonEmpty ?? diskDir + "/tmp"
        }
        databasePath = env["PDS_BLOB_DB_LOCATION"].nonEmpty ?? dataDir + "/blobs.sqlite"
        uploadLimit = try Self.int(env, "PDS_BLOB_UPLOAD_LIMIT") ?? Self.defaultUploadLimit
        tempTTL = try env["PDS_BLOB_TEMP_TTL"].nonEmpty.map { (s) throws(BlobError) in try Self.duration(s) } ?? Self.defaultTempTTL
        accountQuota = try Self.int(env, "PDS_BLOB_ACCOUNT_QUOTA")
        disableWALAutoCheckpoint = env["PDS_SQLITE_DISABLE_WAL_AUTO_CHECKPOINT"]?.lowercased() == "true"
    }

    static func int(_ env: [String: String], _ name: String) throws(BlobError) -> Int64? {
        guard let s = env[name].nonEmpty else { return nil }
        guard let v = Int64(s), v > 0 else { throw .internalError("\(name) must be a positive integer, got \(s)") }
        return v
    }

    /// Seconds, or a number with a unit suffix: `90s`, `30m`, `6h`, `2d`.
    static func duration(_ s: String) throws(BlobError) -> TimeInterval {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var number = Substring(s)
        var scale = 1.0
        if let last = s.last, let u = units[last] {
            number = s.dropLast()
            scale = u
        }
        guard let v = Double(number), v >= 0 else { throw .internalError("PDS_BLOB_TEMP_TTL must be a duration like 21600, 90m or 6h, got \(s)") }
        return v * scale
    }
}

extension Optional where Wrapped == String {
    /// The value unless unset or empty: an empty variable means "not set" to operators.
    var nonEmpty: String? {
        guard let s = self, !s.isEmpty else { return nil }
        return s
    }
}
