import Config
import Foundation
import S3
import Storage

/// Backups in an S3-compatible bucket (`PDS_BACKUP_S3_*`), through the blob store's client:
/// `<prefix>/backups/<id>/manifest.json`, `<prefix>/backups/<id>/files/<path>` and a shared
/// content-addressed pool, as in a local target: `<prefix>/blobs/<sha256>` with no key,
/// `<prefix>/blobs/<key id>/<sha256>` with one (a pool per key, see `LocalBackupTarget`).
///
/// Services snapshot into a local staging directory (under `PDS_BACKUP_DIR`); `finish`
/// uploads what is staged, checks every object of the manifest is in the bucket with its size
/// (S3 itself checked each upload's signed SHA-256), then writes the manifest, marked
/// complete, last: a backup without a manifest is an unfinished one. Staged files are removed.
public struct S3BackupTarget: BackupTarget {
    public let client: S3Client
    /// Key prefix, empty or ending in `/`.
    public let prefix: String
    public let staging: URL
    /// Encrypts every object `finish` uploads, when set: only ciphertext leaves the host.
    public let cipher: BackupCipher?

    public init(client: S3Client, prefix: String, staging: URL, cipher: BackupCipher? = nil) {
        self.client = client
        self.cipher = cipher
        var p = prefix
        while p.hasSuffix("/") { p.removeLast() }
        self.prefix = p.isEmpty ? "" : p + "/"
        self.staging = staging
    }

    /// The target `config` names (its bucket, credentials, prefix), staging under `staging`.
    public init(config: PDSConfig.S3Bucket, staging: URL, cipher: BackupCipher? = nil) throws {
        guard let key = config.accessKeyID, let secret = config.secretAccessKey else {
            throw BackupError("PDS_BACKUP_S3_BUCKET is set but PDS_BACKUP_S3_ACCESS_KEY_ID or PDS_BACKUP_S3_SECRET_ACCESS_KEY is missing")
        }
        let s3 = S3Config(bucket: config.bucket, region: config.region ?? "us-east-1", endpoint: config.endpoint,
                          forcePathStyle: config.forcePathStyle, accessKeyID: key, secretAccessKey: secret)
        self.init(client: S3Client(config: s3), prefix: config.prefix, staging: staging, cipher: cipher)
    }

    func backupKey(_ id: String) -> String { "\(prefix)backups/\(id)/" }
    func key(of entry: BackupManifest.Entry, backup id: String) -> String {
        if let pooled = entry.pooled { return "\(prefix)blobs/\(pooled)" }
        return backupKey(id) + "files/" + entry.path
    }

    public func stagingFiles(_ id: String) -> URL { staging.appendingPathComponent("backups/\(id)/files") }
    public var stagingPool: URL { staging.appendingPathComponent("blobs") }
    public var scratchDirectory: URL { staging }

    /// The names in the pool of this target's key (or the unencrypted pool).
    public func knownBlobs() async throws -> [String]? {
        let pool = "\(prefix)blobs/" + (cipher.map { $0.keyID + "/" } ?? "")
        return try await client.listObjects(prefix: pool).map { String($0.key.dropFirst(pool.count)) }.filter { !$0.contains("/") }
    }

    public func exists(_ id: String) async throws -> Bool {
        !(try await client.listObjects(prefix: backupKey(id)).isEmpty)
    }

    public func finish(_ manifest: BackupManifest) async throws -> BackupManifest {
        var m = manifest
        if let cipher {
            // Pooled blobs go to this key's pool.
            for i in m.files.indices { if let sha = m.files[i].pooled, !sha.contains("/") { m.files[i].pooled = "\(cipher.keyID)/\(sha)" } }
            m.encryption = cipher.encryption(for: m)
        }
        for (staged, entry) in zip(manifest.files, m.files) {
            let local = staged.pooled.map { stagingPool.appendingPathComponent($0) } ?? stagingFiles(m.id).appendingPathComponent(entry.path)
            // A pooled blob not staged is already in the bucket (BlobService skipped it as known).
            guard FileManager.default.fileExists(atPath: local.path) else { continue }
            if let cipher {
                // Only ciphertext leaves the host; its own hash signs the upload.
                try cipher.seal(local)
                let stored = try SQLiteSnapshot.describe(local)
                try await client.putObject(key(of: entry, backup: m.id), size: stored.size, sha256: Self.bytes(hex: stored.sha256),
                                           chunks: FileChunkSequence(url: local))
            } else {
                try await client.putObject(key(of: entry, backup: m.id), size: entry.size, sha256: Self.bytes(hex: entry.sha256),
                                           chunks: FileChunkSequence(url: local))
            }
            if entry.pooled != nil { try? FileManager.default.removeItem(at: local) }
        }
        let problems = try await verify(m)
        guard problems.isEmpty else { throw BackupError("backup \(m.id) failed verification: \(problems.joined(separator: "; "))") }
        m.completedAt = Date()
        m.complete = true
        try await client.putObject(backupKey(m.id) + "manifest.json", bytes: Array(try BackupManifest.encode(m)))
        await discardStaging(m.id)
        return m
    }

    public func manifest(_ id: String) async throws -> BackupManifest {
        guard let bytes = try await client.getBytes(backupKey(id) + "manifest.json") else {
            throw BackupError("no backup \(id) in s3://\(client.config.bucket)/\(prefix)backups/")
        }
        return try BackupManifest.decode(Data(bytes))
    }

    public func list() async throws -> [BackupManifest] {
        let keys = try await client.listObjects(prefix: "\(prefix)backups/").map(\.key).filter { $0.hasSuffix("/manifest.json") }
        var result = [BackupManifest]()
        for key in keys.sorted() {
            let id = key.dropLast("/manifest.json".count).split(separator: "/").last.map(String.init) ?? ""
            if let m = try? await manifest(id) { result.append(m) }
        }
        return result
    }

    /// Every file of the manifest is in the bucket with its recorded size (the size its
    /// encryption has, in an encrypted backup).
    public func verify(_ manifest: BackupManifest) async throws -> [String] {
        var sizes = [String: Int64]()
        for object in try await client.listObjects(prefix: backupKey(manifest.id) + "files/") { sizes[object.key] = object.size }
        for object in try await client.listObjects(prefix: "\(prefix)blobs/") { sizes[object.key] = object.size }
        var problems = [String]()
        for entry in manifest.files {
            switch sizes[key(of: entry, backup: manifest.id)] {
            case nil: problems.append("\(entry.path) is missing")
            case let size? where size != (manifest.encryption == nil ? entry.size : BackupCipher.storedSize(plain: entry.size)):
                problems.append("\(entry.path) does not match its recorded size")
            default: break
            }
        }
        return problems
    }

    public func fetch(_ entry: BackupManifest.Entry, backup id: String, to destination: URL) async throws {
        guard let response = try await client.getObject(key(of: entry, backup: id)) else {
            throw BackupError("\(entry.path) is missing")
        }
        guard FileManager.default.createFile(atPath: destination.path, contents: nil) else {
            throw BackupError("cannot create \(destination.path)")
        }
        let out = try FileHandle(forWritingTo: destination)
        defer { try? out.close() }
        for try await buffer in response.body {
            try out.write(contentsOf: Data(buffer.readableBytesView))
        }
    }

    public func delete(_ id: String) async throws {
        // The manifest first: a half-deleted backup is then an unfinished one, not a broken one.
        try await client.deleteObject(backupKey(id) + "manifest.json")
        for object in try await client.listObjects(prefix: backupKey(id)) { try await client.deleteObject(object.key) }
        let used = Set(try await list().flatMap { $0.files.compactMap(\.pooled) })
        for object in try await client.listObjects(prefix: "\(prefix)blobs/") where !used.contains(String(object.key.dropFirst(prefix.count + 6))) {
            try await client.deleteObject(object.key)
        }
    }

    public func discardStaging(_ id: String) async {
        try? FileManager.default.removeItem(at: staging.appendingPathComponent("backups/\(id)"))
        try? FileManager.default.removeItem(at: stagingPool)
    }

    /// What runs cut short left staged (in plaintext, with no key), removed at start: nothing
    /// staged outlives its run.
    public func removeLeftovers() async {
        try? FileManager.default.removeItem(at: staging.appendingPathComponent("backups"))
        try? FileManager.default.removeItem(at: stagingPool)
    }

    static func bytes(hex: String) -> [UInt8] {
        var out = [UInt8]()
        var i = hex.startIndex
        while i < hex.endIndex, let j = hex.index(i, offsetBy: 2, limitedBy: hex.endIndex) {
            out.append(UInt8(hex[i..<j], radix: 16) ?? 0)
            i = j
        }
        return out
    }
}

/// A file read in 1 MiB chunks, for streaming uploads.
struct FileChunkSequence: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let url: URL

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        mutating func next() async throws -> [UInt8]? {
            guard let handle, let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else {
                try? handle?.close()
                return nil
            }
            return [UInt8](data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: try? FileHandle(forReadingFrom: url)) }
}
