/// Why a message could not be handed to the SMTP server. Messages never carry credentials.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `PDS_EMAIL_SMTP_URL` (or the CA file) is unusable.
    case invalidURL(String)
    /// The TCP connection could not be made.
    case connectFailed(String)
    /// A step got no answer in time.
    case timeout(step: String)
    /// The server answered a step with an error reply.
    case rejected(step: String, code: Int, text: String)
    /// The TLS handshake or a TLS read/write failed (an untrusted certificate, for one).
    case tls(String)
    /// The server offers no authentication mechanism this client speaks (PLAIN, LOGIN).
    case authUnsupported(offered: String)
    /// STARTTLS was required and the server does not offer it.
    case startTLSUnavailable
    /// The server closed the connection mid-conversation.
    case connectionClosed(step: String)
    /// The server's reply was not SMTP.
    case malformedReply(String)

    /// The XRPC error a failed send surfaces as.
    public var xrpcError: String { "InternalServerError" }

    public var description: String {
        switch self {
        case .invalidURL(let m): "invalid SMTP configuration: \(m)"
        case .connectFailed(let m): "cannot connect to the SMTP server: \(m)"
        case .timeout(let step): "the SMTP server did not answer \(step) in time"
        case .rejected(let step, let code, let text): "the SMTP server refused \(step): \(code) \(text)"
        case .tls(let m): "TLS with the SMTP server failed: \(m)"
        case .authUnsupported(let offered): "the SMTP server offers no supported AUTH mechanism (offered: \(offered.isEmpty ? "none" : offered))"
        case .startTLSUnavailable: "the SMTP server does not offer STARTTLS, and requireTLS is set"
        case .connectionClosed(let step): "the SMTP server closed the connection during \(step)"
        case .malformedReply(let line): "the SMTP server sent a malformed reply: \(line.prefix(80))"
        }
    }
}
