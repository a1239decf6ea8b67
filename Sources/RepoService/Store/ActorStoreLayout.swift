import Crypto
import Foundation

/// Where an account's files live under the data directory:
/// `actors/<first byte of sha256(did) in hex>/<did>.sqlite` and `<did>.key` beside it.
/// The shard level keeps directories small with many thousands of accounts.
public struct ActorStoreLayout: Sendable {
    public let root: URL

    public init(dataDirectory: URL) {
        root = dataDirectory.appendingPathComponent("actors")
    }

    func directory(for did: String) -> URL {
        let digest = SHA256.hash(data: Data(did.utf8))
        let shard = digest.prefix(1).map { String(format: "%02x", $0) }.joined()
        return root.appendingPathComponent(shard)
    }

    /// The SQLite file of an account.
    public func databasePath(for did: String) -> URL { directory(for: did).appendingPathComponent("\(did).sqlite") }

    /// The signing key file of an account.
    public func keyPath(for did: String) -> URL { directory(for: did).appendingPathComponent("\(did).key") }
}
