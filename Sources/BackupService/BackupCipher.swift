import Crypto
import Foundation

/// Authenticated encryption of backup files (`PDS_BACKUP_ENCRYPTION_KEY`): AES-256-GCM over
/// 1 MiB chunks, so a large blob is never held whole.
///
/// A stored file is `PDSWBK01` (8 bytes), an 8-byte random nonce prefix, then each chunk's
/// ciphertext and 16-byte tag. Chunk `i`'s nonce is the prefix and `i` (big-endian, 4 bytes);
/// its authenticated data says whether it is the last, so a file cut at a chunk boundary, a
/// chunk moved, or one byte changed all fail to open. An empty file is one empty last chunk.
/// The manifest keeps the plaintext's size and SHA-256 (what a restore checks) and a sealed
/// known value (`keyCheck`), so a wrong key is told before anything is written.
public struct BackupCipher: Sendable {
    static let magic = Array("PDSWBK01".utf8)
    static let chunkSize = 1 << 20
    static let tagSize = 16
    static let checkText = Array("pdswift backup key check".utf8)

    let key: SymmetricKey

    /// A key of exactly 32 bytes.
    public init(key bytes: [UInt8]) throws(BackupError) {
        guard bytes.count == 32 else { throw BackupError("a backup encryption key is 32 bytes, not \(bytes.count)") }
        key = SymmetricKey(data: bytes)
    }

    /// The key from its text form: 64 hex characters or base64 of 32 bytes (as
    /// `PDS_BACKUP_ENCRYPTION_KEY` or the key file holds it; `openssl rand -hex 32` makes one).
    public init(text: String) throws(BackupError) {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.count == 64, t.allSatisfy(\.isHexDigit) {
            var bytes = [UInt8]()
            var i = t.startIndex
            while i < t.endIndex { let j = t.index(i, offsetBy: 2); bytes.append(UInt8(t[i..<j], radix: 16)!); i = j }
            try self.init(key: bytes)
        } else if let data = Data(base64Encoded: t), data.count == 32 {
            try self.init(key: Array(data))
        } else {
            throw BackupError("the backup encryption key must be 64 hex characters or base64 of 32 bytes (make one with `openssl rand -hex 32`)")
        }
    }

    /// The key named by `PDS_BACKUP_ENCRYPTION_KEY` or read from `PDS_BACKUP_ENCRYPTION_KEY_FILE`
    /// (or `keyFile`), or nil when none is set: backups are then not encrypted.
    public static func from(environment: [String: String], keyFile: String? = nil) throws(BackupError) -> BackupCipher? {
        if let path = keyFile ?? environment["PDS_BACKUP_ENCRYPTION_KEY_FILE"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw BackupError("cannot read the backup encryption key file \(path)")
            }
            return try BackupCipher(text: text)
        }
        guard let text = environment["PDS_BACKUP_ENCRYPTION_KEY"], !text.isEmpty else { return nil }
        return try BackupCipher(text: text)
    }

    /// What the manifest records: the scheme and a sealed known value.
    public func manifestEntry() throws -> BackupManifest.Encryption {
        let sealed = try AES.GCM.seal(Self.checkText, using: key)
        return .init(algorithm: "AES-256-GCM", keyCheck: sealed.combined!.base64EncodedString())
    }

    /// Whether this is the key the manifest's backup was encrypted with.
    public func opens(_ encryption: BackupManifest.Encryption) -> Bool {
        guard let data = Data(base64Encoded: encryption.keyCheck), let box = try? AES.GCM.SealedBox(combined: data),
              let text = try? AES.GCM.open(box, using: key) else { return false }
        return Array(text) == Self.checkText
    }

    /// Whether a stored file is in the encrypted format.
    public static func isEncrypted(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: magic.count)).map(Array.init) == magic
    }

    /// The stored size of a file of `plainSize` bytes.
    public static func storedSize(plain: Int64) -> Int64 {
        let chunks = max(1, (plain + Int64(chunkSize) - 1) / Int64(chunkSize))
        return Int64(magic.count + 8) + plain + chunks * Int64(tagSize)
    }

    private func nonce(_ prefix: [UInt8], _ index: UInt32) throws -> AES.GCM.Nonce {
        try AES.GCM.Nonce(data: prefix + [UInt8(index >> 24), UInt8(index >> 16 & 0xFF), UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)])
    }

    /// Encrypts `source` into `destination` (replaced).
    public func encrypt(_ source: URL, to destination: URL) throws {
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        FileManager.default.createFile(atPath: destination.path, contents: nil)
        let output = try FileHandle(forWritingTo: destination)
        defer { try? output.close() }
        var generator = SystemRandomNumberGenerator()
        let prefix = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try output.write(contentsOf: Self.magic + prefix)
        var index: UInt32 = 0
        var current = try input.read(upToCount: Self.chunkSize) ?? Data()
        while true {
            let next = current.count == Self.chunkSize ? (try input.read(upToCount: Self.chunkSize) ?? Data()) : Data()
            let last = next.isEmpty
            let box = try AES.GCM.seal(current, using: key, nonce: try nonce(prefix, index), authenticating: [last ? 1 : 0])
            try output.write(contentsOf: box.ciphertext + box.tag)
            if last { break }
            current = next
            index += 1
        }
        try output.synchronize()
    }

    /// Whether a stored file is sealed with this key (it opens, every chunk): the header
    /// alone is not proof, since a user's blob may begin with the same eight bytes.
    public func isSealed(_ url: URL) -> Bool {
        Self.isEncrypted(url) && (try? describe(url, what: url.lastPathComponent)) != nil
    }

    /// Replaces a plaintext file by its encryption (a file already sealed with this key is left).
    public func encryptInPlace(_ url: URL) throws {
        guard !isSealed(url) else { return }
        try seal(url)
    }

    /// Replaces a file by its encryption, whatever it holds (a file just staged).
    public func seal(_ url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).enc")
        try encrypt(url, to: temporary)
        // rename(2): atomic, and the file is never absent (Foundation's replaceItemAt is not on Linux).
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw BackupError("cannot replace \(url.path) with its encryption (errno \(errno))")
        }
    }

    /// Decrypts `source` chunk by chunk, handing each plaintext chunk to `sink`; throws
    /// naming `what` if any chunk fails to open or the file ends early.
    public func decrypt(_ source: URL, what: String, sink: (Data) throws -> Void) throws {
        let input = try FileHandle(forReadingFrom: source)
        defer { try? input.close() }
        let header = try input.read(upToCount: Self.magic.count + 8) ?? Data()
        guard header.count == Self.magic.count + 8, Array(header.prefix(Self.magic.count)) == Self.magic else {
            throw BackupError("\(what) is not an encrypted backup file")
        }
        let prefix = Array(header.suffix(8))
        let sealedSize = Self.chunkSize + Self.tagSize
        var index: UInt32 = 0
        var current = try input.read(upToCount: sealedSize) ?? Data()
        while true {
            guard current.count >= Self.tagSize else { throw BackupError("\(what) is truncated in the backup") }
            let next = current.count == sealedSize ? (try input.read(upToCount: sealedSize) ?? Data()) : Data()
            let last = next.isEmpty
            do {
                let box = try AES.GCM.SealedBox(nonce: try nonce(prefix, index), ciphertext: current.prefix(current.count - Self.tagSize),
                                                tag: current.suffix(Self.tagSize))
                try sink(try AES.GCM.open(box, using: key, authenticating: [last ? 1 : 0]))
            } catch let e as BackupError { throw e } catch {
                throw BackupError("\(what) does not decrypt: it was altered or truncated, or the key is not this backup's")
            }
            if last { return }
            current = next
            index += 1
        }
    }

    /// Decrypts `source` into `destination`.
    public func decrypt(_ source: URL, to destination: URL, what: String) throws {
        FileManager.default.createFile(atPath: destination.path, contents: nil)
        let output = try FileHandle(forWritingTo: destination)
        defer { try? output.close() }
        try decrypt(source, what: what) { try output.write(contentsOf: $0) }
    }

    /// The plaintext's size and SHA-256 (hex) of an encrypted file.
    public func describe(_ url: URL, what: String) throws -> (size: Int64, sha256: String) {
        var hasher = SHA256()
        var size: Int64 = 0
        try decrypt(url, what: what) { hasher.update(data: $0); size += Int64($0.count) }
        return (size, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
