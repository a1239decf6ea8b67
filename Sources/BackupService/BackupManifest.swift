import Foundation

/// What one backup holds: every file, with size and SHA-256, by its path relative to the
/// data directory it restores into. A backup counts only once its manifest is written
/// and verified (`complete`).
public struct BackupManifest: Codable, Sendable, Equatable {
    /// What a file is, which decides how a drill checks it.
    public enum Kind: String, Codable, Sendable { case sqlite, key, blob, other }

    /// One file of the backup.
    public struct Entry: Codable, Sendable, Equatable {
        /// Path relative to the data directory (and to the backup folder, except blobs).
        public var path: String
        public var size: Int64
        public var sha256: String
        public var kind: Kind
        /// For blobs: where the bytes are in the backup target's shared blob pool, so a blob
        /// already backed up is not copied again.
        public var pooled: String?

        public init(path: String, size: Int64, sha256: String, kind: Kind, pooled: String? = nil) {
            self.path = path
            self.size = size
            self.sha256 = sha256
            self.kind = kind
            self.pooled = pooled
        }
    }

    /// How the stored files are encrypted (nil: they are not); see `BackupCipher`.
    public struct Encryption: Codable, Sendable, Equatable {
        /// The file format: `AES-256-GCM` in 1 MiB chunks with a per-file key (`PDSWBK02`).
        public var algorithm: String
        /// `BackupCipher.keyID` of the key: a restore with another key is refused by it.
        /// (nil in manifests of an earlier development format, which this version does not read.)
        public var keyID: String?
        /// HMAC-SHA256 (hex), under a key derived from the backup key, of the manifest's id,
        /// files and counts (`BackupManifest.authenticatedBytes`): an altered manifest is refused.
        public var mac: String?
        public init(algorithm: String, keyID: String, mac: String) { self.algorithm = algorithm; self.keyID = keyID; self.mac = mac }
    }

    public static let currentVersion = 1

    public var version = BackupManifest.currentVersion
    /// Sortable id: the start time, `yyyyMMdd-HHmmss` UTC.
    public var id: String
    public var startedAt: Date
    public var completedAt: Date?
    public var files: [Entry]
    /// Figures of the live system when the backup started (for drills to compare).
    public var counts: [String: Int]
    public var complete: Bool
    /// Set when every stored file is encrypted (`BackupCipher`); sizes and hashes above are
    /// of the plaintext.
    public var encryption: Encryption?

    public init(id: String, startedAt: Date, files: [Entry] = [], counts: [String: Int] = [:]) {
        self.id = id
        self.startedAt = startedAt
        self.files = files
        self.counts = counts
        self.complete = false
    }

    /// The id for a backup starting at `date`.
    public static func id(for date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f.string(from: date)
    }

    /// The manifest as stored: pretty-printed JSON, sorted keys, ISO 8601 dates.
    public static func encode(_ manifest: BackupManifest) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(manifest)
    }

    /// Reads a stored manifest.
    public static func decode(_ data: Data) throws -> BackupManifest {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(BackupManifest.self, from: data)
    }

    /// Total bytes of the files.
    public var totalSize: Int64 { files.reduce(0) { $0 + $1.size } }
}
