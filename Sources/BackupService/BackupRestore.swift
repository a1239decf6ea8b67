import Foundation
import GRDB
import Storage

/// Rebuilds a data directory from a backup: every file back at its path, each checked
/// against the manifest as it is written.
public enum BackupRestore {
    /// Restores backup `id` from `source` into `dataDirectory` (which must be empty or absent).
    /// An encrypted backup needs its key (`cipher`): without it, or with another, nothing is
    /// written. Each file is decrypted as it arrives and checked against the manifest.
    public static func restore(_ id: String, from source: any BackupSource, to dataDirectory: URL,
                               cipher: BackupCipher? = nil) async throws -> BackupManifest {
        let manifest = try await source.manifest(id)
        guard manifest.complete else { throw BackupError("backup \(id) is not complete") }
        if let encryption = manifest.encryption {
            guard let cipher else {
                throw BackupError("backup \(id) is encrypted: set PDS_BACKUP_ENCRYPTION_KEY (or PDS_BACKUP_ENCRYPTION_KEY_FILE, or --key-file) to its key")
            }
            guard cipher.opens(encryption) else {
                throw BackupError("the encryption key given is not the key of backup \(id); nothing was restored")
            }
        }
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: dataDirectory.path), !existing.isEmpty {
            throw BackupError("\(dataDirectory.path) is not empty; restore into a fresh directory")
        }
        // A restore that fails part-way leaves the directory as it found it (empty or absent).
        let existed = fm.fileExists(atPath: dataDirectory.path)
        do {
            try await restoreFiles(manifest, id: id, from: source, to: dataDirectory, cipher: cipher)
        } catch {
            if existed {
                for name in (try? fm.contentsOfDirectory(atPath: dataDirectory.path)) ?? [] {
                    try? fm.removeItem(at: dataDirectory.appendingPathComponent(name))
                }
            } else {
                try? fm.removeItem(at: dataDirectory)
            }
            throw error
        }
        return manifest
    }

    static func restoreFiles(_ manifest: BackupManifest, id: String, from source: any BackupSource, to dataDirectory: URL,
                             cipher: BackupCipher?) async throws {
        let fm = FileManager.default
        for entry in manifest.files {
            let dest = dataDirectory.appendingPathComponent(entry.path)
            try fm.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
            let fetched = dest.deletingLastPathComponent().appendingPathComponent(".\(dest.lastPathComponent).fetched")
            do {
                try await source.fetch(entry, backup: id, to: fetched)
                try BackupStoredFile.open(fetched, to: dest, entry: entry, cipher: cipher)
            } catch let e as BackupError {
                throw BackupError("\(entry.path) cannot be restored from backup \(id): \(e.message)")
            } catch {
                throw BackupError("\(entry.path) cannot be read from backup \(id): \(error)")
            }
            let d = try SQLiteSnapshot.describe(dest)
            guard d.sha256 == entry.sha256, d.size == entry.size else { throw BackupError("\(entry.path) is corrupt in backup \(id)") }
            if entry.kind == .key { try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dest.path) }
        }
    }

    /// `PRAGMA integrity_check` on every SQLite file of a restored directory; returns problems.
    public static func checkDatabases(_ manifest: BackupManifest, in dataDirectory: URL) -> [String] {
        var problems = [String]()
        for entry in manifest.files where entry.kind == .sqlite {
            do {
                let queue = try DatabaseQueue(path: dataDirectory.appendingPathComponent(entry.path).path)
                let result = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                if result != ["ok"] { problems.append("\(entry.path): \(result.prefix(3).joined(separator: ", "))") }
                try queue.close()
            } catch {
                problems.append("\(entry.path): \(error)")
            }
        }
        return problems
    }
}
