import EventStream
import Foundation
import HummingbirdWSClient
import IPLD
import Logging
import Repo
import Synchronization

/// One firehose event as the drill checks it.
struct TailEvent: Sendable {
    var seq: Int64
    var kind: String
    var did: String
    /// `#commit`: its rev, `since`, `prevData`, the commit's CID and its MST root (`data`,
    /// read from the commit block the event carries).
    var rev: String?
    var since: String?
    var prevData: String?
    var commit: String?
    var data: String?
    /// `#account`: `active` and `status`.
    var active: Bool?
    var status: String?
}

/// A `subscribeRepos` subscriber from cursor 0 that, like a relay, reconnects from the last
/// seq it saw whenever the connection drops (the gateway or FirehoseService killed), and keeps
/// every event, in the order received.
final class DrillFirehoseTail: Sendable {
    /// What the subscription has seen, shared with its task.
    final class Received: Sendable {
        let value = Mutex<(events: [TailEvent], reconnects: Int, errors: [String])>(([], 0, []))
        func withLock<T>(_ body: (inout (events: [TailEvent], reconnects: Int, errors: [String])) -> T) -> T { value.withLock { body(&$0) } }
    }

    private let state = Received()
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(port: Int) {
        let state = self.state
        task.withLock {
            $0 = Task {
                while !Task.isCancelled {
                    let cursor = state.withLock { $0.events.last?.seq ?? 0 }
                    let url = "ws://127.0.0.1:\(port)/xrpc/com.atproto.sync.subscribeRepos?cursor=\(cursor)"
                    do {
                        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 16 << 20),
                                                          logger: Logger(label: "pds.drill.firehose")) { inbound, outbound, _ in
                            try await withTaskCancellationHandler {
                                for try await message in inbound.messages(maxSize: 16 << 20) {
                                    guard case .binary(let buffer) = message else { continue }
                                    let event = try Self.event(Array(buffer.readableBytesView))
                                    state.withLock { if let event { $0.events.append(event) } }
                                }
                            } onCancel: {
                                Task { try? await outbound.close(.normalClosure, reason: nil) }
                            }
                        }
                    } catch {
                        if !Task.isCancelled { state.withLock { $0.errors.append("\(error)") } }
                    }
                    if Task.isCancelled { break }
                    state.withLock { $0.reconnects += 1 }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    func stop() { task.withLock { $0?.cancel() } }

    var events: [TailEvent] { state.withLock { $0.events } }
    var reconnects: Int { state.withLock { $0.reconnects } }
    var lastSeq: Int64 { state.withLock { $0.events.last?.seq ?? 0 } }

    /// Decodes one frame; nil for `#info` and other frames without a seq. An error frame
    /// (`op: -1`) is thrown, which drops the connection to be made again.
    static func event(_ frame: [UInt8]) throws -> TailEvent? {
        let (header, body) = try EventFrame.decode(frame)
        if header["op"] == .int(-1) { throw DrillFailure("error frame: \(body["error"]?.stringValue ?? "?")") }
        guard let kind = header["t"]?.stringValue, let seq = body["seq"]?.intValue else { return nil }
        let did = body["repo"]?.stringValue ?? body["did"]?.stringValue ?? ""
        var event = TailEvent(seq: seq, kind: kind, did: did)
        switch kind {
        case "#commit":
            event.rev = body["rev"]?.stringValue
            event.since = body["since"]?.stringValue
            if case .link(let cid)? = body["prevData"] { event.prevData = cid.string }
            if case .link(let cid)? = body["commit"] {
                event.commit = cid.string
                if let blocks = body["blocks"]?.bytesValue { event.data = try commitData(cid, in: blocks) }
            }
        case "#sync":
            // A repo's state from scratch: the chain goes on from this commit.
            event.rev = body["rev"]?.stringValue
            if let blocks = body["blocks"]?.bytesValue, let root = try CARReader(bytes: blocks).roots.first {
                event.commit = root.string
                event.data = try commitData(root, in: blocks)
            }
        case "#account":
            event.active = body["active"]?.boolValue
            event.status = body["status"]?.stringValue
        default: break
        }
        return event
    }

    /// The MST root of the commit `cid`, from the event's CAR slice.
    static func commitData(_ cid: CID, in blocks: [UInt8]) throws -> String? {
        var reader = try CARReader(bytes: blocks)
        while let block = try reader.next() {
            if block.cid == cid { return try Commit.decode(block.bytes).data.string }
        }
        return nil
    }
}
