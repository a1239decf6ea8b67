import Foundation
import IPC
import RepoService
import Testing

/// `getRepo` streamed in chunks (`getRepoStart` / `getRepoChunk`): the pieces put together are
/// byte for byte the CAR `getRepo` answers whole, with and without `since`, and each piece is
/// at most 1 MiB.
@Suite struct RepoExportStreamTests {
    let sync = RepoSyncTests()

    func streamed(_ service: RepoServiceImplementation, since: String?) async throws -> (car: Data, pieces: [Int]) {
        let stream = try await service.syncGetRepoStart(.init(did: RepoSyncTests.did, since: since))
        var car = Data()
        var pieces: [Int] = []
        while true {
            let chunk = try await service.syncGetRepoChunk(stream)
            car.append(chunk.data)
            pieces.append(chunk.data.count)
            if chunk.done { break }
        }
        // Finished exports are forgotten.
        await #expect(throws: IPCError.self) { try await service.syncGetRepoChunk(stream) }
        return (car, pieces)
    }

    @Test func piecesMakeTheSameCAR() async throws {
        let dir = try TempDirectory()
        let service = sync.makeService(dir)
        try await sync.createRepo(service)
        let text = String(repeating: "x", count: 3000)
        var first: RepoTypes.ApplyWritesResponse? = nil
        for batch in 0..<10 {
            let r = try await service.applyWrites(.init(did: RepoSyncTests.did, writes: (0..<100).map {
                .init(action: "create", collection: "com.example.note", rkey: "r\(batch)-\($0)",
                      recordJSON: #"{"$type":"com.example.note","text":"\#(text)\#(batch)-\#($0)"}"#)
            }, validate: false, swapCommit: nil))
            if first == nil { first = r }
        }
        let whole = try await service.syncGetRepo(.init(did: RepoSyncTests.did, since: nil)).car
        let (car, pieces) = try await streamed(service, since: nil)
        #expect(whole.count > 3 << 20, "big enough for several pieces")
        #expect(car == whole)
        #expect(pieces.filter { $0 > 0 }.count >= 3 && pieces.allSatisfy { $0 <= 1 << 20 }, "\(pieces)")

        let since = try #require(first?.commit.rev)
        let wholeSince = try await service.syncGetRepo(.init(did: RepoSyncTests.did, since: since)).car
        #expect(try await streamed(service, since: since).car == wholeSince)

        // A missing repo fails at once, as an XRPC error.
        let error = await #expect(throws: IPCError.self) {
            try await service.syncGetRepoStart(.init(did: "did:plc:nobodynobodynobodynobody", since: nil))
        }
        #expect(error?.xrpcErrorName == "RepoNotFound")

        // A cancelled export stops: its producer gives up instead of waiting for a reader.
        let cancelled = try await service.syncGetRepoStart(.init(did: RepoSyncTests.did, since: nil))
        _ = try await service.syncGetRepoChunk(cancelled)
        _ = try await service.syncGetRepoCancel(cancelled)
        await #expect(throws: IPCError.self) { try await service.syncGetRepoChunk(cancelled) }
    }
}
