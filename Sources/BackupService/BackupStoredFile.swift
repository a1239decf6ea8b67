import Foundation
import Storage

/// A file as a backup target stores it: as it is in a backup made with no key, sealed by
/// `BackupCipher` in an encrypted one. Never a mix: every file of an encrypted backup must
/// open with its key, so none can be swapped for plaintext.
enum BackupStoredFile {
    /// The cipher that reads `manifest`'s files: nil for an unencrypted backup; for an
    /// encrypted one `cipher`, once it is checked to be the backup's key and the manifest
    /// unaltered. Throws (naming the variables to set) when the backup is encrypted and no key is given.
    static func reader(for manifest: BackupManifest, cipher: BackupCipher?) throws(BackupError) -> BackupCipher? {
        guard manifest.encryption != nil else { return nil }
        guard let cipher else {
            throw BackupError("backup \(manifest.id) is encrypted: set PDS_BACKUP_ENCRYPTION_KEY (or PDS_BACKUP_ENCRYPTION_KEY_FILE, or --key-file) to its key")
        }
        try cipher.check(manifest)
        return cipher
    }

    /// The plaintext's size and SHA-256 of a stored file (`reader` from `reader(for:cipher:)`).
    static func describe(_ url: URL, entry: BackupManifest.Entry, reader: BackupCipher?) throws -> (size: Int64, sha256: String) {
        guard let reader else {
            let d = try SQLiteSnapshot.describe(url)
            return (d.size, d.sha256)
        }
        return try reader.describe(url, what: entry.path)
    }

    /// Turns a fetched stored file into its plaintext at `destination` (the fetched file is removed).
    static func open(_ fetched: URL, to destination: URL, entry: BackupManifest.Entry, reader: BackupCipher?) throws {
        defer { try? FileManager.default.removeItem(at: fetched) }
        guard let reader else {
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.moveItem(at: fetched, to: destination)
            return
        }
        try reader.decrypt(fetched, to: destination, what: entry.path)
    }
}
