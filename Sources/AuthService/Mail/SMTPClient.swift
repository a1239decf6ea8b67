import Foundation
import NIOCore
import NIOSSL

/// Hands one message to an SMTP server: greeting, EHLO, STARTTLS (when offered, or required),
/// AUTH PLAIN or LOGIN, MAIL FROM, RCPT TO, DATA, QUIT. One connection per message: account
/// mail is rare, and a fresh connection cannot be left in a bad state by an earlier failure.
struct SMTPClient: Sendable {
    let url: SMTPURL
    let tls: NIOSSLContext
    /// Sent in EHLO (our host name).
    let clientName: String
    let stepTimeout: TimeAmount
    /// The longest a whole send may take.
    let totalTimeout: TimeAmount

    func send(_ message: SMTPMessage) async throws(SMTPError) {
        guard SMTPMessage.isSafeAddress(message.from), SMTPMessage.isSafeAddress(message.to) else {
            throw .rejected(step: "the addresses", code: 0, text: "an address is not a plain mailbox")
        }
        let connection = try await SMTPConnection.open(host: url.host, port: url.port,
                                                       implicitTLS: url.security == .implicitTLS ? tls : nil, stepTimeout: stepTimeout,
                                                       deadline: .now() + totalTimeout)
        defer { connection.close() }
        _ = try await connection.reply(step: "the greeting", expected: [220])
        var extensions = try await hello(connection)
        if case .startTLS(let required) = url.security {
            if extensions.keys.contains("STARTTLS") {
                _ = try await connection.command("STARTTLS", expected: [220])
                try await connection.startTLS(tls)
                extensions = try await hello(connection)
            } else if required {
                throw .startTLSUnavailable
            }
        }
        if let username = url.username { try await authenticate(connection, username, url.password ?? "", offered: extensions["AUTH"] ?? "") }
        _ = try await connection.command("MAIL FROM:<\(message.from)>", step: "MAIL FROM", expected: [250])
        _ = try await connection.command("RCPT TO:<\(message.to)>", step: "RCPT TO", expected: [250, 251])
        _ = try await connection.command("DATA", expected: [354])
        connection.write(message.data + ".\r\n")
        _ = try await connection.reply(step: "the message (end of DATA)", expected: [250])
        // The message is accepted; a server that drops the line instead of answering QUIT changes nothing.
        _ = try? await connection.command("QUIT", expected: [221])
    }

    /// EHLO, falling back to HELO for a server without extensions; the extensions by keyword.
    func hello(_ connection: SMTPConnection) async throws(SMTPError) -> [String: String] {
        do throws(SMTPError) {
            let reply = try await connection.command("EHLO \(clientName)", step: "EHLO", expected: [250])
            var extensions: [String: String] = [:]
            for line in reply.lines.dropFirst() {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard let keyword = parts.first else { continue }
                extensions[keyword.uppercased()] = parts.count > 1 ? String(parts[1]).uppercased() : ""
            }
            return extensions
        } catch .rejected(_, let code, _) where (500...504).contains(code) {
            _ = try await connection.command("HELO \(clientName)", step: "HELO", expected: [250])
            return [:]
        }
    }

    /// AUTH PLAIN, or AUTH LOGIN when the server does not offer PLAIN. Credentials never
    /// appear in an error: steps are named, not quoted.
    func authenticate(_ connection: SMTPConnection, _ username: String, _ password: String, offered: String) async throws(SMTPError) {
        let mechanisms = Set(offered.split(separator: " ").map(String.init))
        func base64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
        if mechanisms.contains("PLAIN") {
            _ = try await connection.command("AUTH PLAIN " + base64("\0\(username)\0\(password)"), step: "AUTH PLAIN", expected: [235])
        } else if mechanisms.contains("LOGIN") {
            _ = try await connection.command("AUTH LOGIN", expected: [334])
            _ = try await connection.command(base64(username), step: "AUTH LOGIN (user name)", expected: [334])
            _ = try await connection.command(base64(password), step: "AUTH LOGIN (password)", expected: [235])
        } else {
            throw .authUnsupported(offered: offered)
        }
    }
}
