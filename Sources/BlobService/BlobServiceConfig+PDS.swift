import Config
import Foundation

extension BlobServiceConfig {
    /// The configuration of a `pds blob` process: storage, data directory and upload limit as
    /// the shared `PDSConfig` resolved them (so every process agrees on them), the rest
    /// (TTL, quota, staging and database paths) from the environment.
    public init(pds: PDSConfig, environment: [String: String]) throws(BlobError) {
        var env = environment
        env["PDS_DATA_DIRECTORY"] = pds.dataDirectory
        env["PDS_BLOB_UPLOAD_LIMIT"] = String(pds.blobUploadLimit)
        if pds.blobstoreS3 == nil { env["PDS_BLOBSTORE_DISK_LOCATION"] = pds.blobstoreDiskLocation }
        try self.init(environment: env)
    }

    /// How often the garbage-collection sweep runs: a quarter of the TTL, between 1 second
    /// and 10 minutes, so a temporary blob outlives its TTL by at most a quarter of it.
    public var sweepInterval: Duration {
        .milliseconds(Int64(min(max(tempTTL / 4, 1), 600) * 1000))
    }
}
