import ATCrypto
import Foundation
import IPLD
import Lexicon
import Repo
import Syntax

/// A repo CAR that passed every check `importRepo` makes, ready to store: what is kept of
/// it (the MST's nodes and the records, nothing unreachable) and what the index needs.
public struct ImportedRepo: Sendable {
    /// The commit as imported (its `rev` orders the re-signed one after it).
    public let commit: Commit
    /// Record path → record CID, in key order.
    public let entries: [(key: String, value: CID)]
    /// The MST nodes and the record blocks.
    public let blocks: [(CID, [UInt8])]
    /// Record path → the CIDs of the blobs it references (records with none are absent).
    public let blobs: [String: [CID]]

    /// Verifies a repo CAR for `did`, changing nothing anywhere: every block's CID against
    /// its bytes, exactly one root and it a commit for `did`, signed by one of `keys`; the
    /// MST well-formed (sorted keys, each at its layer, no empty or dangling nodes) with
    /// every record present; every record a valid data-model object whose `$type` is its
    /// collection, under a valid path, and valid against its Lexicon when one is known
    /// (as a write with `validate` unset). Throws `InvalidRequest` saying what was wrong.
    public static func verify(car: [UInt8], did: String, keys: [any PublicKey], validator: RecordValidator) throws -> ImportedRepo {
        let store = MemoryBlockStore()
        let root: CID
        do { root = try RepoVerifier.load(MemoryByteSource(car), into: store) } catch {
            throw RepoServiceError.invalidRequest("Invalid CAR: \(Self.describe(error))")
        }
        guard let rootBytes = store.block(root) else { throw RepoServiceError.invalidRequest("Invalid CAR: the root block \(root) is missing") }
        let commit: Commit
        do { commit = try Commit.decode(rootBytes) } catch {
            throw RepoServiceError.invalidRequest("Invalid CAR: the root is not a repo commit (\(Self.describe(error)))")
        }
        guard commit.did == did else {
            throw RepoServiceError.invalidRequest("The CAR is the repo of \(commit.did), not of \(did)")
        }
        guard keys.contains(where: { commit.verify(with: $0) }) else {
            throw RepoServiceError.invalidRequest("The commit's signature does not verify with the signing key of \(did) (\(keys.map(\.didKey).joined(separator: ", ")))")
        }
        do { _ = try RepoVerifier.verify(root: root, store: store, did: did, requireRecords: true) } catch {
            throw RepoServiceError.invalidRequest("The repo's MST does not match its commit: \(Self.describe(error))")
        }
        let tree = MST(root: commit.data, store: store)
        let entries: [(key: String, value: CID)]
        let nodes: [CID]
        do {
            entries = try tree.allEntries()
            nodes = try tree.allNodes()
        } catch { throw RepoServiceError.invalidRequest("The repo's MST does not match its commit: \(Self.describe(error))") }

        var blocks = [(CID, [UInt8])]()
        blocks.reserveCapacity(nodes.count + entries.count)
        for cid in nodes { if let b = store.block(cid) { blocks.append((cid, b)) } }
        var blobs = [String: [CID]]()
        var seenRecords = Set<CID>()
        for (path, cid) in entries {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, NSID.isValid(parts[0]), RecordKey.isValid(parts[1]) else {
                throw RepoServiceError.invalidRequest("Invalid record path in the repo: \(path)")
            }
            guard let bytes = store.block(cid) else { throw RepoServiceError.invalidRequest("The record at \(path) is missing from the CAR") }
            let record: DataValue
            do { record = try DAGCBOR.decode(bytes) } catch { throw RepoServiceError.invalidRequest("Could not parse record at '\(path)'") }
            do { try DataModel.validateRecord(record) } catch {
                throw RepoServiceError.invalidRequest("Invalid record at '\(path)': \(error.message)")
            }
            guard case .string(let type)? = record["$type"], type == parts[0] else {
                throw RepoServiceError.invalidRequest("Invalid record at '\(path)': $type is \(record["$type"]?.stringValue ?? "missing"), not \(parts[0])")
            }
            do { _ = try validator(parts[0], record) } catch {
                throw RepoServiceError.invalidRequest("Invalid record at '\(path)': \(RepoServiceError.from(error).message)")
            }
            let refs = Set(BlobRef.all(in: record).map(\.ref))
            if !refs.isEmpty { blobs[path] = refs.sorted { $0.string < $1.string } }
            // Two keys may hold the same record block; it is stored once.
            if seenRecords.insert(cid).inserted { blocks.append((cid, bytes)) }
        }
        return ImportedRepo(commit: commit, entries: entries, blocks: blocks, blobs: blobs)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let e as RepoError: return e.description
        case let e as IPLDError: return e.message
        default: return "\(error)"
        }
    }
}
