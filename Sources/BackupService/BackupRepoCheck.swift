import ATCrypto
import Foundation
import GRDB
import IPLD
import Repo

/// The drill's check of each restored account store: its head commit is signed by the
/// account's restored signing key, and the MST recomputes from its blocks — every block read
/// is hashed against its CID, so the root CID covers the whole tree, and every record the
/// tree names is present.
public enum BackupRepoCheck {
    /// Problems found in the account stores of `manifest` restored under `dataDirectory`;
    /// `records` is the total number of records found.
    public static func check(_ manifest: BackupManifest, in dataDirectory: URL) -> (problems: [String], records: Int) {
        var problems = [String]()
        var records = 0
        for entry in manifest.files where entry.kind == .sqlite && entry.path.hasPrefix("actors/") {
            let database = dataDirectory.appendingPathComponent(entry.path)
            let keyFile = database.deletingPathExtension().appendingPathExtension("key")
            do {
                records += try checkStore(database, keyFile: keyFile)
            } catch {
                problems.append("\(entry.path): \(error)")
            }
        }
        return (problems, records)
    }

    /// Verifies one store; returns its record count.
    static func checkStore(_ database: URL, keyFile: URL) throws -> Int {
        let key = try readKey(keyFile)
        let queue = try DatabaseQueue(path: database.path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? queue.close() }
        return try queue.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT did, cid FROM repo_root LIMIT 1") else {
                throw BackupError("no repo root")
            }
            let root = try CID(string: row["cid"] as String)
            let store = CheckedBlocks(db: db)
            let verified = try RepoVerifier.verify(root: root, store: store, did: row["did"] as String, key: key.publicKey)
            return verified.recordCount
        }
    }

    /// A signing key file: `<algorithm> <raw private key hex>`.
    static func readKey(_ url: URL) throws -> any SigningKey {
        let parts = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, let algorithm = KeyAlgorithm(rawValue: String(parts[0])), parts[1].count == 64 else {
            throw BackupError("signing key \(url.lastPathComponent) is unreadable")
        }
        var raw = [UInt8]()
        var i = parts[1].startIndex
        while i < parts[1].endIndex {
            let j = parts[1].index(i, offsetBy: 2)
            guard let b = UInt8(parts[1][i..<j], radix: 16) else { throw BackupError("signing key \(url.lastPathComponent) is not hex") }
            raw.append(b)
            i = j
        }
        return try algorithm.signingKey(rawRepresentation: raw)
    }
}

/// An account store's `repo_block` table read block by block, each checked against its CID.
/// Only used inside one `read` of the store's queue, on that thread.
final class CheckedBlocks: BlockStore {
    let db: Database
    init(db: Database) { self.db = db }

    func block(_ cid: CID) throws(RepoError) -> [UInt8]? {
        let bytes: [UInt8]?
        do {
            bytes = try Data.fetchOne(db, sql: "SELECT content FROM repo_block WHERE cid = ?", arguments: [Data(cid.bytes)]).map { [UInt8]($0) }
        } catch {
            throw RepoError.malformed("cannot read block \(cid): \(error)")
        }
        guard let bytes else { return nil }
        guard CID.compute(CID.Codec(rawValue: cid.codec) ?? .dagCBOR, of: bytes) == cid else {
            throw RepoError.malformed("block \(cid) does not hash to its CID")
        }
        return bytes
    }

    func put(_ cid: CID, _ bytes: [UInt8]) throws(RepoError) {
        throw RepoError.malformed("the drill does not write blocks")
    }
}
