import BackupService
import Foundation
import Testing

/// Encrypted backup files: byte-identical round trips at every chunk boundary, any change,
/// cut or wrong key refused by name; keys in both text forms; the manifest's key id and MAC.
@Suite struct BackupCipherTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-cipher-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()
    let cipher = try! BackupCipher(text: String(repeating: "ab", count: 32))
    /// The header: magic and salt.
    static let header = 8 + 32

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
        try cipher.seal(url)
        let stored = try Data(contentsOf: url)
        #expect(stored.starts(with: Data("PDSWBK02".utf8)) && Int64(stored.count) == BackupCipher.storedSize(plain: Int64(size)))
        if size >= 64 { #expect(stored.range(of: plain.prefix(64)) == nil) }
        let out = dir.appendingPathComponent("out")
        try cipher.decrypt(url, to: out, what: "plain")
        #expect(try Data(contentsOf: out) == plain)
        let described = try cipher.describe(url, what: "plain")
        #expect(described.size == Int64(size))
        // Each sealing has its own salt, so its own key: the same bytes never seal alike.
        let again = try file("again", plain)
        try cipher.seal(again)
        #expect(try Data(contentsOf: again) != stored)
    }

    @Test func alteredTruncatedOrForeignKeyRefused() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try file("blob", Self.bytes(3 * (1 << 20) / 2))
        try cipher.seal(url)
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
        var salt = stored
        salt[12] ^= 1
        try refuses(salt, "does not decrypt")
        // Cut exactly after the first chunk: its "not last" flag no longer fits.
        try refuses(stored.prefix(Self.header + (1 << 20) + 16), "does not decrypt")
        try refuses(stored.prefix(Self.header + 10), "truncated")
        try refuses(stored.prefix(20), "not an encrypted backup file")
        try refuses(stored + Data(repeating: 0, count: 40), "does not decrypt")
        try refuses(stored, with: try BackupCipher(text: String(repeating: "cd", count: 32)), "does not decrypt")
        try refuses(Data("plain text".utf8), "not an encrypted backup file")
    }

    @Test func keysInBothFormsAndFromTheEnvironment() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: BackupError.self) { try BackupCipher(text: "short") }
        #expect(throws: BackupError.self) { try BackupCipher(text: String(repeating: "zz", count: 32)) }
        #expect(throws: BackupError.self) { try BackupCipher(text: Data(count: 31).base64EncodedString()) }
        let base64 = try BackupCipher(text: Data(repeating: 0xAB, count: 32).base64EncodedString())
        #expect(base64.keyID == cipher.keyID && cipher.keyID.count == 16, "the same key written as base64")
        #expect(try BackupCipher(text: String(repeating: "cd", count: 32)).keyID != cipher.keyID)
        #expect(try BackupCipher.from(environment: [:]) == nil)
        let hex = String(repeating: "ab", count: 32)
        #expect(try BackupCipher.from(environment: ["PDS_BACKUP_ENCRYPTION_KEY": hex])?.keyID == cipher.keyID)
        let keyFile = try file("backup.key", Data((hex + "\n").utf8))
        #expect(try BackupCipher.from(environment: ["PDS_BACKUP_ENCRYPTION_KEY_FILE": keyFile.path])?.keyID == cipher.keyID)
        #expect(try BackupCipher.from(environment: [:], keyFile: keyFile.path)?.keyID == cipher.keyID)
        #expect { try BackupCipher.from(environment: ["PDS_BACKUP_ENCRYPTION_KEY": hex, "PDS_BACKUP_ENCRYPTION_KEY_FILE": keyFile.path]) } throws: {
            "\($0)".contains("PDS_BACKUP_ENCRYPTION_KEY_FILE")
        }
        let bad = try file("bad.key", Data("not a key".utf8))
        #expect { try BackupCipher.from(environment: [:], keyFile: bad.path) } throws: { "\($0)".contains(bad.path) }
        #expect { try BackupCipher.from(environment: [:], keyFile: dir.appendingPathComponent("none").path) } throws: { "\($0)".contains("cannot read") }
    }

    /// The manifest's encryption record: the key's id and a MAC of its files.
    @Test func manifestKeyIDAndMAC() throws {
        var manifest = BackupManifest(id: "20261207-000000", startedAt: Date(), counts: ["accounts": 2])
        manifest.files = [.init(path: "auth.sqlite", size: 4096, sha256: String(repeating: "1", count: 64), kind: .sqlite),
                          .init(path: "blocks/blocks/aa/bafyaa", size: 10, sha256: String(repeating: "2", count: 64), kind: .blob,
                                pooled: "\(cipher.keyID)/" + String(repeating: "2", count: 64))]
        manifest.encryption = cipher.encryption(for: manifest)
        let decoded = try BackupManifest.decode(try BackupManifest.encode(manifest))
        try cipher.check(decoded)
        #expect { try BackupCipher(text: String(repeating: "cd", count: 32)).check(decoded) } throws: { "\($0)".contains("not the key") }
        for alter in [{ (m: inout BackupManifest) in m.files[0].sha256 = String(repeating: "3", count: 64) },
                      { $0.files[1].pooled = "elsewhere" }, { $0.files.removeLast() }, { $0.counts["accounts"] = 3 },
                      { $0.files[0].path = "auth2.sqlite" }] {
            var altered = decoded
            alter(&altered)
            #expect { try cipher.check(altered) } throws: { "\($0)".contains("was altered") }
        }
        var earlier = decoded
        earlier.encryption?.mac = nil
        #expect { try cipher.check(earlier) } throws: { "\($0)".contains("earlier") }
    }
}
