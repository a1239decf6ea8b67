import FirehoseService
import Foundation
import EventStream
import IPLD
import Testing

@Suite struct SequencerTests {
    func makeSequencer() throws -> (Sequencer, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-seq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path), dir)
    }

    @Test func gaplessOrderDedupeAndPrune() async throws {
        let (seq, dir) = try makeSequencer()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Concurrent producers: every event gets exactly one seq, 1...n with no gap.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for p in 0..<4 {
                group.addTask {
                    for i in 0..<25 {
                        try await seq.append(did: "did:plc:p\(p)", kind: .commit, dedupeKey: "rev\(i)", body: ["repo": .string("did:plc:p\(p)"), "i": .int(Int64(i))])
                    }
                }
            }
            try await group.waitForAll()
        }
        let all = try await seq.events(after: 0, limit: 1000)
        #expect(all.map(\.seq) == Array(1...100))
        #expect(all.allSatisfy { $0.body["seq"] == .int($0.seq) })
        // A re-sent event keeps its seq.
        let again = try await seq.append(did: "did:plc:p1", kind: .commit, dedupeKey: "rev3", body: ["x": 1])
        #expect(!again.isNew)
        #expect(try await seq.currentSeq() == 100)
        // Per producer, events stay in the order they were produced.
        let p2 = all.filter { $0.did == "did:plc:p2" }.map { $0.body["i"]!.intValue! }
        #expect(p2 == Array(0..<25))
        // Cursor paging.
        #expect(try await seq.events(after: 95).map(\.seq) == [96, 97, 98, 99, 100])
        // Retention.
        try await seq.append(did: "did:plc:new", kind: .identity, dedupeKey: "1", body: ["did": "did:plc:new"],
                             at: Date().addingTimeInterval(3600))
        let pruned = try await seq.prune(before: Date().addingTimeInterval(60))
        #expect(pruned == 100)
        #expect(try await seq.oldest()?.seq == 101)
        #expect(try await seq.currentSeq() == 101)
    }

    @Test func framesRoundTrip() throws {
        let frame = EventFrame.message(.commit, body: ["seq": 5, "repo": "did:plc:x"])
        let (header, body) = try EventFrame.decode(frame)
        #expect(header["op"] == 1)
        #expect(header["t"] == "#commit")
        #expect(body["seq"] == 5)
        let err = try EventFrame.decode(EventFrame.error("FutureCursor", message: "Cursor in the future."))
        #expect(err.header["op"] == -1)
        #expect(err.body["error"] == "FutureCursor")
    }
}
