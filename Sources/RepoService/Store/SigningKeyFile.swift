import ATCrypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An account's repo signing key on disk: algorithm and raw private key in hex, in a file
/// only the service's user can read (0600), written to a temp file and renamed so a crash
/// never leaves half a key.
enum SigningKeyFile {
    static func write(_ key: any SigningKey, to url: URL) throws {
        let text = "\(key.algorithm.rawValue) \(key.rawRepresentation.map { String(format: "%02x", $0) }.joined())\n"
        let temp = url.appendingPathExtension("tmp")
        guard FileManager.default.createFile(atPath: temp.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw RepoServiceError.internalError("cannot create key file \(temp.lastPathComponent)")
        }
        let handle = try FileHandle(forWritingTo: temp)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
        try handle.close()
        // rename(2) replaces atomically whether or not the destination exists.
        guard rename(temp.path, url.path) == 0 else {
            throw RepoServiceError.internalError("cannot store key file \(url.lastPathComponent): errno \(errno)")
        }
    }

    static func read(_ url: URL) throws -> any SigningKey {
        let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: " ")
        guard parts.count == 2, let algorithm = KeyAlgorithm(rawValue: String(parts[0])) else {
            throw RepoServiceError.internalError("unreadable key file \(url.lastPathComponent)")
        }
        let hex = Array(parts[1].utf8)
        guard hex.count == 64 else { throw RepoServiceError.internalError("bad key length in \(url.lastPathComponent)") }
        var raw = [UInt8]()
        for i in stride(from: 0, to: 64, by: 2) {
            guard let b = UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) else {
                throw RepoServiceError.internalError("bad key hex in \(url.lastPathComponent)")
            }
            raw.append(b)
        }
        return try algorithm.signingKey(rawRepresentation: raw)
    }
}
