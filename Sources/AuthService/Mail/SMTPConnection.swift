import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (or TLS) connection to an SMTP server, on SwiftNIO's event loops so no thread of
/// the cooperative pool ever blocks on the network. Every wait has a deadline.
struct SMTPConnection: Sendable {
    let channel: any Channel
    let reader: NIOLoopBound<SMTPReplyReader>
    let host: String
    /// The longest one step may take.
    let stepTimeout: TimeAmount
    /// When the whole conversation must be over (the caller's own IPC deadline is not far off).
    let deadline: NIODeadline

    /// Connects to `host:port`, with TLS from the first byte when `implicitTLS` is given.
    static func open(host: String, port: Int, implicitTLS: NIOSSLContext?, stepTimeout: TimeAmount,
                     deadline: NIODeadline) async throws(SMTPError) -> SMTPConnection {
        let serverName = Self.serverName(host)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(min(stepTimeout, deadline - .now()))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: implicitTLS, serverHostname: serverName))
                        }
                        try channel.pipeline.syncOperations.addHandler(SMTPReplyReader())
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            throw .connectFailed("\(host):\(port): \(error)")
        }
        do {
            let reader = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPReplyReader.self), eventLoop: channel.eventLoop)
            }.get()
            return SMTPConnection(channel: channel, reader: reader, host: host, stepTimeout: stepTimeout, deadline: deadline)
        } catch {
            channel.close(promise: nil)
            throw .connectFailed("\(host):\(port): \(error)")
        }
    }

    /// SNI and certificate name: a host name, or nil for an IP address (checked against the
    /// certificate's IP entries instead; SNI may not carry an address).
    static func serverName(_ host: String) -> String? {
        (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
    }

    /// The next reply; `SMTPError.rejected` unless its code is in `expected`.
    func reply(step: String, expected: Set<Int>) async throws(SMTPError) -> SMTPReply {
        let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
        let reader = self.reader, timeout = max(.zero, min(stepTimeout, deadline - .now()))
        channel.eventLoop.execute { reader.value.next(promise, step: step, timeout: timeout) }
        let reply: SMTPReply
        do { reply = try await promise.futureResult.get() } catch {
            throw (error as? SMTPError) ?? .connectionClosed(step: step)
        }
        guard expected.contains(reply.code) else { throw .rejected(step: step, code: reply.code, text: reply.text) }
        return reply
    }

    /// Sends one command line and reads its reply. `shown` names the step in errors (so a
    /// credential line is never quoted).
    func command(_ line: String, step shown: String? = nil, expected: Set<Int>) async throws(SMTPError) -> SMTPReply {
        write(line + "\r\n")
        return try await reply(step: shown ?? String(line.prefix(40)), expected: expected)
    }

    /// Writes raw text. Failures surface as the next reply's error (the reader sees the close).
    func write(_ text: String) {
        channel.writeAndFlush(ByteBuffer(string: text), promise: nil)
    }

    /// Puts TLS under the conversation (after the server's 220 to STARTTLS).
    func startTLS(_ context: NIOSSLContext) async throws(SMTPError) {
        let serverName = Self.serverName(host)
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName),
                                                               position: .first)
            }.get()
        } catch {
            throw .tls("\(error)")
        }
    }

    func close() {
        channel.close(promise: nil)
    }
}
