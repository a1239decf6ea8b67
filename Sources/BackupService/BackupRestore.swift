import Foundation
import GRDB
import Storage

/// Rebuilds a data directory from a backup: every file back at its path, each checked
/// against the manifest as it is written.
public enum BackupRestore {
    /// Restores backup `id` from `source` into `dataDirectory` (which must be empty or absent).
    /// An encrypted backup needs its key (`cipher`): without it, with another, or with its
    /// manifest altered, nothing is written. Each file is decrypted as it arrives and checked
    /// against the manifest. `requireEncryption` (a key was given for this restore) refuses
    /// an unencrypted backup too: it may be an encrypted one with its encryption stripped.
    public static func restore(_ id: String, from source: any BackupSource, to dataDirectory: URL,
                               cipher: BackupCipher? = nil, requireEncryption: Bool = false) async throws -> BackupManifest {
        let manifest = try await source.manifest(id)
        guard manifest.complete else { throw BackupError("backup \(id) is not complete") }
        if requireEncryption && manifest.encryption == nil {
            throw BackupError("backup \(id) is not encrypted, but a key was given: a backup whose encryption was removed would look so; "
                              + "if it was made before backups were encrypted, restore it with no key set (nothing was restored)")
        }
        let reader: BackupCipher?
        do { reader = try BackupStoredFile.reader(for: manifest, cipher: cipher) } catch {
            throw BackupError("\(error.message); nothing was restored")
        }
        if let bad = manifest.files.first(where: { !isContained($0.path) || !($0.pooled.map(isContained) ?? true) }) {
            throw BackupError("backup \(id) names a file outside its directories (\(bad.path)); nothing was restored")
        }
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: dataDirectory.path), !existing.isEmpty {
            throw BackupError("\(dataDirectory.path) is not empty; restore into a fresh directory")
        }
        // A restore that fails part-way leaves the directory as it found it (empty or absent).
        let existed = fm.fileExists(atPath: dataDirectory.path)
        do {
            try await restoreFiles(manifest, id: id, from: source, to: dataDirectory, reader: reader)
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

    /// A relative path with no `..`, `.` or empty component: it stays under the directory it is read from or written to.
    static func isContained(_ path: String) -> Bool {
        !path.hasPrefix("/") && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    static func restoreFiles(_ manifest: BackupManifest, id: String, from source: any BackupSource, to dataDirectory: URL,
                             reader: BackupCipher?) async throws {
        let fm = FileManager.default
        for entry in manifest.files {
            let dest = dataDirectory.appendingPathComponent(entry.path)
            try fm.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
            let fetched = dest.deletingLastPathComponent().appendingPathComponent(".\(dest.lastPathComponent).fetched")
            do {
                try await source.fetch(entry, backup: id, to: fetched)
                try BackupStoredFile.open(fetched, to: dest, entry: entry, reader: reader)
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
