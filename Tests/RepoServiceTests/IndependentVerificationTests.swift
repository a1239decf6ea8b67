import ATCrypto
import Foundation
import IPLD
import Repo
import RepoService
import Syntax
import TestSupport
import Testing

/// A repo written by RepoService, checked by an independent implementation (Python libipld
/// and the atproto SDK's crypto): block CIDs, the commit signature, and the MST root
/// recomputed from the records.
@Suite(.enabled(if: PythonTools.python != nil || PythonTools.inCI, Comment(rawValue: PythonTools.skipReason)))
struct IndependentVerificationTests {
    @Test(arguments: [KeyAlgorithm.k256, .p256])
    func exportVerifiesWithLibipld(algorithm: KeyAlgorithm) async throws {
        let dir = try TempDirectory()
        let pool = ActorStorePool(dataDirectory: dir.url)
        let key = algorithm.generateSigningKey()
        let did = "did:plc:independentindependent"
        let store = try await pool.create(did: did, key: key)
        _ = try await store.createRepo(key: key, rev: TIDClock.shared.next().string)
        let clock = TIDClock()
        for batch in 0..<5 {
            var writes = [RecordWrite]()
            for i in 0..<60 {
                let collection = ["app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.graph.follow"][i % 3]
                writes.append(.create(path: "\(collection)/\(clock.next())", record: ["$type": .string(collection), "n": .int(Int64(batch * 100 + i))]))
            }
            _ = try await store.applyWrites(writes, key: key, clock: clock)
        }
        // Some deletes, so the tree has been reshaped.
        let some = try await store.listRecords(collection: "app.bsky.feed.like", limit: 30)
        _ = try await store.applyWrites(some.map { .delete(path: String($0.uri.dropFirst("at://\(did)/".count))) }, key: key, clock: clock)
        let car = ByteCollector()
        try await store.exportCAR { car.append($0) }
        let file = dir.url.appendingPathComponent("repo.car")
        try Data(car.bytes).write(to: file)
        let script = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("Tests/Interop/verify_repo_car.py"), encoding: .utf8)
        let result = try PythonTools.run(script: script, arguments: [file.path, key.didKey])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\"records\": 270"), "\(result.output)")
    }
}
