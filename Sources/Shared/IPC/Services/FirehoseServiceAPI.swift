import Foundation

/// Request and response types of the FirehoseService's methods.
public enum FirehoseTypes {
    /// An event to sequence: its body is DAG-CBOR without `seq`.
    public struct Event: Codable, Sendable, Equatable {
        public var did: String
        /// `#commit`, `#sync`, `#identity` or `#account`.
        public var kind: String
        /// What makes a re-sent event recognisable (a commit's rev).
        public var dedupeKey: String
        public var body: Data
        public init(did: String, kind: String, dedupeKey: String, body: Data) {
            self.did = did; self.kind = kind; self.dedupeKey = dedupeKey; self.body = body
        }
    }
    /// The input of an append call.
    public struct AppendRequest: Codable, Sendable {
        public var events: [Event]
        public init(events: [Event]) { self.events = events }
    }
    /// The answer to an append call.
    public struct AppendResponse: Codable, Sendable {
        /// The seq of each event, in order (an already-sequenced event keeps its seq).
        public var seqs: [Int64]
        public init(seqs: [Int64]) { self.seqs = seqs }
    }
    /// A sequenced event as a ready-to-send stream frame.
    public struct Sequenced: Codable, Sendable, Equatable {
        public var seq: Int64
        public var frame: Data
        public init(seq: Int64, frame: Data) { self.seq = seq; self.frame = frame }
    }
    /// The input of an after call.
    public struct AfterRequest: Codable, Sendable {
        public var cursor: Int64
        public var limit: Int
        public init(cursor: Int64, limit: Int) { self.cursor = cursor; self.limit = limit }
    }
    /// The answer to an after call.
    public struct AfterResponse: Codable, Sendable {
        public var events: [Sequenced]
        public init(events: [Sequenced]) { self.events = events }
    }
    /// The answer to a state call.
    public struct StateResponse: Codable, Sendable {
        public var head: Int64
        public var oldest: Int64?
        /// The retention window: events older than this are pruned.
        public var retentionHours: Int?
        /// When the oldest retained event was sequenced.
        public var oldestTime: Date?
        public init(head: Int64, oldest: Int64?, retentionHours: Int? = nil, oldestTime: Date? = nil) {
            self.head = head; self.oldest = oldest; self.retentionHours = retentionHours; self.oldestTime = oldestTime
        }
    }
}

/// The FirehoseService (it sequences and publishes repository events) as seen over IPC.
public protocol FirehoseServiceAPI: ServiceAPI {
    func appendEvents(_ request: FirehoseTypes.AppendRequest) async throws(IPCError) -> FirehoseTypes.AppendResponse
    func eventsAfter(_ request: FirehoseTypes.AfterRequest) async throws(IPCError) -> FirehoseTypes.AfterResponse
    func state(_ request: Empty) async throws(IPCError) -> FirehoseTypes.StateResponse
}

/// The wire names and types of the FirehoseService's own methods.
public enum FirehoseMethods {
    public static let appendEvents = RPCMethod<FirehoseTypes.AppendRequest, FirehoseTypes.AppendResponse>("appendEvents")
    public static let eventsAfter = RPCMethod<FirehoseTypes.AfterRequest, FirehoseTypes.AfterResponse>("eventsAfter")
    public static let state = RPCMethod<Empty, FirehoseTypes.StateResponse>("state")
}

extension FirehoseServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var h = RPCHandlers()
        registerCommonMethods(into: &h)
        h.register(FirehoseMethods.appendEvents) { r async throws(IPCError) in try await self.appendEvents(r) }
        h.register(FirehoseMethods.eventsAfter) { r async throws(IPCError) in try await self.eventsAfter(r) }
        h.register(FirehoseMethods.state) { r async throws(IPCError) in try await self.state(r) }
        return h
    }
}

/// Calls a FirehoseService through an `RPCCaller`.
public struct FirehoseServiceClient: FirehoseServiceAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { try await caller.call(CommonMethods.ping, r) }
    public func appendEvents(_ r: FirehoseTypes.AppendRequest) async throws(IPCError) -> FirehoseTypes.AppendResponse { try await caller.call(FirehoseMethods.appendEvents, r) }
    public func eventsAfter(_ r: FirehoseTypes.AfterRequest) async throws(IPCError) -> FirehoseTypes.AfterResponse { try await caller.call(FirehoseMethods.eventsAfter, r) }
    public func state(_ r: Empty) async throws(IPCError) -> FirehoseTypes.StateResponse { try await caller.call(FirehoseMethods.state, r) }
}
