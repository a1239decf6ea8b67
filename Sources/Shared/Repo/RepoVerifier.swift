import ATCrypto
import IPLD

/// What a verified repo CAR holds.
public struct VerifiedRepo: Sendable {
    /// The CAR's root: the commit, or the MST root for a CAR of MST blocks only.
    public let root: CID
    /// The commit, when the root is one.
    public let commit: Commit?
    /// The MST root.
    public let data: CID
    public let recordCount: Int
}

/// Full verification of a repo held in a block store (typically just loaded from a CAR):
/// the commit signature, every block's CID (checked while reading), the MST's structure
/// (sorted keys, correct layers, no empty or dangling nodes) and every record reachable.
public enum RepoVerifier {
    /// Loads a CAR into `store`, checking each block's CID against its bytes.
    public static func load<S: ByteSource>(_ source: S, into store: any BlockStore) throws -> CID {
        var reader = try CARReader(source)
        guard reader.roots.count == 1 else { throw RepoError.malformed("CAR must have exactly one root, has \(reader.roots.count)") }
        while let block = try reader.next() { try store.put(block.cid, block.bytes) }
        return reader.roots[0]
    }

    /// Verifies the repo at `root`. `did` and `key`, when given, must match the commit.
    /// With `requireRecords` false, record blocks may be absent (MST-only CARs).
    public static func verify(root: CID, store: any BlockStore, did: String? = nil, key: (any PublicKey)? = nil,
                              requireRecords: Bool = true) throws -> VerifiedRepo {
        guard let rootBytes = try store.block(root) else { throw RepoError.missingBlock(root) }
        var commit: Commit? = nil
        var data = root
        if (try? MSTNode.decode(rootBytes)) == nil {
            let c = try Commit.decode(rootBytes)
            if let did, c.did != did { throw RepoError.malformed("commit is for \(c.did), expected \(did)") }
            if let key, !c.verify(with: key) { throw RepoError.badSignature("signature does not verify with \(key.didKey)") }
            commit = c
            data = c.data
        }
        // A CAR of MST blocks only (no commit), as the MST test suite ships, carries no records.
        let count = try verifyTree(data, store: store, requireRecords: requireRecords && commit != nil)
        return VerifiedRepo(root: root, commit: commit, data: data, recordCount: count)
    }

    /// Checks the MST rooted at `root`; returns the number of records.
    static func verifyTree(_ root: CID, store: any BlockStore, requireRecords: Bool) throws -> Int {
        let tree = MST(root: root, store: store)
        let rootNode = try tree.node(root)
        if rootNode.isEmpty { return 0 }
        guard !rootNode.entries.isEmpty else { throw RepoError.invalidStructure("root node \(root) has no entries") }
        var previousKey: [UInt8]? = nil
        var count = 0
        // (node, layer) in key order via an explicit stack; layers fall by one per level.
        enum Step { case node(CID, Int), leaf(MSTEntry, Int) }
        var stack: [Step] = [.node(root, MSTKey.height(rootNode.entries[0].key))]
        while let step = stack.popLast() {
            switch step {
            case .node(let cid, let layer):
                guard layer >= 0 else { throw RepoError.invalidStructure("node \(cid) below layer 0") }
                let n = try tree.node(cid)
                if n.isEmpty { throw RepoError.invalidStructure("empty node \(cid) inside the tree") }
                var steps: [Step] = []
                if let l = n.left { steps.append(.node(l, layer - 1)) }
                for e in n.entries {
                    steps.append(.leaf(e, layer))
                    if let r = e.right { steps.append(.node(r, layer - 1)) }
                }
                stack.append(contentsOf: steps.reversed())
            case .leaf(let e, let layer):
                guard MSTKey.isValid(e.key) else { throw RepoError.invalidKey(e.keyString) }
                guard MSTKey.height(e.key) == layer else {
                    throw RepoError.invalidStructure("key \(e.keyString) has height \(MSTKey.height(e.key)) but sits at layer \(layer)")
                }
                if let p = previousKey, !p.lexicographicallyPrecedes(e.key) {
                    throw RepoError.invalidStructure("key \(e.keyString) out of order")
                }
                previousKey = e.key
                if requireRecords {
                    guard let bytes = try store.block(e.value) else { throw RepoError.missingBlock(e.value) }
                    do { _ = try DAGCBOR.decode(bytes) } catch { throw RepoError.data(error) }
                }
                count += 1
            }
        }
        return count
    }
}
