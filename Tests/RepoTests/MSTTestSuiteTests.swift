import Foundation
import IPLD
import Repo
import TestSupport
import Testing

/// Every `mst-diff` case of `../shared/mst-test-suite/tests/`.
@Suite(.enabled(if: SharedFixtures.available, Comment(rawValue: SharedFixtures.skipReason)))
struct MSTTestSuiteTests {
    /// Loads a CAR of MST blocks: its root and a store holding its blocks.
    static func load(_ path: String, cache: inout [String: (CID, MemoryBlockStore, [UInt8])]) throws -> (CID, MemoryBlockStore, [UInt8]) {
        if let hit = cache[path] { return hit }
        let bytes = [UInt8](try SharedFixtures.data("mst-test-suite/" + path))
        var reader = try CARReader(bytes: bytes)
        let store = MemoryBlockStore()
        while let b = try reader.next() { store.put(b.cid, b.bytes) }
        let entry = (reader.roots[0], store, bytes)
        cache[path] = entry
        return entry
    }

    @Test func carsReencodeByteForByte() throws {
        let dir = SharedFixtures.url("mst-test-suite/cars/exhaustive")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".car") }
        #expect(files.count >= 100)
        for f in files {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(f)))
            var reader = try CARReader(bytes: bytes)
            var blocks = [(CID, [UInt8])]()
            while let b = try reader.next() {
                // Every node decodes and re-encodes to the same bytes.
                let node = try MSTNode.decode(b.bytes)
                #expect(node.encode() == b.bytes, "\(f): node \(b.cid)")
                blocks.append((b.cid, b.bytes))
            }
            #expect(CARWriter.encode(roots: reader.roots, blocks: blocks) == bytes, "\(f)")
        }
    }

    @Test func diffCases() throws {
        let root = SharedFixtures.url("mst-test-suite/tests")
        let enumerator = FileManager.default.enumerator(atPath: root.path)!
        var cars: [String: (CID, MemoryBlockStore, [UInt8])] = [:]
        var checked = 0
        var failures = [String]()
        while let rel = enumerator.nextObject() as? String {
            guard rel.hasSuffix(".json") else { continue }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent(rel))) as! [String: Any]
            guard json["$type"] as? String == "mst-diff" else { continue }
            let inputs = json["inputs"] as! [String: String]
            let results = json["results"] as! [String: Any]
            let (rootA, storeA, _) = try Self.load(inputs["mst_a"]!, cache: &cars)
            let (rootB, storeB, _) = try Self.load(inputs["mst_b"]!, cache: &cars)
            let a = MST(root: rootA, store: storeA), b = MST(root: rootB, store: storeB)
            let result = try MSTDiffReport.make(old: a, new: b)
            let expected = MSTDiffReport(json: results)
            if let problem = result.mismatch(against: expected) { failures.append("\(rel): \(problem)") }
            checked += 1
        }
        #expect(checked >= 7000)
        #expect(failures.isEmpty, "\(failures.count) failing cases, first: \(failures.prefix(5))")
    }
}
