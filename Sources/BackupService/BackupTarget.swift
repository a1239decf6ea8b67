import Foundation

/// Where backups can be read from: a manifest, and the bytes of each of its files.
public protocol BackupSource: Sendable {
    /// The manifest of backup `id`.
    func manifest(_ id: String) async throws -> BackupManifest
    /// Writes the bytes of `entry` of backup `id` to `destination` (its directory exists).
    func fetch(_ entry: BackupManifest.Entry, backup id: String, to destination: URL) async throws
}

/// Where backups are kept: a local directory (`LocalBackupTarget`) or an S3 bucket
/// (`S3BackupTarget`). Services always write snapshots to local files first (only they
/// may open their stores); a remote target then uploads them.
public protocol BackupTarget: BackupSource {
    /// Local directory the services write backup `id`'s files into, by data-directory path.
    func stagingFiles(_ id: String) -> URL
    /// Local directory BlobService copies blobs into, one file per SHA-256.
    var stagingPool: URL { get }
    /// Local scratch space for restore drills.
    var scratchDirectory: URL { get }
    /// Pool names the target holds that `stagingPool` does not show (nil: it shows them all).
    func knownBlobs() async throws -> [String]?
    /// Whether a backup folder named `id` exists (complete or not).
    func exists(_ id: String) async throws -> Bool
    /// Stores the manifest and the staged files, verifies them, and marks the backup complete.
    func finish(_ manifest: BackupManifest) async throws -> BackupManifest
    /// Every backup with a manifest, oldest first.
    func list() async throws -> [BackupManifest]
    /// Problems found checking a stored backup's files against its manifest.
    func verify(_ manifest: BackupManifest) async throws -> [String]
    /// Deletes a backup, then every pooled blob no remaining backup refers to.
    func delete(_ id: String) async throws
    /// Removes what a failed run staged locally.
    func discardStaging(_ id: String) async
    /// Removes, at start, whatever runs cut short (a crash, a kill) left staged: staged files
    /// are plaintext, and none should outlive its run.
    func removeLeftovers() async
}
