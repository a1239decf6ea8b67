import _CryptoExtras
import Crypto
import Dispatch
import Foundation

/// Passwords stored as the reference PDS stores them: scrypt (N=16384, r=8, p=1, 64-byte
/// key) with a random per-password salt, written `saltHex:hashHex`, so an `auth.sqlite`
/// migrated from the reference keeps working.
///
/// scrypt takes tens of milliseconds of CPU, so it runs on a dispatch queue, never on the
/// cooperative pool that serves requests.
public enum PasswordHash {
    static let queue = DispatchQueue(label: "pdswift.scrypt", attributes: .concurrent)

    /// Hashes a new password.
    public static func hash(_ password: String) async throws -> String {
        let salt = hex((0..<16).map { _ in UInt8.random(in: 0...255) })
        let derived = try await derive(password, salt: salt)
        return "\(salt):\(hex(derived))"
    }

    /// Checks a password against a stored `salt:hash`, comparing in constant time.
    public static func verify(_ password: String, stored: String) async throws -> Bool {
        let parts = stored.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        let derived = hex(try await derive(password, salt: parts[0]))
        return constantTimeEqual(Array(derived.utf8), Array(parts[1].utf8))
    }

    static func derive(_ password: String, salt: String) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do {
                    // The reference feeds the salt's hex text (not its bytes) to scrypt.
                    let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: Array(salt.utf8), outputByteCount: 64,
                                                      rounds: 16384, blockSize: 8, parallelism: 1)
                    continuation.resume(returning: key.withUnsafeBytes { Array($0) })
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Equality whose time does not depend on where the inputs differ.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
