import ATCrypto
import IPLD
import Repo
import Syntax

/// MST build, single write, CAR export and verified import on a 100,000-record repo
/// (issue: signed repositories). All in memory: the figures exclude disk I/O.
enum RepoBenchmarks {
    static let count = 100_000
    static let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"

    static func key(_ i: Int) -> String {
        "app.bsky.feed.post/\(TID(timestampMicros: UInt64(1_700_000_000_000_000 + i * 1_000), clockID: 7))"
    }

    static func run() {
        // Every record distinct, as in a real repo.
        let records = (0..<count).map { DAGCBOR.encode(RecordMix.record($0)) }
        let recordCIDs = records.map { CID.compute(.dagCBOR, of: $0) }

        // 1. Build an MST of 100k records.
        let store = MemoryBlockStore()
        for (c, b) in zip(recordCIDs, records) { store.put(c, b) }
        var tree: MST! = nil
        let buildTime = Measure.seconds {
            tree = try! MST.build((0..<count).map { (key: key($0), value: recordCIDs[$0]) }, store: store)
        }
        Measure.print("MST build, 100k records (one pass)", buildTime, "s", target: "< 1.5")
        let profiling = CommandLine.arguments.count > 2
        let incrementalStore = MemoryBlockStore()
        let incremental = try! MST(store: incrementalStore)
        let insertTime = Measure.seconds {
            for i in 0..<(profiling ? 10 : count) { try! incremental.put(key(i), recordCIDs[i]) }
        }
        precondition(profiling || incremental.root == tree.root)
        Measure.print("MST build, 100k records (one insert each)", insertTime, "s")

        // 2. One insert + commit + sign on the 100k repo.
        let signingKey = K256PrivateKey()
        let clock = TIDClock()
        let commit = try! Commit.sign(did: did, data: tree.root, rev: clock.next().string, key: signingKey)
        let head = CID.compute(.dagCBOR, of: commit.bytes)
        store.put(head, commit.bytes)
        let repo = try! Repository(did: did, head: head, store: store)
        var n = 0
        // `pds-bench repo profile` repeats the write many times for a profiler.
        let writes = profiling ? 10 : 2000
        let writeTime = Measure.seconds {
            for _ in 0..<writes {
                n += 1
                _ = try! repo.apply([.create(path: "app.bsky.feed.like/\(clock.next())", record: RecordMix.record(n * 10))],
                                    key: signingKey, rev: clock.next().string)
            }
        }
        Measure.print("one write + commit + sign, 100k repo", writeTime / Double(writes) * 1e6, "µs", target: "< 150")

        // 3. CAR export (best of 3, into a buffer that is reused).
        var car = [UInt8]()
        car.reserveCapacity(64 << 20)
        var exportTime = Double.infinity
        for _ in 0..<3 {
            car.removeAll(keepingCapacity: true)
            exportTime = min(exportTime, Measure.seconds {
                try! RepoExport.write(head: repo.commitCID, store: store) { car.append(contentsOf: $0) }
            })
        }
        if profiling {
            for _ in 0..<20 {
                var sink = 0
                try! RepoExport.write(head: repo.commitCID, store: store) { sink &+= $0.count }
            }
        }
        Measure.print("CAR export, 100k repo (\(car.count / 1_000_000) MB)", exportTime, "s")
        Measure.print("CAR export throughput", Double(car.count) / exportTime / 1e6, "MB/s", target: "≥ 150")

        // 4. Verified import.
        let importTime = Measure.seconds {
            let fresh = MemoryBlockStore()
            let root = try! RepoVerifier.load(MemoryByteSource(car), into: fresh)
            let verified = try! RepoVerifier.verify(root: root, store: fresh, did: did, key: signingKey.publicKey)
            precondition(verified.recordCount == count + writes)
        }
        Measure.print("verified CAR import, 100k repo", importTime, "s", target: "< 3")
    }
}
