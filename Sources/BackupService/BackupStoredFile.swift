import Foundation
import Storage

/// A file as a backup target stores it: plaintext, or encrypted by `BackupCipher` (told by
/// its header, so a backup made before a key was set still reads).
enum BackupStoredFile {
    /// The plaintext's size and SHA-256 of a stored file.
    ///
    /// A file with the header that does not open is read as plaintext when its plaintext is
    /// what the manifest records (a plaintext blob that happens to begin with the header);
    /// otherwise the decryption's error stands, naming the file.
    static func describe(_ url: URL, entry: BackupManifest.Entry, cipher: BackupCipher?) throws -> (size: Int64, sha256: String) {
        let plain = { () throws -> (size: Int64, sha256: String) in
            let d = try SQLiteSnapshot.describe(url)
            return (d.size, d.sha256)
        }
        guard BackupCipher.isEncrypted(url) else { return try plain() }
        do {
            guard let cipher else { throw BackupError("\(entry.path) is encrypted: set PDS_BACKUP_ENCRYPTION_KEY to read it") }
            return try cipher.describe(url, what: entry.path)
        } catch {
            if let d = try? plain(), d.sha256 == entry.sha256, d.size == entry.size { return d }
            throw error
        }
    }

    /// Moves a fetched stored file to `destination` as plaintext.
    static func open(_ fetched: URL, to destination: URL, entry: BackupManifest.Entry, cipher: BackupCipher?) throws {
        defer { try? FileManager.default.removeItem(at: fetched) }
        guard BackupCipher.isEncrypted(fetched) else {
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.moveItem(at: fetched, to: destination)
            return
        }
        do {
            guard let cipher else { throw BackupError("\(entry.path) is encrypted: set PDS_BACKUP_ENCRYPTION_KEY to restore it") }
            try cipher.decrypt(fetched, to: destination, what: entry.path)
        } catch {
            // A plaintext file that merely begins with the header (see `describe`).
            guard let d = try? SQLiteSnapshot.describe(fetched), d.sha256 == entry.sha256, d.size == entry.size else { throw error }
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.moveItem(at: fetched, to: destination)
        }
    }
}
