import ATCrypto
import Foundation
import IPLD
import RepoService
import Syntax
import Testing

@Suite struct RepoWriterTests {
    static let did = "did:plc:writerwriterwriterwrite"

    func makeWriter(_ dir: TempDirectory) async throws -> RepoWriter {
        let pool = ActorStorePool(dataDirectory: dir.url)
        let key = K256PrivateKey()
        let store = try await pool.create(did: Self.did, key: key)
        _ = try await store.createRepo(key: key, rev: TIDClock.shared.next().string)
        return RepoWriter(stores: pool, validator: { collection, _ in collection.hasPrefix("app.bsky.") ? .valid : .unknown })
    }

    @Test func createPutDeleteWithStatuses() async throws {
        let dir = try TempDirectory()
        let writer = try await makeWriter(dir)
        let post = #"{"$type":"app.bsky.feed.post","text":"hi","createdAt":"2026-11-25T00:00:00.000Z"}"#
        let created = try await writer.apply(did: Self.did, [WriteRequest(action: .create, collection: "app.bsky.feed.post", recordJSON: post)])
        let uri = try #require(created.results.first?.uri)
        #expect(uri.hasPrefix("at://\(Self.did)/app.bsky.feed.post/"))
        #expect(TID.isValid(String(uri.split(separator: "/").last!)))
        #expect(created.results.first?.validationStatus == .valid)
        #expect(created.results.first?.cid == CID.compute(.dagCBOR, of: DAGCBOR.encode(try DataModelJSON.parse(post))).string)
        // Unknown types: accepted as "unknown" by default, refused with validate: true, unchecked with false.
        let custom = #"{"$type":"com.example.thing","x":1}"#
        let unknown = try await writer.apply(did: Self.did, [WriteRequest(action: .create, collection: "com.example.thing", rkey: "self", recordJSON: custom)])
        #expect(unknown.results.first?.validationStatus == .unknown)
        await #expect(throws: RepoServiceError.self) {
            try await writer.apply(did: Self.did, [WriteRequest(action: .create, collection: "com.example.thing", rkey: "other", recordJSON: custom)], validate: true)
        }
        let skipped = try await writer.apply(did: Self.did, [WriteRequest(action: .create, collection: "com.example.thing", rkey: "third", recordJSON: custom)], validate: false)
        #expect(skipped.results.first?.validationStatus == nil)
        // swapCommit against a stale head fails with InvalidSwap.
        let stale = await #expect(throws: RepoServiceError.self) {
            try await writer.apply(did: Self.did, [WriteRequest(action: .delete, collection: "com.example.thing", rkey: "self")], swapCommit: created.commit.cid)
        }
        #expect(stale?.xrpcError == "InvalidSwap")
        let deleted = try await writer.apply(did: Self.did, [WriteRequest(action: .delete, collection: "com.example.thing", rkey: "self")],
                                             swapCommit: skipped.commit.cid)
        #expect(deleted.results.first?.cid == nil)
    }

    @Test(arguments: [
        #"{"$type":"app.bsky.feed.like","x":1}"#,   // $type does not match the collection
        #"{"text":"no type"}"#,
        #"{"$type":"app.bsky.feed.post","n":1.5}"#,
        #"[1,2]"#,
        #"{"$type":"app.bsky.feed.post""#,
    ])
    func badRecordsRefused(json: String) async throws {
        let dir = try TempDirectory()
        let writer = try await makeWriter(dir)
        let e = await #expect(throws: RepoServiceError.self) {
            try await writer.apply(did: Self.did, [WriteRequest(action: .create, collection: "app.bsky.feed.post", recordJSON: json)])
        }
        #expect(e?.xrpcError == "InvalidRequest")
    }

    @Test func badPathsAndBatchesRefused() async throws {
        let dir = try TempDirectory()
        let writer = try await makeWriter(dir)
        let rec = #"{"$type":"app.bsky.feed.post","text":"x"}"#
        for request in [WriteRequest(action: .create, collection: "not an nsid", recordJSON: rec),
                        WriteRequest(action: .create, collection: "app.bsky.feed.post", rkey: "..", recordJSON: rec),
                        WriteRequest(action: .update, collection: "app.bsky.feed.post", recordJSON: rec)] {
            await #expect(throws: RepoServiceError.self) { try await writer.apply(did: Self.did, [request]) }
        }
        let tooMany = (0..<201).map { WriteRequest(action: .create, collection: "app.bsky.feed.post", rkey: "k\($0)", recordJSON: rec) }
        await #expect(throws: RepoServiceError.self) { try await writer.apply(did: Self.did, tooMany) }
        let missing = await #expect(throws: RepoServiceError.self) {
            try await writer.apply(did: "did:plc:nobodynobodynobodynobo", [WriteRequest(action: .create, collection: "app.bsky.feed.post", recordJSON: rec)])
        }
        #expect(missing?.xrpcError == "RepoNotFound")
    }
}

import Lexicon

@Suite struct LexiconWriteTests {
    @Test func builtInLexiconsCheckWrites() async throws {
        let dir = try TempDirectory()
        let pool = ActorStorePool(dataDirectory: dir.url)
        let key = K256PrivateKey()
        let did = "did:plc:lexiconlexiconlexiconle"
        let store = try await pool.create(did: did, key: key)
        _ = try await store.createRepo(key: key, rev: TIDClock.shared.next().string)
        let writer = RepoWriter(stores: pool, validator: LexiconCatalog.builtIn.recordValidator)
        let good = #"{"$type":"app.bsky.feed.post","text":"hello","createdAt":"2026-11-25T00:00:00.000Z"}"#
        let ok = try await writer.apply(did: did, [WriteRequest(action: .create, collection: "app.bsky.feed.post", recordJSON: good)])
        #expect(ok.results.first?.validationStatus == .valid)
        let tooLong = #"{"$type":"app.bsky.feed.post","text":"\#(String(repeating: "a", count: 3001))","createdAt":"2026-11-25T00:00:00.000Z"}"#
        let e = await #expect(throws: RepoServiceError.self) {
            try await writer.apply(did: did, [WriteRequest(action: .create, collection: "app.bsky.feed.post", recordJSON: tooLong)])
        }
        #expect(e?.message.contains("text") == true)
        let missing = #"{"$type":"app.bsky.feed.like","createdAt":"2026-11-25T00:00:00.000Z"}"#
        await #expect(throws: RepoServiceError.self) {
            try await writer.apply(did: did, [WriteRequest(action: .create, collection: "app.bsky.feed.like", recordJSON: missing)])
        }
        // validate: false lets it through unchecked.
        let unchecked = try await writer.apply(did: did, [WriteRequest(action: .create, collection: "app.bsky.feed.like", recordJSON: missing)], validate: false)
        #expect(unchecked.results.first?.validationStatus == nil)
    }
}
