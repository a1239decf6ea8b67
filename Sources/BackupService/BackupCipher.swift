import Config
import Crypto
import Foundation

/// Authenticated encryption of backup files (`PDS_BACKUP_ENCRYPTION_KEY`): AES-256-GCM over
/// 1 MiB chunks, so a large blob is never held whole.
///
/// A stored file is `PDSWBK02` (8 bytes), a 32-byte random salt, then each chunk's
/// ciphertext and 16-byte tag. Each file is sealed with its own key, HKDF-SHA256 of the
/// backup key and the salt, so nonces never repeat across files however many are sealed;
/// chunk `i`'s nonce is `i` (big-endian, in the last 4 of 12 bytes). A chunk's authenticated
/// data says whether it is the last, so a file cut at a chunk boundary, a chunk moved or
/// dropped, or one byte changed all fail to open. An empty file is one empty last chunk.
///
/// The manifest stays plaintext JSON with the plaintext's sizes and SHA-256s, and records
/// the key's id and an HMAC of its contents (`BackupManifest.Encryption`), so a missing or
/// wrong key, or an altered manifest, is told before a restore writes anything.
public struct BackupCipher: Sendable {
    static let magic = Array("PDSWBK02".utf8)
    static let saltSize = 32
    static let headerSize = magic.count + saltSize
    static let chunkSize = 1 << 20
    static let tagSize = 16

    let key: SymmetricKey
    /// A public name for the key (16 hex characters, derived from it, revealing nothing of
    /// it): recorded in manifests, and naming the key's own blob pool.
    public let keyID: String

    /// A key of exactly 32 bytes.
    public init(key bytes: [UInt8]) throws(BackupError) {
        guard bytes.count == 32 else { throw BackupError("a backup encryption key is 32 bytes, not \(bytes.count)") }
        key = SymmetricKey(data: bytes)
        keyID = Self.hex(Self.derive(key, "pdswift backup key id").prefix(8))
    }

    /// The key from its text form (`BackupEncryptionKey`: 64 hex characters or base64).
    public init(text: String) throws(BackupError) {
        guard let bytes = BackupEncryptionKey.bytes(text) else {
            throw BackupError("the backup encryption key must be \(BackupEncryptionKey.expected)")
        }
        try self.init(key: bytes)
    }

    /// The key set by `PDS_BACKUP_ENCRYPTION_KEY` or `PDS_BACKUP_ENCRYPTION_KEY_FILE` (or read
    /// from `keyFile`, which then wins over both), or nil when none is: backups are then not
    /// encrypted.
    public static func from(environment: [String: String], keyFile: String? = nil) throws(BackupError) -> BackupCipher? {
        let bytes: [UInt8]?
        do {
            if let keyFile {
                bytes = try BackupEncryptionKey.resolve(key: nil, file: keyFile)
            } else {
                bytes = try BackupEncryptionKey.resolve(key: environment["PDS_BACKUP_ENCRYPTION_KEY"],
                                                        file: environment["PDS_BACKUP_ENCRYPTION_KEY_FILE"])
            }
        } catch {
            throw BackupError(error.description)
        }
        guard let bytes else { return nil }
        return try BackupCipher(key: bytes)
    }

    /// The stored size of a file of `plain` bytes.
    public static func storedSize(plain: Int64) -> Int64 {
        let chunks = max(1, (plain + Int64(chunkSize) - 1) / Int64(chunkSize))
        return Int64(headerSize) + plain + chunks * Int64(tagSize)
    }

    /// Encrypts `source` into `destination` (created or replaced).
    public func encrypt(_ source: URL, to destination: URL) throws {
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: destination.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw BackupError("cannot create \(destination.path)")
        }
        let output = try FileHandle(forWritingTo: destination)
        defer { try? output.close() }
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let fileKey = fileKey(salt)
        try output.write(contentsOf: Self.magic + salt)
        var index: UInt32 = 0
        var current = try input.read(upToCount: Self.chunkSize) ?? Data()
        while true {
            let next = current.count == Self.chunkSize ? (try input.read(upToCount: Self.chunkSize) ?? Data()) : Data()
            let last = next.isEmpty
            let box = try AES.GCM.seal(current, using: fileKey, nonce: try Self.nonce(index), authenticating: [last ? 1 : 0])
            try output.write(contentsOf: box.ciphertext + box.tag)
            if last { break }
            current = next
            index += 1
        }
        try output.synchronize()
    }

    /// Replaces a file by its encryption (atomically: the file is never absent or half written).
    public func seal(_ url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).enc")
        do {
            try encrypt(url, to: temporary)
            try Self.rename(temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// rename(2): atomic, replacing `destination` (Foundation's replaceItemAt is not on Linux).
    static func rename(_ source: URL, to destination: URL) throws {
        guard Foundation.rename(source.path, destination.path) == 0 else {
            throw BackupError("cannot move \(source.path) to \(destination.path) (errno \(errno))")
        }
    }

    /// Decrypts `source` chunk by chunk, handing each plaintext chunk to `sink`; throws
    /// naming `what` if the file is not in this format, any chunk fails to open, or it ends early.
    public func decrypt(_ source: URL, what: String, sink: (Data) throws -> Void) throws {
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        let header = try input.read(upToCount: Self.headerSize) ?? Data()
        guard header.count == Self.headerSize, Array(header.prefix(Self.magic.count)) == Self.magic else {
            throw BackupError("\(what) is not an encrypted backup file (no \(String(decoding: Self.magic, as: UTF8.self)) header)")
        }
        let fileKey = fileKey(Array(header.suffix(Self.saltSize)))
        let sealedSize = Self.chunkSize + Self.tagSize
        var index: UInt32 = 0
        var current = try input.read(upToCount: sealedSize) ?? Data()
        while true {
            guard current.count >= Self.tagSize else { throw BackupError("\(what) is truncated in the backup") }
            let next = current.count == sealedSize ? (try input.read(upToCount: sealedSize) ?? Data()) : Data()
            let last = next.isEmpty
            let plain: Data
            do {
                let box = try AES.GCM.SealedBox(nonce: try Self.nonce(index), ciphertext: current.prefix(current.count - Self.tagSize),
                                                tag: current.suffix(Self.tagSize))
                plain = try AES.GCM.open(box, using: fileKey, authenticating: [last ? 1 : 0])
            } catch {
                throw BackupError("\(what) does not decrypt: it was altered or truncated, or the key is not this backup's")
            }
            try sink(plain)
            if last { return }
            current = next
            index += 1
        }
    }

    /// Decrypts `source` into `destination` (created or replaced).
    public func decrypt(_ source: URL, to destination: URL, what: String) throws {
        guard FileManager.default.createFile(atPath: destination.path, contents: nil) else {
            throw BackupError("cannot create \(destination.path)")
        }
        let output = try FileHandle(forWritingTo: destination)
        defer { try? output.close() }
        try decrypt(source, what: what) { try output.write(contentsOf: $0) }
    }

    /// The plaintext's size and SHA-256 (hex) of an encrypted file.
    public func describe(_ url: URL, what: String) throws -> (size: Int64, sha256: String) {
        var hasher = SHA256()
        var size: Int64 = 0
        try decrypt(url, what: what) { hasher.update(data: $0); size += Int64($0.count) }
        return (size, Self.hex(hasher.finalize()))
    }

    func fileKey(_ salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, salt: salt, info: Array("pdswift backup file".utf8), outputByteCount: 32)
    }

    static func nonce(_ index: UInt32) throws -> AES.GCM.Nonce {
        try AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 8) + [UInt8(index >> 24), UInt8(index >> 16 & 0xFF), UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)])
    }

    /// A 32-byte value derived from `key` for one purpose (`info`).
    static func derive(_ key: SymmetricKey, _ info: String) -> [UInt8] {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array(info.utf8), outputByteCount: 32).withUnsafeBytes { Array($0) }
    }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
