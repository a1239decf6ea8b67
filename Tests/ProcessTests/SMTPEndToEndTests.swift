import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// Account mail over SMTP end to end: `pds up` with `PDS_EMAIL_SMTP_URL` pointing at a real
/// SMTP server (aiosmtpd), a password reset through the gateway over HTTP.
@Suite struct SMTPEndToEndTests {
    @Test func passwordResetMailGoesOverSMTPAndItsTokenWorks() async throws {
        guard SMTPSink.available else {
            if PythonTools.inCI { Issue.record("CI=true but \(SMTPSink.skipReason)") } else { print("skipped: \(SMTPSink.skipReason)") }
            return
        }
        let sink = try SMTPSink(auth: "pds:s3cret pass")
        defer { sink.stop() }
        let pds = try PDSUp(environment: ["PDS_EMAIL_SMTP_URL": "smtp://pds:s3cret%20pass@127.0.0.1:\(sink.port)",
                                          "PDS_EMAIL_FROM_ADDRESS": "noreply@pds.test"])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        func post(_ nsid: String, _ body: [String: Any]) async throws -> HTTPResult {
            try #require(await HTTP.post(pds.baseURL + "/xrpc/" + nsid, body: try JSONSerialization.data(withJSONObject: body)))
        }

        let created = try await post("com.atproto.server.createAccount",
                                     ["handle": "mailme.test", "email": "mailme@example.com", "password": "old-password"])
        try #require(created.status == 200, "\(String(decoding: created.body, as: UTF8.self))")
        let requested = try await post("com.atproto.server.requestPasswordReset", ["email": "mailme@example.com"])
        #expect(requested.status == 200, "\(String(decoding: requested.body, as: UTF8.self))\n\(pds.log())")

        let message = try #require(sink.messages().first, "no mail arrived")
        #expect(message["mail_from"] as? String == "noreply@pds.test")
        #expect(message["rcpt_tos"] as? [String] == ["mailme@example.com"])
        #expect(message["auth_user"] as? String == "pds")
        let data = try #require(message["data"] as? String)
        #expect(data.contains("From: noreply@pds.test"))
        #expect(data.contains("Subject: Reset your password"))
        let token = try #require(data.components(separatedBy: "Your code: ").last?.components(separatedBy: "\r\n").first)
        // The token is not in the mailbox file: SMTP replaced it.
        #expect(!FileManager.default.fileExists(atPath: pds.dataDirectory.appendingPathComponent("mailbox.jsonl").path))

        let reset = try await post("com.atproto.server.resetPassword", ["token": token, "password": "new-password"])
        #expect(reset.status == 200, "\(String(decoding: reset.body, as: UTF8.self))")
        #expect(try await post("com.atproto.server.createSession", ["identifier": "mailme.test", "password": "new-password"]).status == 200)
        #expect(try await post("com.atproto.server.createSession", ["identifier": "mailme.test", "password": "old-password"]).status == 401)

        // With the SMTP server gone, the call fails saying so (it does not hang or pretend).
        sink.stop()
        let failed = try await post("com.atproto.server.requestPasswordReset", ["email": "mailme@example.com"])
        #expect(failed.status == 500)
        #expect(failed.errorName == "InternalServerError")
        #expect((failed.json?["message"] as? String)?.contains("Email could not be sent") == true, "\(failed.json ?? [:])")
    }
}
