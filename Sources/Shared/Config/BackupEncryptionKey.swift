import Foundation

/// The backup encryption key as it is configured: `PDS_BACKUP_ENCRYPTION_KEY` holds it, or
/// `PDS_BACKUP_ENCRYPTION_KEY_FILE` names a file holding it; either way 32 bytes written as
/// 64 hex characters or as base64 (surrounding whitespace ignored). One parser for the
/// configuration's check at start, the BackupService and `pds restore`.
public enum BackupEncryptionKey {
    /// What a key must look like, for error messages.
    public static let expected = "32 bytes as 64 hex characters or base64 (make one with `openssl rand -hex 32`)"

    /// The key's 32 bytes, or nil when `text` is not a key.
    public static func bytes(_ text: String) -> [UInt8]? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.utf8.count == 64, let bytes = Secrets.bytes(fromHex: t) { return bytes }
        if let data = Data(base64Encoded: t), data.count == 32 { return Array(data) }
        return nil
    }

    /// The key configured by `key` (the variable's text) or `file` (a path), or nil when
    /// neither is set (backups are then not encrypted). Setting both, an unreadable file or
    /// a malformed key is an error naming the variable.
    public static func resolve(key: String?, file: String?) throws(ConfigError) -> [UInt8]? {
        let key = key.flatMap { $0.isEmpty ? nil : $0 }
        let file = file.flatMap { $0.isEmpty ? nil : $0 }
        if key != nil, file != nil {
            throw ConfigError.invalid(variable: "PDS_BACKUP_ENCRYPTION_KEY_FILE", value: file!,
                                      expected: "unset when PDS_BACKUP_ENCRYPTION_KEY is set (set one of the two)")
        }
        if let file {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ConfigError.storage(path: file, reason: "cannot read the backup encryption key file (PDS_BACKUP_ENCRYPTION_KEY_FILE)")
            }
            guard let bytes = bytes(text) else {
                throw ConfigError.storage(path: file, reason: "does not hold a backup encryption key: expected \(expected)")
            }
            return bytes
        }
        guard let key else { return nil }
        guard let bytes = bytes(key) else {
            throw ConfigError.invalid(variable: "PDS_BACKUP_ENCRYPTION_KEY", value: "(hidden)", expected: expected)
        }
        return bytes
    }
}
