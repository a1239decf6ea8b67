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
            throw BackupError("S3 backups are not supported yet")
        }
        let folder = URL(fileURLWithPath: trimmed).standardizedFileURL
        guard folder.deletingLastPathComponent().lastPathComponent == "backups" else {
            throw BackupError("\(text) is not a backup folder (expected PDS_BACKUP_DIR/backups/<id>)")
        }
        return (LocalBackupTarget(root: folder.deletingLastPathComponent().deletingLastPathComponent()), folder.lastPathComponent)
    }
}
