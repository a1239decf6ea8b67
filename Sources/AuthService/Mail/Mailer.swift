import Foundation
import Synchronization

/// Where account emails go. With no `PDS_EMAIL_SMTP_URL`, a mailbox file under the data
/// directory (`mailbox.jsonl`, one JSON object per message), so a dev server works offline
/// and tests can read the tokens.
public protocol Mailer: Sendable {
    func send(to: String, subject: String, body: String, token: String) async throws
}

/// The mailbox file.
public final class MailboxFile: Mailer {
    let url: URL
    private let lock = Mutex(())

    public init(url: URL) { self.url = url }

    public func send(to: String, subject: String, body: String, token: String) async throws {
        let message: [String: String] = ["to": to, "subject": subject, "body": body, "token": token,
                                         "at": ISO8601DateFormatter().string(from: Date())]
        var line = try JSONSerialization.data(withJSONObject: message, options: [.sortedKeys])
        line.append(0x0a)
        try lock.withLock { _ in
            if !FileManager.default.fileExists(atPath: url.path) {
                _ = FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: line)
        }
    }
}
