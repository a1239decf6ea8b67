import BackupService
import Foundation
import Testing

/// Encrypted backup files: byte-identical round trips at every chunk boundary, and any
/// change, cut or wrong key refused by name.
@Suite struct BackupCipherTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-cipher-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()
    let cipher = try! BackupCipher(text: String(repeating: "ab", count: 32))

    func file(_ name: String, _ bytes: Data) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try bytes.write(to: url)
        return url
    }

    static func bytes(_ n: Int) -> Data { Data((0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }) }

    @Test(arguments: [0, 1, 1 << 20, (1 << 20) + 1, 5 * (1 << 19)])
    func roundTrip(size: Int) throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = Self.bytes(size)
        let url = try file("plain", plain)
        try cipher.encryptInPlace(url)
        let stored = try Data(contentsOf: url)
        #expect(BackupCipher.isEncrypted(url) && Int64(stored.count) == BackupCipher.storedSize(plain: Int64(size)))
        if size >= 64 { #expect(stored.range(of: plain.prefix(64)) == nil) }
        let out = dir.appendingPathComponent("out")
        try cipher.decrypt(url, to: out, what: "plain")
        #expect(try Data(contentsOf: out) == plain)
        // Encrypting again leaves it as it is.
        try cipher.encryptInPlace(url)
        #expect(try Data(contentsOf: url) == stored)
    }

    @Test func alteredTruncatedOrForeignKeyRefused() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try file("blob", Self.bytes(3 * (1 << 20) / 2))
        try cipher.encryptInPlace(url)
        let stored = try Data(contentsOf: url)
        func refuses(_ data: Data, with c: BackupCipher? = nil, _ needle: String) throws {
            let bad = try file("bad", data)
            #expect {
                try (c ?? cipher).decrypt(bad, to: dir.appendingPathComponent("out"), what: "blocks/x/blob")
            } throws: { ($0 as? BackupError)?.message.contains(needle) == true && ($0 as? BackupError)?.message.contains("blocks/x/blob") == true }
        }
        var flipped = stored
        flipped[flipped.count / 2] ^= 1
        try refuses(flipped, "does not decrypt")
        // Cut exactly after the first chunk: its "not last" flag no longer fits.
        try refuses(stored.prefix(16 + (1 << 20) + 16), "does not decrypt")
        try refuses(stored.prefix(20), "truncated")
        try refuses(stored, with: try BackupCipher(text: String(repeating: "cd", count: 32)), "does not decrypt")
        try refuses(Data("plain text".utf8), "not an encrypted backup file")
    }

    /// A user's blob may begin with the header's eight bytes: it is still sealed, and opens
    /// back to itself.
    @Test func plaintextThatLooksEncryptedIsStillSealed() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = Data("PDSWBK01".utf8) + Self.bytes(5000)
        let url = try file("lookalike", plain)
        #expect(BackupCipher.isEncrypted(url) && !cipher.isSealed(url))
        try cipher.encryptInPlace(url)
        #expect(cipher.isSealed(url))
        let out = dir.appendingPathComponent("out")
        try cipher.decrypt(url, to: out, what: "lookalike")
        #expect(try Data(contentsOf: out) == plain)
    }

    @Test func keysAndKeyCheck() throws {
        #expect(throws: BackupError.self) { try BackupCipher(text: "short") }
        #expect(throws: BackupError.self) { try BackupCipher(text: String(repeating: "zz", count: 32)) }
        let base64 = try BackupCipher(text: Data(repeating: 0xAB, count: 32).base64EncodedString())
        let entry = try cipher.manifestEntry()
        #expect(base64.opens(entry), "the same key written as base64")
        #expect(!(try BackupCipher(text: String(repeating: "cd", count: 32)).opens(entry)))
        #expect(try BackupCipher.from(environment: [:]) == nil)
        #expect(try BackupCipher.from(environment: ["PDS_BACKUP_ENCRYPTION_KEY": String(repeating: "ab", count: 32)])?.opens(entry) == true)
    }
}
