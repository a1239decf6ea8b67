import FuzzSupport
import IPLD
import Lexicon
import Repo
import Syntax

/// The repo-verify path of `importRepo` (`ImportedRepo.verify` in RepoService), through the
/// same shared-library calls: load the CAR (`RepoVerifier.load`), decode the root commit,
/// verify the MST (`RepoVerifier.verify`), list its entries and nodes, and check each record
/// (path syntax, DAG-CBOR, data model, `$type`, Lexicon, blob references). The commit's
/// signature is not checked: a fuzzed CAR never carries a valid one, and the checks after it
/// are the ones that read hostile structure. CARs of MST blocks only (no commit) take the
/// `requireRecords: false` path the MST test suite uses.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let store = MemoryBlockStore()
    guard let root = try? RepoVerifier.load(MemoryByteSource(bytes), into: store) else { return 0 }
    guard let rootBytes = store.block(root) else { return 0 }
    let commit = try? Commit.decode(rootBytes)
    if let commit {
        Invariant.check((try? Commit.decode(commit.bytes)) == commit, "commit does not round-trip")
    }
    guard let verified = try? RepoVerifier.verify(root: root, store: store, requireRecords: commit != nil) else { return 0 }
    let tree = MST(root: verified.data, store: store)
    guard let entries = try? tree.allEntries(), let nodes = try? tree.allNodes() else {
        Invariant.fail("a verified MST cannot be walked")
    }
    Invariant.check(entries.count == verified.recordCount, "walk finds \(entries.count) entries, verify counted \(verified.recordCount)")
    for cid in nodes {
        guard let block = store.block(cid), let node = try? MSTNode.decode(block) else { Invariant.fail("verified node \(cid) does not decode") }
        Invariant.check((try? MSTNode.decode(node.encode())) == node, "node \(cid) does not round-trip")
    }
    guard commit != nil else { return 0 }
    for (path, cid) in entries {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, NSID.isValid(parts[0]), RecordKey.isValid(parts[1]) else { continue }
        guard let block = store.block(cid), let record = try? DAGCBOR.decode(block) else { continue }
        guard (try? DataModel.validateRecord(record)) != nil else { continue }
        guard case .string(let type)? = record["$type"], type == parts[0] else { continue }
        _ = LexiconCatalog.builtIn.validateRecord(collection: parts[0], value: record)
        _ = BlobRef.all(in: record)
    }
    return 0
}
