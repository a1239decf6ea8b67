import Crypto
import Foundation

extension BackupManifest {
    /// What an encrypted manifest's MAC covers: the format version, the id, the counts and
    /// every file (path, size, SHA-256, kind, pool name), each field length-prefixed so no two
    /// manifests give the same bytes. Not the dates and the `complete` flag, which a target
    /// sets around writing the manifest.
    var authenticatedBytes: [UInt8] {
        var out = [UInt8]()
        func field(_ text: String) {
            let bytes = Array(text.utf8)
            out += Array("\(bytes.count):".utf8) + bytes
        }
        field("pdswift backup manifest")
        field(String(version))
        field(id)
        for (name, value) in counts.sorted(by: { $0.key < $1.key }) { field("count"); field(name); field(String(value)) }
        for f in files {
            field("file"); field(f.path); field(String(f.size)); field(f.sha256); field(f.kind.rawValue)
            field(f.pooled.map { "pooled " + $0 } ?? "in backup")
        }
        return out
    }
}

extension BackupCipher {
    /// `BackupManifest.Encryption.algorithm` of what this version writes.
    public static let algorithm = "AES-256-GCM, 1 MiB chunks, a key per file by HKDF-SHA256 (PDSWBK02)"

    var manifestKey: SymmetricKey { SymmetricKey(data: Self.derive(key, "pdswift backup manifest mac")) }

    /// The `encryption` record of `manifest` as it now is (its files final): this key's id
    /// and the manifest's MAC.
    public func encryption(for manifest: BackupManifest) -> BackupManifest.Encryption {
        let mac = HMAC<SHA256>.authenticationCode(for: manifest.authenticatedBytes, using: manifestKey)
        return .init(algorithm: Self.algorithm, keyID: keyID, mac: Self.hex(mac))
    }

    /// Checks that encrypted `manifest` was written with this key and is unaltered: throws
    /// saying which is not so.
    public func check(_ manifest: BackupManifest) throws(BackupError) {
        guard let encryption = manifest.encryption else { return }
        guard let id = encryption.keyID, let mac = encryption.mac, let macBytes = Self.bytes(hex: mac) else {
            throw BackupError("backup \(manifest.id) is encrypted in an earlier development format (\(encryption.algorithm)) this version does not read")
        }
        guard id == keyID else {
            throw BackupError("the encryption key given (key id \(keyID)) is not the key of backup \(manifest.id) (key id \(id))")
        }
        guard HMAC<SHA256>.isValidAuthenticationCode(macBytes, authenticating: manifest.authenticatedBytes, using: manifestKey) else {
            throw BackupError("the manifest of backup \(manifest.id) was altered: its authentication code does not match its contents")
        }
    }

    /// Hex to bytes (nil if it is not hex), as the manifest writes its MAC.
    static func bytes(hex text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let byte = UInt8(String(decoding: chars[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
