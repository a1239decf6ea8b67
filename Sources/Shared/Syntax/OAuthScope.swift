import Foundation

/// One permission of the atproto OAuth profile, parsed from its scope string
/// (`repo:app.bsky.feed.post?action=create`, `blob:image/*`, `rpc:app.bsky.feed.getFeed?aud=*`,
/// `account:email?action=manage`, `identity:handle`), or one of the fixed scopes (`atproto`,
/// `transition:generic`, `transition:email`, `transition:chat.bsky`).
public enum OAuthScope: Sendable, Hashable, CustomStringConvertible {
    case atproto
    case transitionGeneric
    case transitionEmail
    case transitionChatBsky
    /// Record writes: collections (`*` for any) and actions.
    case repo(collections: [String], actions: Set<RepoAction>)
    /// Blob uploads whose MIME type matches one of the patterns (`*/*`, `image/*`, `image/png`).
    case blob(accept: [String])
    /// Calls to other services: methods (`*` for any) and the audience DID (`*` for any).
    case rpc(lxm: [String], aud: String)
    /// Account attributes: `email`, `repo`, `status`; `manage` includes `read`.
    case account(attribute: String, actions: Set<AccountAction>)
    /// Identity attributes: `handle` or `*`.
    case identity(attribute: String)
    /// A scope this server does not know (kept so a request can be refused by name).
    case unknown(String)

    /// The actions a `repo:` permission can grant.
    public enum RepoAction: String, Sendable, Hashable, CaseIterable { case create, update, delete }
    /// The actions an `account:` permission can grant.
    public enum AccountAction: String, Sendable, Hashable { case read, manage }

    /// Parses one space-free scope token.
    public init(_ text: String) {
        switch text {
        case "atproto": self = .atproto; return
        case "transition:generic": self = .transitionGeneric; return
        case "transition:email": self = .transitionEmail; return
        case "transition:chat.bsky": self = .transitionChatBsky; return
        default: break
        }
        let (prefix, positional, params) = Self.split(text)
        switch prefix {
        case "repo":
            let collections = (positional.map { [$0] } ?? []) + (params["collection"] ?? [])
            let actions = params["action"] ?? RepoAction.allCases.map(\.rawValue)
            guard !collections.isEmpty, collections.allSatisfy({ $0 == "*" || NSID.isValid($0) }),
                  let parsed = Self.parseAll(actions, RepoAction.init(rawValue:)) else { self = .unknown(text); return }
            self = .repo(collections: collections, actions: Set(parsed))
        case "blob":
            let accept = (positional.map { [$0] } ?? []) + (params["accept"] ?? [])
            guard !accept.isEmpty, accept.allSatisfy(Self.isMIMEPattern) else { self = .unknown(text); return }
            self = .blob(accept: accept)
        case "rpc":
            let lxm = (positional.map { [$0] } ?? []) + (params["lxm"] ?? [])
            guard !lxm.isEmpty, lxm.allSatisfy({ $0 == "*" || NSID.isValid($0) }),
                  let aud = params["aud"], aud.count == 1, aud[0] == "*" || aud[0].hasPrefix("did:"),
                  !(aud[0] == "*" && lxm.contains("*")) else { self = .unknown(text); return }
            self = .rpc(lxm: lxm, aud: aud[0])
        case "account":
            let attribute = positional ?? params["attr"]?.first ?? ""
            guard ["email", "repo", "status"].contains(attribute),
                  let actions = Self.parseAll(params["action"] ?? ["read"], AccountAction.init(rawValue:)) else {
                self = .unknown(text); return
            }
            self = .account(attribute: attribute, actions: Set(actions))
        case "identity":
            let attribute = positional ?? params["attr"]?.first ?? ""
            guard attribute == "handle" || attribute == "*" else { self = .unknown(text); return }
            self = .identity(attribute: attribute)
        default:
            self = .unknown(text)
        }
    }

    public var description: String {
        switch self {
        case .atproto: "atproto"
        case .transitionGeneric: "transition:generic"
        case .transitionEmail: "transition:email"
        case .transitionChatBsky: "transition:chat.bsky"
        case .repo(let collections, let actions):
            "repo:" + collections.joined(separator: ",") + "?" + actions.map { "action=\($0.rawValue)" }.sorted().joined(separator: "&")
        case .blob(let accept): "blob:" + accept.joined(separator: ",")
        case .rpc(let lxm, let aud): "rpc:" + lxm.joined(separator: ",") + "?aud=\(aud)"
        case .account(let attribute, let actions): "account:\(attribute)?" + actions.map { "action=\($0.rawValue)" }.sorted().joined(separator: "&")
        case .identity(let attribute): "identity:\(attribute)"
        case .unknown(let text): text
        }
    }

    /// `prefix`, the positional part after `:` and the query parameters after `?`.
    static func split(_ text: String) -> (String, String?, [String: [String]]) {
        let question = text.firstIndex(of: "?")
        let head = question.map { String(text[..<$0]) } ?? text
        var params: [String: [String]] = [:]
        if let question {
            for pair in text[text.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                guard parts.count == 2 else { continue }
                params[parts[0], default: []].append(parts[1])
            }
        }
        guard let colon = head.firstIndex(of: ":") else { return (head, nil, params) }
        let positional = String(head[head.index(after: colon)...])
        return (String(head[..<colon]), positional.removingPercentEncoding ?? positional, params)
    }

    static func parseAll<T>(_ values: [String], _ make: (String) -> T?) -> [T]? {
        let parsed = values.compactMap(make)
        return parsed.count == values.count && !parsed.isEmpty ? parsed : nil
    }

    static func isMIMEPattern(_ value: String) -> Bool {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return parts[0] != "*" || parts[1] == "*"
    }

    /// Whether MIME type `mime` matches the `accept` pattern.
    static func mime(_ mime: String, matches pattern: String) -> Bool {
        if pattern == "*/*" { return true }
        let type = mime.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if pattern.hasSuffix("/*") { return type.hasPrefix(pattern.dropLast(1).lowercased()) }
        return type == pattern.lowercased()
    }
}

/// A granted scope string as a set of permissions, answering "may this token do X" the way the
/// reference PDS does, transition scopes included.
public struct ScopePermissions: Sendable, Equatable {
    public let scopes: [OAuthScope]
    public let text: String

    public init(_ text: String) {
        self.text = text
        scopes = text.split(separator: " ").map { OAuthScope(String($0)) }
    }

    var hasGeneric: Bool { scopes.contains(.transitionGeneric) }

    /// Writing a record of `collection`.
    public func allowsRepo(collection: String, action: OAuthScope.RepoAction) -> Bool {
        if hasGeneric { return true }
        return scopes.contains {
            if case .repo(let collections, let actions) = $0 { return actions.contains(action) && (collections.contains("*") || collections.contains(collection)) }
            return false
        }
    }

    /// Uploading a blob of MIME type `mime`.
    public func allowsBlob(mime: String) -> Bool {
        if hasGeneric { return true }
        return scopes.contains {
            if case .blob(let accept) = $0 { return accept.contains { OAuthScope.mime(mime, matches: $0) } }
            return false
        }
    }

    /// Calling `lxm` at service `aud` (a proxied call or a service-auth token).
    public func allowsRPC(lxm: String, aud: String) -> Bool {
        let chat = lxm.hasPrefix("chat.bsky.")
        if hasGeneric && (lxm == "*" || !chat) { return true }
        if chat && scopes.contains(.transitionChatBsky) { return true }
        return scopes.contains {
            if case .rpc(let methods, let audience) = $0 {
                return (audience == "*" || audience == aud || audience.split(separator: "#").first.map(String.init) == aud)
                    && (methods.contains("*") || methods.contains(lxm))
            }
            return false
        }
    }

    /// Reading or managing an account attribute (`email`, `repo`, `status`).
    public func allowsAccount(_ attribute: String, action: OAuthScope.AccountAction) -> Bool {
        if attribute == "email" && action == .read && scopes.contains(.transitionEmail) { return true }
        return scopes.contains {
            if case .account(let a, let actions) = $0 { return a == attribute && (actions.contains(.manage) || actions.contains(action)) }
            return false
        }
    }

    /// Changing the handle (`handle`) or the whole identity (`*`).
    public func allowsIdentity(_ attribute: String) -> Bool {
        scopes.contains {
            if case .identity(let a) = $0 { return a == "*" || a == attribute }
            return false
        }
    }

    /// Every scope of `other` appears in this set's text (for "scope ⊆ declared scope").
    public static func isSubset(_ requested: String, of declared: String) -> Bool {
        let have = Set(declared.split(separator: " "))
        return requested.split(separator: " ").allSatisfy(have.contains)
    }
}
