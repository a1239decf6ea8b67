import Foundation
import Storage

/// Backups in a local directory (`PDS_BACKUP_DIR`):
/// `backups/<id>/manifest.json`, `backups/<id>/files/<path>` for databases and keys, and a
/// content-addressed `blobs/<sha256>` pool shared by all backups, so each blob is copied once.
public struct LocalBackupTarget: BackupTarget {
    public let root: URL
    /// Encrypts what `finish` stores, when set; reading needs it for encrypted files.
    public let cipher: BackupCipher?

    public init(root: URL, cipher: BackupCipher? = nil) { self.root = root; self.cipher = cipher }

    public func stagingFiles(_ id: String) -> URL { filesDirectory(id) }
    public var stagingPool: URL { poolDirectory }
    public var scratchDirectory: URL { root }
    public func knownBlobs() -> [String]? { nil }
    public func exists(_ id: String) -> Bool { FileManager.default.fileExists(atPath: folder(id).path) }
    /// Removes the folder of a run that failed before its manifest was written (no listing
    /// would ever show it, so retention would never remove it).
    public func discardStaging(_ id: String) {
        guard !FileManager.default.fileExists(atPath: folder(id).appendingPathComponent("manifest.json").path) else { return }
        try? FileManager.default.removeItem(at: folder(id))
    }

    public func fetch(_ entry: BackupManifest.Entry, backup id: String, to destination: URL) throws {
        try FileManager.default.copyItem(at: location(of: entry, backup: id), to: destination)
    }

    var backupsDirectory: URL { root.appendingPathComponent("backups") }
    var poolDirectory: URL { root.appendingPathComponent("blobs") }

    /// The folder of one backup.
    public func folder(_ id: String) -> URL { backupsDirectory.appendingPathComponent(id) }
    /// Where a backup's non-blob file lives.
    public func filesDirectory(_ id: String) -> URL { folder(id).appendingPathComponent("files") }

    /// Copies a file (a key) into the backup, recording its hash.
    public func addFile(_ source: URL, as relativePath: String, kind: BackupManifest.Kind, backup id: String) throws -> BackupManifest.Entry {
        let dest = filesDirectory(id).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: dest)
        try FileManager.default.copyItem(at: source, to: dest)
        let d = try SQLiteSnapshot.describe(dest)
        return .init(path: relativePath, size: d.size, sha256: d.sha256, kind: kind)
    }

    /// Records a file already written into the backup's folder (a database snapshot).
    public func recordFile(as relativePath: String, kind: BackupManifest.Kind, backup id: String) throws -> BackupManifest.Entry {
        let d = try SQLiteSnapshot.describe(filesDirectory(id).appendingPathComponent(relativePath))
        return .init(path: relativePath, size: d.size, sha256: d.sha256, kind: kind)
    }

    /// Adds a blob by content: copied into the pool only if no earlier backup holds it.
    public func addBlob(_ source: URL, as relativePath: String) throws -> (entry: BackupManifest.Entry, copied: Bool) {
        let d = try SQLiteSnapshot.describe(source)
        let pooled = poolDirectory.appendingPathComponent(d.sha256)
        var copied = false
        if !FileManager.default.fileExists(atPath: pooled.path) {
            try FileManager.default.createDirectory(at: poolDirectory, withIntermediateDirectories: true)
            let temp = poolDirectory.appendingPathComponent(".\(d.sha256).tmp")
            try? FileManager.default.removeItem(at: temp)
            try FileManager.default.copyItem(at: source, to: temp)
            try FileManager.default.moveItem(at: temp, to: pooled)
            copied = true
        }
        return (.init(path: relativePath, size: d.size, sha256: d.sha256, kind: .blob, pooled: d.sha256), copied)
    }

    /// Writes the manifest (atomically), then re-reads every file to check it, and only then
    /// marks the backup complete.
    public func finish(_ manifest: BackupManifest) throws -> BackupManifest {
        var m = manifest
        if let cipher {
            // The services staged plaintext here; nothing stays so once the backup is finished.
            m.encryption = try cipher.manifestEntry()
            // Files of this backup were just staged: sealed whatever they hold. Pooled blobs
            // may be sealed already by an earlier backup (or be plaintext from before a key).
            for entry in m.files {
                let url = location(of: entry, backup: m.id)
                if entry.pooled == nil { try cipher.seal(url) } else { try cipher.encryptInPlace(url) }
            }
        }
        m.completedAt = Date()
        try write(m)
        let problems = try verify(m)
        guard problems.isEmpty else {
            // A damaged pool entry would fail every later backup too: drop it so the next copies it afresh.
            for entry in m.files where entry.pooled != nil {
                let url = location(of: entry, backup: m.id)
                if let d = try? BackupStoredFile.describe(url, entry: entry, cipher: cipher), d.sha256 != entry.sha256 {
                    try? FileManager.default.removeItem(at: url)
                }
            }
            throw BackupError("backup \(m.id) failed verification: \(problems.joined(separator: "; "))")
        }
        m.complete = true
        try write(m)
        return m
    }

    func write(_ manifest: BackupManifest) throws {
        try FileManager.default.createDirectory(at: folder(manifest.id), withIntermediateDirectories: true)
        try BackupManifest.encode(manifest).write(to: folder(manifest.id).appendingPathComponent("manifest.json"), options: .atomic)
    }

    /// The manifest of a backup.
    public func manifest(_ id: String) throws -> BackupManifest {
        try BackupManifest.decode(Data(contentsOf: folder(id).appendingPathComponent("manifest.json")))
    }

    /// Every backup with a manifest, oldest first.
    public func list() throws -> [BackupManifest] {
        guard let ids = try? FileManager.default.contentsOfDirectory(atPath: backupsDirectory.path) else { return [] }
        return ids.sorted().compactMap { try? manifest($0) }
    }

    /// Where a manifest entry's bytes are stored.
    public func location(of entry: BackupManifest.Entry, backup id: String) -> URL {
        if let pooled = entry.pooled { return poolDirectory.appendingPathComponent(pooled) }
        return filesDirectory(id).appendingPathComponent(entry.path)
    }

    /// Problems found re-reading a backup's files: missing, wrong size or wrong hash.
    public func verify(_ manifest: BackupManifest) throws -> [String] {
        var problems = [String]()
        for entry in manifest.files {
            let url = location(of: entry, backup: manifest.id)
            guard FileManager.default.fileExists(atPath: url.path) else { problems.append("\(entry.path) is missing"); continue }
            let d: (size: Int64, sha256: String)
            do { d = try BackupStoredFile.describe(url, entry: entry, cipher: cipher) } catch {
                problems.append("\(error)")
                continue
            }
            if d.size != entry.size || d.sha256 != entry.sha256 { problems.append("\(entry.path) does not match its recorded hash") }
        }
        return problems
    }

    /// Deletes a backup, then any pooled blob no remaining manifest refers to.
    public func delete(_ id: String) throws {
        try FileManager.default.removeItem(at: folder(id))
        let used = Set(try list().flatMap { $0.files.compactMap(\.pooled) })
        for name in (try? FileManager.default.contentsOfDirectory(atPath: poolDirectory.path)) ?? [] where !used.contains(name) {
            try? FileManager.default.removeItem(at: poolDirectory.appendingPathComponent(name))
        }
    }
}

/// A backup, restore or drill failure, with what went wrong.
public struct BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    /// The XRPC error name this maps to.
    public var xrpcError: String { "InternalServerError" }
}
