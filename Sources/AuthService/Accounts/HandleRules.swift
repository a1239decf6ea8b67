import Syntax

/// Which handles this server hands out, as the reference PDS decides: valid syntax, lower
/// case, under one of the server's domains, one label of 3 to 18 characters in front of it,
/// and not a reserved name.
public struct HandleRules: Sendable {
    public let domains: [String]

    /// Names nobody may register, so they cannot be used to impersonate the service.
    static let reserved: Set<String> = [
        "about", "abuse", "account", "accounts", "admin", "administrator", "api", "app", "atproto", "auth", "billing",
        "blog", "bluesky", "bsky", "contact", "dev", "docs", "feed", "feeds", "help", "info", "login", "mail", "moderation",
        "moderator", "news", "official", "pds", "plc", "postmaster", "privacy", "root", "security", "server", "settings",
        "signup", "staff", "status", "support", "system", "team", "terms", "webmaster", "www", "xrpc",
    ]

    public init(domains: [String]) { self.domains = domains }

    /// The normalised handle, or the error the reference gives.
    public func check(_ input: String) throws(AuthError) -> String {
        let handle: Handle
        do { handle = try Handle(input) } catch { throw AuthError.invalidHandle("Input/handle must be a valid handle") }
        let h = handle.string
        guard let domain = domains.first(where: { h.hasSuffix($0) }) else {
            throw AuthError("UnsupportedDomain", "Not a supported handle domain")
        }
        let front = h.dropLast(domain.count)
        guard !front.contains(".") else { throw AuthError.invalidHandle("Invalid characters in handle") }
        guard front.count >= 3 else { throw AuthError.invalidHandle("Handle too short") }
        guard front.count <= 18 else { throw AuthError.invalidHandle("Handle too long") }
        guard !HandleRules.reserved.contains(String(front)) else { throw AuthError.handleNotAvailable("Reserved handle") }
        return h
    }
}
