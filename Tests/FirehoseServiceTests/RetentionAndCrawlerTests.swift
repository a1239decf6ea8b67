import FirehoseService
import Foundation
import IPC
import IPLD
import Synchronization
import Testing

/// Retention pruning, the state `_health` reports, and `requestCrawl` rate limiting.
@Suite struct RetentionAndCrawlerTests {
    func makeSequencer() throws -> (Sequencer, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-ret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path), dir)
    }

    @Test func pruneKeepsTheWindowAndTheSeqHighWaterMark() async throws {
        let (sequencer, dir) = try makeSequencer()
        defer { try? FileManager.default.removeItem(at: dir) }
        let now = Date()
        for (i, hoursAgo) in [100.0, 80, 50, 1].enumerated() {
            try await sequencer.append(did: "did:plc:a", kind: .commit, dedupeKey: "r\(i)", body: ["i": .int(Int64(i))],
                                       at: now.addingTimeInterval(-hoursAgo * 3600))
        }
        let removed = try await RetentionPruner.prune(sequencer, window: .seconds(72 * 3600), now: now)
        #expect(removed == 2)
        #expect(try await sequencer.oldest()?.seq == 3)
        #expect(try await sequencer.currentSeq() == 4)

        let service = FirehoseServiceImplementation(sequencer: sequencer, publisher: nil, retentionHours: 72)
        let state = try await service.state(Empty())
        #expect(state.head == 4 && state.oldest == 3 && state.retentionHours == 72)
        #expect(abs((state.oldestTime ?? .distantPast).timeIntervalSince(now.addingTimeInterval(-50 * 3600))) < 1)
    }

    @Test func crawlersAreToldAtMostOncePerInterval() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let sent = Mutex<[(URL, Data)]>([])
        let notifier = CrawlerNotifier(
            crawlers: [URL(string: "https://relay.one")!, URL(string: "https://relay.two/")!], hostname: "pds.example.com",
            send: { url, body in
                sent.withLock { $0.append((url, body)) }
                if url.host == "relay.two" { throw URLError(.cannotConnectToHost) }  // a failure is only logged
            },
            now: { clock.withLock { $0 } })
        await notifier.activity()?.value
        #expect(notifier.activity() == nil)
        clock.withLock { $0 += 19 * 60 }
        #expect(notifier.activity() == nil)
        clock.withLock { $0 += 2 * 60 }
        await notifier.activity()?.value
        let requests = sent.withLock { $0 }
        #expect(requests.count == 4)
        #expect(Set(requests.map(\.0.absoluteString)) == ["https://relay.one/xrpc/com.atproto.sync.requestCrawl",
                                                          "https://relay.two/xrpc/com.atproto.sync.requestCrawl"])
        let body = try JSONSerialization.jsonObject(with: requests[0].1) as? [String: String]
        #expect(body == ["hostname": "pds.example.com"])
        #expect(CrawlerNotifier(crawlers: [], hostname: "x").activity() == nil)
    }

    @Test func newEventsAndOnlyNewOnesWakeTheCrawlers() async throws {
        let (sequencer, dir) = try makeSequencer()
        defer { try? FileManager.default.removeItem(at: dir) }
        let calls = Mutex(0)
        let notifier = CrawlerNotifier(crawlers: [URL(string: "https://relay.one")!], hostname: "h", interval: 0,
                                       send: { _, _ in calls.withLock { $0 += 1 } })
        let service = FirehoseServiceImplementation(sequencer: sequencer, publisher: nil, crawlers: notifier)
        let event = FirehoseTypes.Event(did: "did:plc:a", kind: "#commit", dedupeKey: "rev1", body: Data(DAGCBOR.encode(["x": 1])))
        _ = try await service.appendEvents(.init(events: [event]))
        _ = try await service.appendEvents(.init(events: [event]))  // a re-send: same seq, no new activity
        let told = await waitUntil { calls.withLock { $0 } == 1 }
        #expect(told)
        try await Task.sleep(for: .milliseconds(100))
        #expect(calls.withLock { $0 } == 1)
    }

    func waitUntil(_ check: () -> Bool) async -> Bool {
        for _ in 0..<100 where !check() { try? await Task.sleep(for: .milliseconds(20)) }
        return check()
    }
}
