import EventStream
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// `com.atproto.sync.subscribeRepos`: the repo event stream, as a WebSocket on the gateway's
/// port. Each connection reads a `CursorStream` (replay from its cursor, then live) and writes
/// every frame as one binary message; after an error frame (`FutureCursor`,
/// `ConsumerTooSlow`, `InvalidRequest`) or when the stream ends, it closes.
public enum SubscribeRepos {
    /// The request path the WebSocket is served at.
    public static let path = "/xrpc/com.atproto.sync.subscribeRepos"

    /// The upgrade decision for the gateway's HTTP/1 server: upgrade requests for this path,
    /// leave everything else to the router.
    public static func shouldUpgrade(_ request: HTTPRequest, channel: any Channel, feed: FirehoseFeed)
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let target = (request.path ?? "").split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let requestPath = target.first, requestPath == path else { return .dontUpgrade }
        let cursor = parseCursor(target.count > 1 ? queryParameter("cursor", in: target[1]) : nil)
        return .upgrade([:]) { inbound, outbound, context in
            await serve(cursor: cursor, feed: feed, channel: channel, inbound: inbound, outbound: outbound, logger: context.logger)
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

    /// How one connection's tasks ended.
    enum Ending: Sendable {
        /// The client closed, the stream ended, or the server is stopping.
        case done
        /// A frame waited past the write deadline: the client stopped reading.
        case tooSlow
    }

    /// Runs one connection until the stream ends, the client leaves, a write fails, a frame
    /// cannot be flushed within the feed's write timeout, or the client's queue overflows.
    static func serve(cursor: Cursor, feed: FirehoseFeed, channel: any Channel, inbound: WebSocketInboundStream,
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
        let live = feed.hub.subscribe()
        let stream = CursorStream(cursor: start, hub: feed.hub, history: feed.history, subscription: live)
        let deadline = WriteDeadline(limit: feed.writeTimeout)
        let ending = await withTaskGroup(of: Ending.self) { group in
            // Reading the client's side: when it closes, the writer is cancelled at once
            // instead of waiting for the next event to fail to send.
            group.addTask {
                do { for try await _ in inbound {} } catch {}
                return .done
            }
            group.addTask {
                do {
                    // Whatever is already waiting goes out with the frame in hand, in one flush:
                    // under load a connection sends fewer, larger writes instead of falling behind.
                    let writer = FrameWriter(channel: channel)
                    var frames = stream.makeAsyncIterator()
                    var ended = false
                    while !ended {
                        // Caught up: take live events straight from the hub until a gap
                        // sends the connection back here (or it ends).
                        if frames.isLiveAndIdle {
                            let sink = LiveChannelSink(channel: channel, lastSent: frames.lastSeq, writeTimeout: feed.writeTimeout,
                                                       capacity: feed.hub.capacity, wire: feed.wire, fanout: feed.fanout,
                                                       logger: logger)
                            if feed.hub.goDirect(live, sink: sink) {
                                guard let after = await sink.waitForFallback() else { return .done }
                                frames.resume(after: after)
                                continue
                            }
                        }
                        guard let first = try await frames.next() else { break }
                        var batch = [first]
                        var bytes = first.count
                        while batch.count < FrameWriter.maxFrames, bytes < FrameWriter.maxBytes, frames.hasFrameAtHand {
                            guard let more = try await frames.next() else { ended = true; break }
                            batch.append(more)
                            bytes += more.count
                        }
                        try await deadline.timing { try await writer.write(batch) }
                    }
                    // The stream ends after an error frame (or when cut off): say goodbye.
                    try? await outbound.close(.normalClosure, reason: nil)
                } catch is CancellationError {
                } catch {
                    logger.info("subscribeRepos connection ended: \(error)")
                    try? await outbound.close(.unexpectedServerError, reason: "firehose history unavailable")
                }
                return .done
            }
            // Cut off when a frame is stuck on a full socket, or at once when the hub's queue
            // overflowed: the backlog is not worth sending (the reference drops it too).
            group.addTask { await deadline.overdue(alsoWhen: { live.isTooSlow }) ? .tooSlow : .done }
            let first = await group.next() ?? .done
            group.cancelAll()
            return first
        }
        live.cancel()
        if case .tooSlow = ending { await cutOff(channel, logger: logger) }
    }

    /// Cuts off a client that fell behind. Its writer may be parked on a full socket, so the
    /// `ConsumerTooSlow` frame goes straight to the channel, behind what is already queued
    /// there (a client that resumes reading gets it), and the connection closes when it is
    /// flushed or a second later: nothing more is buffered for this client.
    static func cutOff(_ channel: any Channel, logger: Logger) async {
        cutOffNow(channel, logger: logger)
        try? await channel.closeFuture.get()
    }

    /// `cutOff` without waiting for the close (for the event loop itself).
    static func cutOffNow(_ channel: any Channel, logger: Logger) {
        logger.info("subscribeRepos client cut off: ConsumerTooSlow")
        let frame = WebSocketFrame(fin: true, opcode: .binary,
                                   data: ByteBuffer(bytes: EventFrame.error("ConsumerTooSlow", message: "Stream consumer too slow")))
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(frame, promise: written)
        // Wait briefly for the frame to leave, then close in any case.
        let grace = channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        written.futureResult.whenComplete { _ in
            grace.cancel()
            channel.close(promise: nil)
        }
    }
}
