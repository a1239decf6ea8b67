import Crypto
import Foundation
import IPLD

/// Random identifiers for requests, codes and tokens: 256 bits, hex (as session token ids).
enum OAuthRandom {
    static func token(_ prefix: String) -> String { prefix + Sessions.newTokenID() }

    /// A SHA-256 of a secret, so the database never holds a usable token.
    static func digest(_ secret: String) -> String { PasswordHash.hex(Array(SHA256.hash(data: Array(secret.utf8)))) }
}
