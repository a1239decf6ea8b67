@testable import AuthService
import Foundation
import Testing
import TestSupport

/// The SMTP client against a real SMTP server (aiosmtpd, `Tests/Interop/smtp_sink.py`).
@Suite(.serialized) struct SMTPMailerTests {
    /// The sink, or nil (test skipped with a printed reason) when Python/aiosmtpd is absent outside CI.
    func sink(auth: String? = "pds:s3cret pass", tls: SMTPSink.TLS? = nil, excludeAuth: [String] = []) throws -> SMTPSink? {
        guard SMTPSink.available else {
            if PythonTools.inCI { Issue.record("CI=true but \(SMTPSink.skipReason)") } else { print("skipped: \(SMTPSink.skipReason)") }
            return nil
        }
        return try SMTPSink(auth: auth, tls: tls, excludeAuth: excludeAuth)
    }

    func mailer(_ url: String, caFile: String? = nil, stepTimeout: Duration = .seconds(5)) throws -> SMTPMailer {
        try SMTPMailer(url: try SMTPURL(parsing: url), from: "pds@pds.test", clientName: "pds.test", caFile: caFile,
                       stepTimeout: stepTimeout, totalTimeout: stepTimeout * 3)
    }

    @Test func plainSMTPWithAuthPlainDeliversTheMessage() async throws {
        guard let sink = try sink() else { return }
        defer { sink.stop() }
        // The space in the password travels percent-encoded in the URL.
        try await mailer("smtp://pds:s3cret%20pass@127.0.0.1:\(sink.port)")
            .send(to: "alice@example.com", subject: "Réinitialiser ✉", body: "Your code: ABCDE-12345\n.starts with a dot\n.\nlast", token: "ABCDE-12345")
        let messages = sink.messages()
        try #require(messages.count == 1)
        let m = messages[0]
        #expect(m["mail_from"] as? String == "pds@pds.test")
        #expect(m["rcpt_tos"] as? [String] == ["alice@example.com"])
        #expect(m["auth_user"] as? String == "pds")
        #expect(m["tls"] as? Bool == false)
        let data = try #require(m["data"] as? String)
        // The server undid the dot-stuffing: the lone "." did not end the message early.
        #expect(data.contains("\r\n\r\nYour code: ABCDE-12345\r\n.starts with a dot\r\n.\r\nlast"))
        #expect(data.contains("Subject: =?UTF-8?B?"))
        #expect(data.contains("Content-Type: text/plain; charset=utf-8"))
    }

    @Test func authLoginWhenTheServerHasNoPlain() async throws {
        guard let sink = try sink(excludeAuth: ["PLAIN"]) else { return }
        defer { sink.stop() }
        try await mailer("smtp://pds:s3cret%20pass@127.0.0.1:\(sink.port)").send(to: "bob@example.com", subject: "Hi", body: "x", token: "t")
        #expect(sink.messages().first?["auth_user"] as? String == "pds")
    }

    @Test func wrongPasswordFailsWithTheServersReasonAndNoSecret() async throws {
        guard let sink = try sink() else { return }
        defer { sink.stop() }
        let error = await #expect(throws: AuthError.self) {
            try await mailer("smtp://pds:wrong-secret@127.0.0.1:\(sink.port)").send(to: "a@example.com", subject: "s", body: "b", token: "t")
        }
        #expect(error?.xrpcError == "InternalServerError")
        #expect(error?.message.contains("AUTH PLAIN") == true && error?.message.contains("535") == true)
        #expect(error?.message.contains("wrong-secret") == false)
        #expect(sink.messages().isEmpty)
    }

    @Test func startTLSWithAPrivateCA() async throws {
        guard let sink = try sink(tls: .starttls) else { return }
        defer { sink.stop() }
        let ca = try #require(sink.caFile)
        try await mailer("smtp://pds:s3cret%20pass@127.0.0.1:\(sink.port)?requireTLS=true", caFile: ca)
            .send(to: "carol@example.com", subject: "TLS", body: "over STARTTLS", token: "t")
        let m = try #require(sink.messages().first)
        #expect(m["tls"] as? Bool == true)
        #expect(m["auth_user"] as? String == "pds")
        // Without trusting the CA, the certificate is refused: a TLS error, no message.
        let error = await #expect(throws: AuthError.self) {
            try await mailer("smtp://pds:s3cret%20pass@127.0.0.1:\(sink.port)").send(to: "c@example.com", subject: "s", body: "b", token: "t")
        }
        #expect(error?.message.contains("TLS") == true)
        #expect(sink.messages().count == 1)
    }

    @Test func implicitTLS() async throws {
        guard let sink = try sink(tls: .implicit) else { return }
        defer { sink.stop() }
        try await mailer("smtps://pds:s3cret%20pass@127.0.0.1:\(sink.port)", caFile: sink.caFile)
            .send(to: "dave@example.com", subject: "TLS", body: "implicit", token: "t")
        #expect(sink.messages().first?["tls"] as? Bool == true)
    }

    @Test func requireTLSRefusesAServerWithoutSTARTTLS() async throws {
        guard let sink = try sink(auth: nil) else { return }
        defer { sink.stop() }
        let error = await #expect(throws: AuthError.self) {
            try await mailer("smtp://127.0.0.1:\(sink.port)?requireTLS=true").send(to: "e@example.com", subject: "s", body: "b", token: "t")
        }
        #expect(error?.message.contains("STARTTLS") == true)
        #expect(sink.messages().isEmpty)
    }

    /// A server that accepts the connection and never says a word: the send fails after the
    /// step timeout instead of hanging. (A listening socket nobody accepts on: the kernel
    /// completes the TCP handshake from the backlog.)
    @Test func aSilentServerTimesOut() async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in bind(fd, p, length) == 0 && getsockname(fd, p, &length) == 0 }
        } && listen(fd, 4) == 0
        try #require(listening)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let error = await #expect(throws: AuthError.self) {
            try await mailer("smtp://127.0.0.1:\(port)", stepTimeout: .milliseconds(300)).send(to: "f@example.com", subject: "s", body: "b", token: "t")
        }
        #expect(error?.message.contains("did not answer the greeting in time") == true)
    }

    @Test func nothingListeningIsAConnectError() async throws {
        let error = await #expect(throws: AuthError.self) {
            // Port 1 on loopback: nothing listens there in a test environment.
            try await mailer("smtp://127.0.0.1:1").send(to: "g@example.com", subject: "s", body: "b", token: "t")
        }
        #expect(error?.message.contains("cannot connect") == true)
    }
}
