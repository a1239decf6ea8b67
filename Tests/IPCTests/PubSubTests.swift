import Testing
@testable import IPC

@Suite struct PubSubTests {
    @Test func subscribersReceiveTheirTopicsInOrder() async throws {
        let dir = try temporarySocketDirectory()
        let address = endpoint(in: dir, "events")
        let publisher = try await EventPublisher(endpoint: address)
        let all = try await EventSubscriber(endpoint: address)
        let commitsOnly = try await EventSubscriber(endpoint: address, topics: ["commit"])
        // A SUB socket's subscription reaches the PUB asynchronously ("slow joiner"): publish a
        // marker until it arrives before the real stream starts.
        var allEvents = all.events.makeAsyncIterator()
        var commitEvents = commitsOnly.events.makeAsyncIterator()
        let warmUp = Task {
            while !Task.isCancelled {
                publisher.publish(PublishedEvent(topic: "commit-warmup", payload: []))
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        while await allEvents.next()?.topic != "commit-warmup" {}
        while await commitEvents.next()?.topic != "commit-warmup" {}
        warmUp.cancel()
        _ = await warmUp.value

        for seq in 1...100 { publisher.publish(PublishedEvent(topic: seq % 2 == 0 ? "commit" : "identity", payload: [UInt8(seq)])) }
        publisher.publish(PublishedEvent(topic: "end", payload: []))

        var seen: [UInt8] = []
        while let event = await allEvents.next(), event.topic != "end" {
            if event.topic != "commit-warmup" { seen.append(event.payload[0]) }
        }
        #expect(seen == (1...100).map { UInt8($0) })
        var commits: [UInt8] = []
        while commits.count < 50, let event = await commitEvents.next() {
            if event.topic == "commit" { commits.append(event.payload[0]) }
        }
        #expect(commits == stride(from: 2, through: 100, by: 2).map { UInt8($0) })

        await all.stop()
        while await allEvents.next() != nil {}  // finishes rather than hanging once stopped
        await commitsOnly.stop()
        await publisher.stop()
    }

    @Test func stoppingFinishesTheStream() async throws {
        let dir = try temporarySocketDirectory()
        let subscriber = try await EventSubscriber(endpoint: endpoint(in: dir, "quiet"))
        await subscriber.stop()
        var iterator = subscriber.events.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }
}
