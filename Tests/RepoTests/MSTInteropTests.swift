import Foundation
import IPLD
import Repo
import TestSupport
import Testing

/// `../shared/interop/mst/` and `../shared/interop/firehose/commit-proof-fixtures.json`.
@Suite(.enabled(if: SharedFixtures.available, Comment(rawValue: SharedFixtures.skipReason)))
struct MSTInteropTests {
    @Test func keyHeights() throws {
        let cases = try SharedFixtures.jsonArray("interop/mst/key_heights.json")
        #expect(!cases.isEmpty)
        for c in cases {
            #expect(MSTKey.height(c["key"] as! String) == c["height"] as! Int, "\(c["key"]!)")
        }
    }

    @Test func commonPrefixes() throws {
        for c in try SharedFixtures.jsonArray("interop/mst/common_prefix.json") {
            let l = Array((c["left"] as! String).utf8), r = Array((c["right"] as! String).utf8)
            #expect(MSTKey.commonPrefixLength(l, r) == c["len"] as! Int, "\(c)")
        }
    }

    @Test func exampleKeysCarryTheirHeight() throws {
        let keys = try SharedFixtures.lines("interop/mst/example_keys.txt")
        #expect(keys.count > 100)
        for key in keys {
            let digit = Int(String(key[key.index(after: key.startIndex)]))!
            #expect(MSTKey.height(key) == digit, "\(key)")
        }
    }

    @Test func commitProofFixtures() throws {
        let cases = try SharedFixtures.jsonArray("interop/firehose/commit-proof-fixtures.json")
        #expect(cases.count >= 6)
        for c in cases {
            let name = c["comment"] as? String ?? "?"
            let leaf = try CID(string: c["leafValue"] as! String)
            let store = MemoryBlockStore()
            let tree = try MST(store: store)
            for k in c["keys"] as! [String] { try tree.put(Array(k.utf8), leaf) }
            #expect(tree.root.string == c["rootBeforeCommit"] as! String, "\(name): root before")
            let before = MST(root: tree.root, store: store)
            for k in c["adds"] as! [String] { try tree.put(Array(k.utf8), leaf) }
            for k in c["dels"] as! [String] { #expect(try tree.delete(Array(k.utf8)), "\(name): delete \(k)") }
            #expect(tree.root.string == c["rootAfterCommit"] as! String, "\(name): root after")

            let diff = try MSTDiff.between(old: before, new: tree)
            let proof = try tree.inductiveProofNodes(for: diff.ops, provingDeletions: true)
            let expected = Set((c["blocksInProof"] as! [String]).map { try! CID(string: $0) })
            #expect(proof.union(diff.createdNodes) == expected, "\(name): blocks in proof")

            // The blocks a commit carries are enough for a consumer to invert it.
            var blocks = [CID: [UInt8]]()
            for cid in expected { blocks[cid] = store.block(cid) }
            try CommitInversion.verify(newRoot: tree.root, previousRoot: before.root, ops: diff.ops, blocks: blocks)
        }
    }
}
