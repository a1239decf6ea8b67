import Foundation
import HummingbirdWSClient
import IPLD
import Logging
import Synchronization

/// A `subscribeRepos` WebSocket client for the tests: it collects every frame, decoded, until
/// the server closes or `stop()` is called.
final class FirehoseConsumer: Sendable {
    /// One decoded frame.
    struct Frame: Sendable {
        var header: DataValue
        var body: DataValue

        var isError: Bool { header["op"] == .int(-1) }
        var type: String? { if case .string(let t)? = header["t"] { t } else { nil } }
        var seq: Int64? { if case .int(let s)? = body["seq"] { s } else { nil } }
        var errorName: String? { if case .string(let e)? = body["error"] { e } else { nil } }
    }

    /// What the connection has seen, shared with its task.
    final class Received: Sendable {
        let value = Mutex<(frames: [Frame], closed: Bool, failure: String?)>(([], false, nil))
        func withLock<T>(_ body: (inout (frames: [Frame], closed: Bool, failure: String?)) -> T) -> T { value.withLock { body(&$0) } }
    }

    private let state = Received()
    private let task: Task<Void, Never>

    init(port: Int, cursor: String? = nil) {
        let url = "ws://127.0.0.1:\(port)/xrpc/com.atproto.sync.subscribeRepos" + (cursor.map { "?cursor=\($0)" } ?? "")
        let state = self.state
        task = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 8 << 20),
                                                  logger: Logger(label: "test.firehose")) { inbound, outbound, _ in
                    try await withTaskCancellationHandler {
                        for try await message in inbound.messages(maxSize: 8 << 20) {
                            guard case .binary(let buffer) = message else { continue }
                            let decoded = try EventFrameDecoder.decode(Array(buffer.readableBytesView))
                            state.withLock { $0.frames.append(decoded) }
                        }
                    } onCancel: {
                        Task { try? await outbound.close(.normalClosure, reason: nil) }
                    }
                }
            } catch {
                state.withLock { $0.failure = "\(error)" }
            }
            state.withLock { $0.closed = true }
        }
    }

    deinit { task.cancel() }

    var frames: [Frame] { state.withLock { $0.frames } }
    var closed: Bool { state.withLock { $0.closed } }
    var failure: String? { state.withLock { $0.failure } }
    /// The `#commit` frames received so far.
    var commits: [Frame] { frames.filter { $0.type == "#commit" } }

    func stop() { task.cancel() }

    /// Waits until `check` holds on the frames received, up to `timeout`.
    func waitFor(_ timeout: Duration = .seconds(30), _ check: ([Frame]) -> Bool) async -> Bool {
        await HTTP.eventually(within: timeout, every: .milliseconds(50)) { check(self.frames) }
    }
}

/// Splits a binary frame into its two DAG-CBOR values (header, then body).
enum EventFrameDecoder {
    static func decode(_ bytes: [UInt8]) throws -> FirehoseConsumer.Frame {
        // The header is a small map: find its end by decoding growing prefixes.
        for end in 1...min(bytes.count, 64) {
            if let header = try? DAGCBOR.decode(Array(bytes[0..<end])) {
                return .init(header: header, body: try DAGCBOR.decode(Array(bytes[end...])))
            }
        }
        throw TestFailure("frame has no DAG-CBOR header")
    }
}
