/// One sequenced event as it travels to gateways: its seq and its ready-to-send frame.
public struct StreamEvent: Sendable, Equatable, Codable {
    public let seq: Int64
    /// The WebSocket binary frame (header + body, DAG-CBOR).
    public let frame: [UInt8]

    public init(seq: Int64, frame: [UInt8]) {
        self.seq = seq
        self.frame = frame
    }
}

/// Where a subscriber's history comes from: the sequencer, reached over IPC in production.
public struct EventHistory: Sendable {
    /// The newest seq.
    public let head: @Sendable () async throws -> Int64
    /// The oldest retained seq, nil when nothing is retained.
    public let oldest: @Sendable () async throws -> Int64?
    /// Up to `limit` events after `cursor`, in order.
    public let after: @Sendable (_ cursor: Int64, _ limit: Int) async throws -> [StreamEvent]

    public init(head: @escaping @Sendable () async throws -> Int64,
                oldest: @escaping @Sendable () async throws -> Int64?,
                after: @escaping @Sendable (Int64, Int) async throws -> [StreamEvent]) {
        self.head = head
        self.oldest = oldest
        self.after = after
    }
}
