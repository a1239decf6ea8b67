import EventStream
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// `com.atproto.sync.subscribeRepos`: the repo event stream, as a WebSocket on the gateway's
/// port. Each connection reads a `CursorStream` (replay from its cursor, then live) and writes
/// every frame as one binary message; after an error frame (`FutureCursor`,
/// `ConsumerTooSlow`, `InvalidRequest`) or when the stream ends, it closes.
public enum SubscribeRepos {
    /// The request path the WebSocket is served at.
    public static let path = "/xrpc/com.atproto.sync.subscribeRepos"

    /// The upgrade decision for the gateway's HTTP/1 server: upgrade requests for this path,
    /// leave everything else to the router.
    public static func shouldUpgrade(_ request: HTTPRequest, feed: FirehoseFeed)
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let target = (request.path ?? "").split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let requestPath = target.first, requestPath == path else { return .dontUpgrade }
        let cursor = parseCursor(target.count > 1 ? queryParameter("cursor", in: target[1]) : nil)
        return .upgrade([:]) { inbound, outbound, context in
            await serve(cursor: cursor, feed: feed, inbound: inbound, outbound: outbound, logger: context.logger)
        }
    }

    /// The `cursor` parameter: absent, a seq, or not a valid one.
    enum Cursor: Equatable {
        case none
        case seq(Int64)
        case invalid(String)
    }

    /// The first value of `name` in a query string, percent-decoded.
    static func queryParameter(_ name: String, in query: Substring) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? String(parts[1]) : "" }
        }
        return nil
    }

    static func parseCursor(_ text: String?) -> Cursor {
        guard let text, !text.isEmpty else { return .none }
        guard let seq = Int64(text), seq >= 0 else { return .invalid(text) }
        return .seq(seq)
    }

    /// Runs one connection until the stream ends, the client leaves, or a write fails.
    static func serve(cursor: Cursor, feed: FirehoseFeed, inbound: WebSocketInboundStream,
                      outbound: WebSocketOutboundWriter, logger: Logger) async {
        let start: Int64?
        switch cursor {
        case .none: start = nil
        case .seq(let seq): start = seq
        case .invalid(let text):
            try? await outbound.write(.binary(ByteBuffer(bytes: EventFrame.error("InvalidRequest", message: "cursor must be a non-negative integer, got \(text)"))))
            try? await outbound.close(.policyViolation, reason: "InvalidRequest")
            return
        }
        let stream = CursorStream(cursor: start, hub: feed.hub, history: feed.history)
        await withTaskGroup(of: Void.self) { group in
            // Reading the client's side: when it closes, the writer is cancelled at once
            // instead of waiting for the next event to fail to send.
            group.addTask {
                do { for try await _ in inbound {} } catch {}
            }
            group.addTask {
                do {
                    for try await frame in stream {
                        try await outbound.write(.binary(ByteBuffer(bytes: frame)))
                    }
                    // The stream ends after an error frame (or when cut off): say goodbye.
                    try? await outbound.close(.normalClosure, reason: nil)
                } catch is CancellationError {
                } catch {
                    logger.info("subscribeRepos connection ended: \(error)")
                    try? await outbound.close(.unexpectedServerError, reason: "firehose history unavailable")
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
