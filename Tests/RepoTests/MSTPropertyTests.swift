import IPLD
import Repo
import TestSupport
import Testing

@Suite struct MSTPropertyTests {
    static func key(_ i: Int) -> String { "app.bsky.feed.post/\(String(i, radix: 36))k\(i % 7)" }
    static func value(_ i: Int) -> CID { CID.compute(.dagCBOR, of: DAGCBOR.encode(.int(Int64(i)))) }

    /// Applies a random mix of inserts, updates and deletes, returning the final key set.
    static func randomOps(count: Int, seed: UInt64) -> [(String, CID?)] {
        var rng = SeededRandom(seed: seed)
        var ops = [(String, CID?)]()
        for _ in 0..<count {
            let k = key(Int.random(in: 0..<3000, using: &rng))
            ops.append((k, Int.random(in: 0..<4, using: &rng) == 0 ? nil : value(Int.random(in: 0..<1_000_000, using: &rng))))
        }
        return ops
    }

    @Test func rootDependsOnlyOnTheFinalSet() throws {
        let ops = Self.randomOps(count: 10_000, seed: 11)
        var final = [String: CID]()
        for (k, v) in ops { final[k] = v }
        let store = MemoryBlockStore()
        let sequential = try MST(store: store)
        for (k, v) in ops {
            if let v { try sequential.put(k, v) } else { try sequential.delete(k) }
        }
        var roots = Set<CID>([sequential.root])
        // The same final set inserted in several random orders.
        for seed in [1, 2, 3] as [UInt64] {
            var rng = SeededRandom(seed: seed)
            let tree = try MST(store: store)
            for (k, v) in final.map({ ($0.key, $0.value) }).shuffled(using: &rng) {
                try tree.put(k, v)
            }
            roots.insert(tree.root)
        }
        // And built in one pass.
        roots.insert(try MST.build(final.map { (key: $0.key, value: $0.value) }, store: store).root)
        #expect(roots.count == 1)
        let listed = try sequential.allEntries()
        #expect(listed.count == final.count)
        #expect(listed.map(\.key) == listed.map(\.key).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        // Deleting everything gives back the empty tree.
        for (k, _) in listed { #expect(try sequential.delete(k)) }
        #expect(sequential.root == MST.emptyRoot)
    }

    @Test func diffAppliedToAGivesB() throws {
        let store = MemoryBlockStore()
        let a = try MST(store: store)
        for i in 0..<500 { try a.put(Self.key(i), Self.value(i)) }
        let b = MST(root: a.root, store: store)
        var rng = SeededRandom(seed: 5)
        for _ in 0..<200 {
            let i = Int.random(in: 0..<800, using: &rng)
            if Bool.random(using: &rng) { try b.put(Self.key(i), Self.value(i + 1)) } else { try b.delete(Self.key(i)) }
        }
        let diff = try MSTDiff.between(old: a, new: b)
        #expect(!diff.ops.isEmpty)
        let replay = MST(root: a.root, store: store)
        for op in diff.ops {
            if let v = op.new { try replay.put(op.path, v) } else { #expect(try replay.delete(op.path)) }
        }
        #expect(replay.root == b.root)
        // And inverting the ops on B gives back A.
        let inverse = MST(root: b.root, store: store)
        try inverse.invert(diff.ops)
        #expect(inverse.root == a.root)
    }

    @Test func listingWithCursorsBothWays() throws {
        let tree = try MST(store: MemoryBlockStore())
        for i in 0..<300 { try tree.put("a.b.c/\(1000 + i)", Self.value(i)) }
        for i in 0..<50 { try tree.put("z.z.z/\(1000 + i)", Self.value(i)) }
        let page = try tree.list(after: "a.b.c/1100", limit: 10)
        #expect(page.map(\.key) == (101..<111).map { "a.b.c/\(1000 + $0)" })
        let back = try tree.list(after: "a.b.c/1100", limit: 5, reverse: true)
        #expect(back.map(\.key) == (95..<100).reversed().map { "a.b.c/\(1000 + $0)" })
        #expect(try tree.list(after: "z.z.z/1049").isEmpty)
        #expect(try tree.list(reverse: true).count == 350)
        #expect(try tree.get("a.b.c/1150") == Self.value(150))
        #expect(try tree.get("a.b.c/9999") == nil)
    }

    @Test func invalidKeysRefused() throws {
        let tree = try MST(store: MemoryBlockStore())
        for bad in ["", "nocollection", "a/b/c", "/rkey", "coll/", "coll/..", "coll/sp ace", "coll/é"] {
            #expect(throws: RepoError.self, "\(bad)") { try tree.put(bad, Self.value(1)) }
        }
    }
}
