@testable import AuthService
import Foundation
import Testing

@Suite struct SMTPURLAndMessageTests {
    @Test func urlsReadAsNodemailerReadsThem() throws {
        let plain = try SMTPURL(parsing: "smtp://user%40example.com:p%3Ass%2Fw@mail.example.com:2525")
        #expect(plain == SMTPURL(host: "mail.example.com", port: 2525, security: .startTLS(required: false),
                                 username: "user@example.com", password: "p:ss/w"))
        #expect(try SMTPURL(parsing: "smtps://u:p@smtp.example.com/") ==
                SMTPURL(host: "smtp.example.com", port: 465, security: .implicitTLS, username: "u", password: "p"))
        #expect(try SMTPURL(parsing: "smtp://relay.example.com").port == 587)
        #expect(try SMTPURL(parsing: "smtp://relay.example.com").username == nil)
        #expect(try SMTPURL(parsing: "smtp://h.example?requireTLS=true").security == .startTLS(required: true))
        #expect(try SMTPURL(parsing: "smtp://h.example?ignoreTLS=true").security == SMTPURL.Security.none)
        #expect(try SMTPURL(parsing: "smtp://h.example:465?secure=true").security == .implicitTLS)
        #expect(try SMTPURL(parsing: "smtp://[::1]:25").host == "::1")
        for bad in ["http://mail.example.com", "smtp://", "not a url", "smtp://h.example:0"] {
            #expect(throws: SMTPError.self, "\(bad)") { try SMTPURL(parsing: bad) }
        }
        // Logs show the URL without its password.
        let shown = try SMTPURL(parsing: "smtps://me:secret-pass@smtp.example.com").description
        #expect(shown == "smtps://me:***@smtp.example.com:465")
        #expect(!shown.contains("secret"))
    }

    @Test func messagesCarryHeadersEncodedSubjectsAndStuffedDots() throws {
        let message = SMTPMessage(from: "pds@example.com", to: "alice@example.net", subject: "Réinitialiser votre mot de passe — “PDSwift” ✉️ with a long tail to fold",
                                  body: "Hello\n.leading dot\n.\nend", date: Date(timeIntervalSince1970: 1_750_000_000), messageID: "abc")
        let data = message.data
        let lines = data.components(separatedBy: "\r\n")
        #expect(lines.contains("From: pds@example.com"))
        #expect(lines.contains("To: alice@example.net"))
        #expect(lines.contains("Date: Sun, 15 Jun 2025 15:06:40 +0000"))
        #expect(lines.contains("Message-ID: <abc@example.com>"))
        #expect(lines.contains("MIME-Version: 1.0"))
        #expect(lines.contains("Content-Type: text/plain; charset=utf-8"))
        // Dot-stuffing: no line of the body can end DATA.
        #expect(lines.contains("..leading dot") && lines.contains("..") && !lines.contains("."))
        // The subject: encoded-words of at most 75 characters that decode back to the text.
        let subjectLines = lines.drop { !$0.hasPrefix("Subject: ") }.prefix { $0.hasPrefix("Subject: ") || $0.hasPrefix(" ") }
        let words = subjectLines.map { $0.hasPrefix("Subject: ") ? String($0.dropFirst(9)) : String($0.dropFirst()) }
        #expect(words.count > 1)
        var decoded = Data()
        for word in words {
            #expect(word.count <= 75 && word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            decoded.append(try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))))
        }
        #expect(String(decoding: decoded, as: UTF8.self) == message.subject)
        #expect(SMTPMessage.encodedHeader("Plain subject") == "Plain subject")
        #expect(SMTPMessage.encodedHeader("Injected\r\nBcc: x@y") == "Injected  Bcc: x@y")
        #expect(!SMTPMessage.isSafeAddress("a@b.c>\r\nRCPT TO:<evil@x"))
    }

    @Test func nonASCIIBodiesGoAsBase64() throws {
        let data = SMTPMessage(from: "a@b.c", to: "d@e.f", subject: "s", body: "Grüße\nline two").data
        #expect(data.contains("Content-Transfer-Encoding: base64\r\n"))
        let body = try #require(data.components(separatedBy: "\r\n\r\n").last?.replacingOccurrences(of: "\r\n", with: ""))
        #expect(String(decoding: try #require(Data(base64Encoded: body)), as: UTF8.self) == "Grüße\r\nline two")
    }
}
