import Crypto
import Foundation
import GRDB
import IPLD
import Storage

/// What a snapshot of the BlobService wrote: `blobs.sqlite` and, for a disk store, every blob
/// its rows name (each by the SHA-256 its CID carries).
public struct BlobSnapshot: Sendable {
    /// One file of the snapshot; `pooled` is set for blobs (their name in the pool).
    public struct File: Sendable, Equatable {
        /// Path relative to the data directory.
        public var path: String
        public var size: Int64
        public var sha256: String
        public var pooled: String?
    }

    public var database: File
    public var blobs: [File]
    /// False when the blobs are not part of the snapshot (an S3 store, or no pool given).
    public var includesBlobs: Bool
    /// Blobs whose bytes were copied into the pool by this snapshot (the rest were there).
    public var copied: Int
}

extension BlobService {
    /// Snapshots `blobs.sqlite` into `directory` (online backup API), then copies every blob
    /// that snapshot's rows name into `pool` unless `pool` (or `known`) already holds it.
    ///
    /// The database copy decides what the backup holds, so its rows and its blobs agree. A
    /// blob the sweep deleted between the two steps is dropped from the copy's rows too; a
    /// blob still listed live but missing from the store is damage, reported by name. With an
    /// S3 store (or no pool) only the database is copied: the bucket is its own backup.
    public func snapshot(into directory: URL, pool: URL?, known: Set<String> = []) async throws -> BlobSnapshot {
        let copy = directory.appendingPathComponent("blobs.sqlite")
        _ = try SQLiteSnapshot.write(index.pool, to: copy)
        var blobs = [BlobSnapshot.File]()
        var copied = 0
        if let pool, let disk = store as? DiskBlobStore {
            try FileManager.default.createDirectory(at: pool, withIntermediateDirectories: true)
            let reader = try DatabaseQueue(path: copy.path)
            let listed = try await reader.read { db in
                try Row.fetchAll(db, sql: "SELECT cid, MAX(size) AS size FROM blob GROUP BY cid ORDER BY cid").map {
                    (cid: $0["cid"] as String, size: $0["size"] as Int64)
                }
            }
            try reader.close()
            let relativeRoot = Self.relativeStoreRoot(disk.root, databasePath: config.databasePath)
            var swept = [String]()
            for (text, size) in listed {
                let cid = try CID(string: text)
                let sha = cid.digest.map { String(format: "%02x", $0) }.joined()
                let pooled = pool.appendingPathComponent(sha)
                if !known.contains(sha) && !FileManager.default.fileExists(atPath: pooled.path) {
                    let source = disk.path(of: cid)
                    guard FileManager.default.fileExists(atPath: source) else {
                        if try await index.isHeld(cid: text) {
                            throw BlobError.internalError("blob \(text) is listed in blobs.sqlite but missing from the store at \(source)")
                        }
                        swept.append(text)
                        continue
                    }
                    try Self.copyChecked(source, to: pooled, sha256: sha)
                    copied += 1
                }
                blobs.append(.init(path: "\(relativeRoot)/blocks/\(text.suffix(2))/\(text)", size: size, sha256: sha, pooled: sha))
            }
            if !swept.isEmpty { try Self.forget(swept, in: copy) }
        }
        let described = try SQLiteSnapshot.describe(copy)
        return BlobSnapshot(database: .init(path: "blobs.sqlite", size: described.size, sha256: described.sha256),
                            blobs: blobs, includesBlobs: pool != nil && store is DiskBlobStore, copied: copied)
    }

    /// The store's directory relative to the data directory (that of `blobs.sqlite`); a store
    /// kept elsewhere restores to the default `blocks` under the data directory.
    static func relativeStoreRoot(_ root: String, databasePath: String) -> String {
        let data = URL(fileURLWithPath: databasePath).deletingLastPathComponent().standardizedFileURL.path
        let store = URL(fileURLWithPath: root).standardizedFileURL.path
        guard store.hasPrefix(data + "/") else { return "blocks" }
        return String(store.dropFirst(data.count + 1))
    }

    /// Copies `source` to `dest` through a temporary name, hashing as it goes: bytes that do
    /// not hash to their CID are not backed up as if they were that blob.
    static func copyChecked(_ source: String, to dest: URL, sha256 expected: String) throws {
        let temp = dest.deletingLastPathComponent().appendingPathComponent(".\(dest.lastPathComponent).tmp")
        try? FileManager.default.removeItem(at: temp)
        guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
            throw BlobError.internalError("cannot create \(temp.path)")
        }
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: source))
        defer { try? input.close() }
        let output = try FileHandle(forWritingTo: temp)
        var hasher = SHA256()
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
            }
            try output.synchronize()
            try output.close()
        } catch {
            try? output.close()
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
        let actual = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        guard actual == expected else {
            try? FileManager.default.removeItem(at: temp)
            throw BlobError.internalError("blob at \(source) does not hash to its CID (sha256 \(actual), expected \(expected))")
        }
        try FileManager.default.moveItem(at: temp, to: dest)
    }

    /// Drops the rows of blobs deleted live (swept, or their account deleted) from a snapshot
    /// copy, as the live index did.
    static func forget(_ cids: [String], in copy: URL) throws {
        let queue = try DatabaseQueue(path: copy.path)
        try queue.write { db in
            for cid in cids {
                for row in try Row.fetchAll(db, sql: "SELECT did, size FROM blob WHERE cid = ?", arguments: [cid]) {
                    try db.execute(sql: "UPDATE account_usage SET bytes = bytes - ?, blobs = blobs - 1 WHERE did = ?",
                                   arguments: [row["size"] as Int64, row["did"] as String])
                }
                try db.execute(sql: "DELETE FROM blob WHERE cid = ?", arguments: [cid])
                try db.execute(sql: "DELETE FROM record_blob WHERE cid = ?", arguments: [cid])
                try db.execute(sql: "DELETE FROM pending_put WHERE cid = ?", arguments: [cid])
            }
        }
        try queue.close()
    }
}
