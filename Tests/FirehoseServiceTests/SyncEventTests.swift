import EventStream
import FirehoseService
import Foundation
import IPLD
import Testing

/// `#sync` on the wire: sequenced like any event, framed with `t: "#sync"`, its body the
/// spec's fields and its blocks a CAR holding exactly the commit block as the first root.
/// (RepoService has no import or reset path yet, so nothing emits it today.)
@Suite struct SyncEventTests {
    @Test func sequencedSyncFrameCarriesTheCommitAlone() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sequencer = try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path)
        _ = try await sequencer.append(did: "did:plc:other", kind: .commit, dedupeKey: "3l", body: ["repo": "did:plc:other"])

        let did = "did:plc:syncsyncsyncsyncsyncsync"
        let rev = "3lsyncrevxx22"
        let dataRoot = CID.compute(.dagCBOR, of: DAGCBOR.encode(["e": .array([]), "l": .null]))
        let commit = DAGCBOR.encode(.map(DataMap([("did", .string(did)), ("version", 3), ("data", .link(dataRoot)),
                                                  ("rev", .string(rev)), ("prev", .null), ("sig", .bytes([1, 2, 3]))])))
        let body = SyncEvent.body(did: did, rev: rev, commit: commit, time: "2026-11-25T00:00:00.000Z")
        let (seq, isNew) = try await sequencer.append(did: did, kind: .sync, dedupeKey: "sync-\(rev)", body: body)
        #expect(seq == 2 && isNew)

        let event = try #require(try await sequencer.events(after: 1).first)
        let (header, decoded) = try EventFrame.decode(event.frame)
        #expect(header == ["op": 1, "t": "#sync"])
        #expect(decoded["seq"] == .int(2))
        #expect(decoded["did"] == .string(did) && decoded["rev"] == .string(rev))
        #expect(decoded["time"] == .string("2026-11-25T00:00:00.000Z"))
        #expect(decoded["repo"] == nil && decoded["ops"] == nil, "not a #commit body")
        guard case .bytes(let car)? = decoded["blocks"] else { throw CancellationError() }
        var reader = try CARReader(bytes: car)
        var blocks: [(CID, [UInt8])] = []
        while let block = try reader.next() { blocks.append((block.cid, block.bytes)) }
        let commitCID = CID.compute(.dagCBOR, of: commit)
        #expect(reader.roots == [commitCID])
        #expect(blocks.count == 1 && blocks.first?.0 == commitCID && blocks.first?.1 == commit)
        // The commit block decodes to the same did and rev as the event.
        let decodedCommit = try DAGCBOR.decode(commit)
        #expect(decodedCommit["did"] == decoded["did"] && decodedCommit["rev"] == decoded["rev"])
        // Re-sent (a producer retrying after a crash) it keeps its seq.
        #expect(try await sequencer.append(did: did, kind: .sync, dedupeKey: "sync-\(rev)", body: body).seq == 2)
    }
}
