import EventStream
import IPC

extension EventHistory {
    /// History read from FirehoseService over IPC: what a `subscribeRepos` connection replays
    /// from before it switches to live events.
    static func firehose(_ client: any FirehoseServiceAPI) -> EventHistory {
        EventHistory(
            head: { try await client.state(Empty()).head },
            oldest: { try await client.state(Empty()).oldest },
            after: { cursor, limit in
                try await client.eventsAfter(.init(cursor: cursor, limit: limit)).events.map {
                    StreamEvent(seq: $0.seq, frame: [UInt8]($0.frame))
                }
            })
    }
}
