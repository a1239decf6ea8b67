import Foundation

/// `PDS_EMAIL_SMTP_URL`, read the way nodemailer (the reference PDS's mailer) reads a
/// connection URL: `smtp://user:pass@host:port` speaks plain SMTP and upgrades with STARTTLS
/// when the server offers it; `smtps://user:pass@host:port` starts with TLS. User and password
/// are percent-decoded. The default port is nodemailer's: 465 for `smtps`, 587 for `smtp`.
/// Query flags nodemailer also reads: `secure=true` (implicit TLS), `requireTLS=true` (fail
/// unless STARTTLS succeeds), `ignoreTLS=true` (never STARTTLS).
public struct SMTPURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection gets TLS.
    public enum Security: Sendable, Equatable {
        /// TLS from the first byte (`smtps://`, port 465).
        case implicitTLS
        /// STARTTLS if offered; `required` fails the send when it is not.
        case startTLS(required: Bool)
        /// Never TLS (`ignoreTLS=true`).
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
    }

    /// Parses the URL; `SMTPError.invalidURL` names what is wrong (never the password).
    public init(parsing text: String) throws(SMTPError) {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespaces)),
              let scheme = components.scheme?.lowercased() else {
            throw .invalidURL("PDS_EMAIL_SMTP_URL is not a URL")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw .invalidURL("PDS_EMAIL_SMTP_URL must start with smtp:// or smtps://, not \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL("PDS_EMAIL_SMTP_URL has no host") }
        let flags = Dictionary((components.queryItems ?? []).map { ($0.name, ($0.value ?? "true").lowercased()) }) { $1 }
        func flag(_ name: String) -> Bool { flags[name] == "true" || flags[name] == "1" }
        let implicit = scheme == "smtps" || flag("secure")
        if implicit {
            security = .implicitTLS
        } else if flag("ignoreTLS") {
            security = .none
        } else {
            security = .startTLS(required: flag("requireTLS"))
        }
        // Bracketed IPv6 literals come back with their brackets.
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let port = components.port {
            guard (1...65535).contains(port) else { throw .invalidURL("PDS_EMAIL_SMTP_URL has an invalid port") }
            self.port = port
        } else {
            self.port = implicit ? 465 : 587
        }
        username = components.percentEncodedUser.map { $0.removingPercentEncoding ?? $0 }.flatMap { $0.isEmpty ? nil : $0 }
        password = components.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
    }

    /// The URL with the password left out, for logs.
    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0):***@" } ?? ""
        return "\(scheme)://\(user)\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
