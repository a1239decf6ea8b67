import Foundation
import Logging
import NIOCore
import NIOSSL

/// Sends account mail over SMTP (`PDS_EMAIL_SMTP_URL`), from `PDS_EMAIL_FROM_ADDRESS`.
///
/// A failed send is logged and fails the XRPC call with `InternalServerError` saying why,
/// within the step timeout: the caller never waits on a silent server.
public struct SMTPMailer: Mailer {
    let client: SMTPClient
    let from: String
    let logger = Logger(label: "pdswift.auth.mail")

    /// - Parameters:
    ///   - caFile: PEM certificates trusted in addition to the system's (`PDS_EMAIL_SMTP_CA_FILE`),
    ///     for a server with a private or self-signed certificate.
    ///   - stepTimeout: the longest the server may take to answer any one step.
    ///   - totalTimeout: the longest a whole send may take (keep it under the IPC timeout, so
    ///     the gateway hears the SMTP error rather than its own timeout).
    public init(url: SMTPURL, from: String, clientName: String, caFile: String? = nil,
                stepTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(30)) throws(SMTPError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else { throw .invalidURL("PDS_EMAIL_SMTP_CA_FILE \(caFile) is not readable") }
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: configuration) } catch {
            throw .invalidURL("cannot set up TLS for the SMTP server: \(error)")
        }
        client = SMTPClient(url: url, tls: context, clientName: clientName,
                            stepTimeout: Self.timeAmount(stepTimeout), totalTimeout: Self.timeAmount(totalTimeout))
        self.from = from
    }

    static func timeAmount(_ d: Duration) -> TimeAmount {
        .nanoseconds(d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000)
    }

    public func send(to: String, subject: String, body: String, token: String) async throws {
        do {
            try await client.send(SMTPMessage(from: from, to: to, subject: subject, body: body))
            logger.info("mail sent", metadata: ["subject": "\(subject)", "server": "\(client.url)"])
        } catch {
            // The recipient's address and the token stay out of the log; the reason goes in.
            logger.error("mail not sent", metadata: ["subject": "\(subject)", "server": "\(client.url)", "error": "\(error)"])
            throw AuthError(error.xrpcError, "Email could not be sent: \(error)", status: 500)
        }
    }
}
