import Foundation

/// A real SMTP server for mail tests: `Tests/Interop/smtp_sink.py` (aiosmtpd) on a free
/// loopback port, recording every accepted message. `stop()` (or deinit) ends it.
public final class SMTPSink {
    public let port: Int
    /// The CA certificate the server's TLS certificate chains to (with `tls`), for the client to trust.
    public let caFile: String?
    let directory: URL
    let process: Process
    let stdin: Pipe

    /// How the sink offers TLS.
    public enum TLS: String, Sendable { case starttls, implicit }

    /// Whether Python with aiosmtpd and trustme is installed.
    public static var available: Bool {
        guard PythonTools.python != nil, let r = try? PythonTools.run(script: "import aiosmtpd, trustme", timeout: 30) else { return false }
        return r.status == 0
    }

    public static let skipReason = "Python with aiosmtpd and trustme is not installed (run ./scripts/setup.sh)"

    /// Starts the server. `auth` is `user:pass` (then AUTH is required); `excludeAuth`
    /// hides mechanisms (e.g. PLAIN, to force LOGIN).
    public init(auth: String? = nil, tls: TLS? = nil, excludeAuth: [String] = []) throws {
        guard let python = PythonTools.python else { throw CocoaError(.fileNoSuchFile) }
        directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("smtp-sink-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        var arguments = [PythonTools.packageRoot.appendingPathComponent("Tests/Interop/smtp_sink.py").path,
                         "--out", directory.appendingPathComponent("messages.jsonl").path]
        if let auth { arguments += ["--auth", auth] }
        if let tls { arguments += ["--tls", tls.rawValue, "--certs", directory.appendingPathComponent("certs").path] }
        for mechanism in excludeAuth { arguments += ["--exclude-auth", mechanism] }
        process.arguments = arguments
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The READY line, read on another thread so a server that never starts cannot hang us.
        let line = DataBox()
        let done = DispatchSemaphore(value: 0)
        let reader = stdout.fileHandleForReading
        DispatchQueue.global().async {
            var data = Data()
            while !data.contains(0x0a) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                data.append(chunk)
            }
            line.set(data)
            done.signal()
        }
        let timedOut = done.wait(timeout: .now() + 30) == .timedOut
        let words = String(decoding: line.get(), as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
        guard !timedOut, words.count >= 2, words[0] == "READY", let port = Int(words[1]) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "smtp_sink.py did not start: \(words)"])
        }
        self.port = port
        caFile = words.count > 2 ? words[2] : nil
    }

    deinit { stop() }

    /// Every message accepted so far: `mail_from`, `rcpt_tos`, `data`, `auth_user`, `authenticated`, `tls`.
    public func messages() -> [[String: Any]] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("messages.jsonl"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Ends the server (closing its stdin) and removes its files.
    public func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning {
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { process.terminate() }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
