import NIOCore
import NIOSSL

/// One SMTP reply: its three-digit code and text lines (several for `250-` continuations).
struct SMTPReply: Sendable, Equatable {
    let code: Int
    let lines: [String]
    var text: String { lines.joined(separator: " ") }
}

/// Splits the server's bytes into SMTP replies and hands each to whoever waits for it, with a
/// deadline: a reply that does not come in time fails the wait and closes the connection, so
/// a silent server can never hang a request. Runs on the channel's event loop only; the
/// conversation reaches it through `NIOLoopBound`.
final class SMTPReplyReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var context: ChannelHandlerContext?
    private var buffer = ByteBuffer()
    private var lines: [String] = []
    private var arrived: [SMTPReply] = []
    private var waiting: (promise: EventLoopPromise<SMTPReply>, step: String, timer: Scheduled<Void>)?
    private var failure: SMTPError?
    /// A server reply longer than this is not SMTP.
    static let maximumBuffered = 64 * 1024

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Completes `promise` with the next reply, or fails it after `timeout`.
    func next(_ promise: EventLoopPromise<SMTPReply>, step: String, timeout: TimeAmount) {
        if let failure { return promise.fail(failure) }
        if !arrived.isEmpty { return promise.succeed(arrived.removeFirst()) }
        guard let context else { return promise.fail(SMTPError.connectionClosed(step: step)) }
        // On the loop already: the isolated view lets the timer hold this non-Sendable handler.
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            self?.fail(.timeout(step: step)) ?? ()
        }
        waiting = (promise, step, timer)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = buffer.readableBytesView.distance(from: buffer.readableBytesView.startIndex, to: newline) + 1
            guard var raw = buffer.readBytes(length: length) else { break }
            // Bytes, not a String: "\r\n" is one Character, so character counts would cut text.
            while let last = raw.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { raw.removeLast() }
            parse(String(decoding: raw, as: UTF8.self))
            if failure != nil { return }
        }
        buffer.discardReadBytes()
        if buffer.readableBytes > Self.maximumBuffered { fail(.malformedReply("reply longer than 64 KiB")) }
    }

    /// `250-text` continues a reply, `250 text` (or a bare `250`) ends it.
    private func parse(_ line: String) {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(code),
              bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-") else {
            return fail(.malformedReply(line))
        }
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard bytes.count == 3 || bytes[3] == UInt8(ascii: " ") else { return }
        let reply = SMTPReply(code: code, lines: lines)
        lines = []
        if let w = waiting {
            waiting = nil
            w.timer.cancel()
            w.promise.succeed(reply)
        } else {
            arrived.append(reply)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed(step: waiting?.step ?? "the conversation"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let e = error as? SMTPError {
            fail(e)
        } else if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            fail(.tls(String(describing: error)))
        } else {
            fail(.connectionClosed(step: "\(waiting?.step ?? "the conversation") (\(error))"))
        }
    }

    /// Fails the waiting step (and every later one) and closes the connection.
    private func fail(_ error: SMTPError) {
        if failure == nil { failure = error }
        if let w = waiting {
            waiting = nil
            w.timer.cancel()
            w.promise.fail(failure ?? error)
        }
        context?.close(promise: nil)
    }
}
