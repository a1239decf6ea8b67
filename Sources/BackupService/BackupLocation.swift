import Config
import Foundation

/// Where `pds restore --from` finds a backup: a local folder `DIR/backups/<id>` (under
/// `PDS_BACKUP_DIR`), or `s3://BUCKET/[PREFIX/]backups/<id>` (credentials and endpoint from
/// `PDS_BACKUP_S3_*`).
public enum BackupLocation {
    /// The source holding the backup, and the backup's id.
    public static func parse(_ text: String, environment: [String: String]) throws -> (source: any BackupSource, id: String) {
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasPrefix("s3://") {
            return try s3(trimmed, environment: environment)
        }
        let folder = URL(fileURLWithPath: trimmed).standardizedFileURL
        guard folder.deletingLastPathComponent().lastPathComponent == "backups" else {
            throw BackupError("\(text) is not a backup folder (expected PDS_BACKUP_DIR/backups/<id>)")
        }
        return (LocalBackupTarget(root: folder.deletingLastPathComponent().deletingLastPathComponent()), folder.lastPathComponent)
    }

    /// `s3://BUCKET/[PREFIX/]backups/<id>`: the bucket and prefix from the address, the rest
    /// (endpoint, region, keys, path style) from `PDS_BACKUP_S3_*`.
    static func s3(_ address: String, environment: [String: String]) throws -> (source: any BackupSource, id: String) {
        let parts = address.dropFirst("s3://".count).split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[parts.count - 2] == "backups" else {
            throw BackupError("\(address) is not a backup address (expected s3://BUCKET/[PREFIX/]backups/<id>)")
        }
        var env = environment
        env["PDS_BACKUP_S3_BUCKET"] = parts[0]
        env["PDS_BACKUP_S3_PREFIX"] = parts[1..<(parts.count - 2)].joined(separator: "/")
        guard let s3 = try PDSConfig(environment: env).backupS3 else { throw BackupError("no S3 settings") }
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("pds-restore-\(UUID().uuidString)")
        return (try S3BackupTarget(config: s3, staging: staging), parts[parts.count - 1])
    }
}
