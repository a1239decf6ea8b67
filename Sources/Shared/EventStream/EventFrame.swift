import IPLD

/// The kinds of `com.atproto.sync.subscribeRepos` messages.
public enum EventKind: String, Sendable, CaseIterable {
    case commit = "#commit"
    case sync = "#sync"
    case identity = "#identity"
    case account = "#account"
    case info = "#info"
}

/// One WebSocket binary frame of the event stream: a DAG-CBOR header (`{op: 1, t}` for a
/// message, `{op: -1}` for an error) followed by a DAG-CBOR body.
public enum EventFrame {
    /// A message frame.
    public static func message(_ kind: EventKind, body: DataValue) -> [UInt8] {
        DAGCBOR.encode(["op": 1, "t": .string(kind.rawValue)]) + DAGCBOR.encode(body)
    }

    /// An error frame; the stream closes after it.
    public static func error(_ name: String, message: String? = nil) -> [UInt8] {
        var body: [(String, DataValue)] = [("error", .string(name))]
        if let message { body.append(("message", .string(message))) }
        return DAGCBOR.encode(["op": -1]) + DAGCBOR.encode(.map(DataMap(body)))
    }

    /// Splits a frame back into header and body (consumers, tests).
    public static func decode(_ frame: [UInt8]) throws(IPLDError) -> (header: DataValue, body: DataValue) {
        // The header is a small map; find where it ends by decoding growing prefixes.
        guard !frame.isEmpty else { throw IPLDError(.cbor, "empty frame") }
        for end in 1...min(frame.count, 64) {
            if let header = try? DAGCBOR.decode(Array(frame[0..<end])) {
                return (header, try DAGCBOR.decode(Array(frame[end...])))
            }
        }
        throw IPLDError(.cbor, "no frame header")
    }
}
