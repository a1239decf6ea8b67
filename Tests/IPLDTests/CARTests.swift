import IPLD
import TestSupport
import Testing

@Suite struct CARTests {
    func sampleBlocks(_ n: Int) -> [(CID, [UInt8])] {
        (0..<n).map { i in
            let v: DataValue = ["i": .int(Int64(i)), "text": .string(String(repeating: "x", count: i % 50))]
            let bytes = DAGCBOR.encode(v)
            return (CID.compute(.dagCBOR, of: bytes), bytes)
        }
    }

    @Test func writeThenStreamRead() throws {
        let blocks = sampleBlocks(500)
        let car = CARWriter.encode(roots: [blocks[0].0], blocks: blocks)
        var reader = try CARReader(bytes: car)
        #expect(reader.roots == [blocks[0].0])
        var read = [(CID, [UInt8])]()
        while let b = try reader.next() { read.append((b.cid, b.bytes)) }
        #expect(read.count == 500)
        #expect(zip(read, blocks).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 })
    }

    @Test func smallFlushesStream() throws {
        var chunks = [[UInt8]]()
        var writer = try CARWriter(roots: [], flushSize: 100) { chunks.append($0) }
        for (c, b) in sampleBlocks(50) { try writer.write(cid: c, bytes: b) }
        try writer.flush()
        #expect(chunks.count > 5)
        #expect(chunks.allSatisfy { $0.count < 300 })
    }

    @Test func wrongCIDRejected() throws {
        var blocks = sampleBlocks(3)
        blocks[1].1[0] ^= 1
        let car = CARWriter.encode(roots: [], blocks: blocks)
        var reader = try CARReader(bytes: car)
        _ = try reader.next()
        #expect(throws: IPLDError.self) { try reader.next() }
    }

    @Test func truncatedAndRandomCARsRejected() throws {
        // Flushing after every block makes each chunk end at a block boundary.
        var chunks = [[UInt8]]()
        var writer = try CARWriter(roots: [sampleBlocks(1)[0].0], flushSize: 1) { chunks.append($0) }
        for (c, b) in sampleBlocks(20) { try writer.write(cid: c, bytes: b) }
        let car = chunks.flatMap { $0 }
        var boundaries: Set<Int> = [CARWriter.encode(roots: [sampleBlocks(1)[0].0], blocks: []).count]
        var total = 0
        for c in chunks { total += c.count; boundaries.insert(total) }
        for cut in 1..<car.count where !boundaries.contains(cut) {
            let prefix = Array(car[0..<cut])
            #expect(throws: IPLDError.self) {
                var r = try CARReader(bytes: prefix)
                while try r.next() != nil {}
            }
        }
        var rng = SeededRandom(seed: 3)
        for _ in 0..<2000 {
            let junk = rng.bytes(Int.random(in: 0..<200, using: &rng))
            _ = try? { () throws -> Void in
                var r = try CARReader(bytes: junk)
                while try r.next() != nil {}
            }()
        }
        // A huge declared length is refused without allocating it.
        #expect(throws: IPLDError.self) { try CARReader(bytes: Varint.encode(UInt64(1) << 60) + [0xa0]) }
    }
}
