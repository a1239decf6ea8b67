import IPLD

/// DAG-CBOR encode/decode throughput and CID computation (issue: foundation).
enum DataBenchmarks {
    static func run() {
        let records = (0..<20_000).map(RecordMix.record)
        let encoded = records.map { DAGCBOR.encode($0) }
        let totalBytes = Double(encoded.reduce(0) { $0 + $1.count })
        print("record mix: \(records.count) records, \(Int(totalBytes)) bytes, \(Int(totalBytes) / records.count) bytes average")

        var best = 0.0
        for _ in 0..<5 {
            let t = Measure.seconds { for r in records { _ = DAGCBOR.encode(r) } }
            best = max(best, totalBytes / t / 1e6)
        }
        Measure.print("DAG-CBOR encode", best, "MB/s", target: "≥ 150")

        best = 0
        for _ in 0..<5 {
            let t = Measure.seconds { for e in encoded { _ = try! DAGCBOR.decode(e) } }
            best = max(best, totalBytes / t / 1e6)
        }
        Measure.print("DAG-CBOR decode", best, "MB/s", target: "≥ 150")

        var i = 0
        let cidRate = Measure.rate { _ = CID.compute(.dagCBOR, of: encoded[i % encoded.count]); i += 1 }
        Measure.print("CIDs computed (sha2-256 of a record)", cidRate, "/s")
    }
}
