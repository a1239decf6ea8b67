/// Which XRPC methods the proxy forwards, to where by default, and which it never forwards
/// or signs for: the reference PDS's rules (`pipethrough.ts`).
enum ProxyRules {
    /// Namespaces this PDS serves itself: never proxied, header or not. An unknown method in
    /// them answers 501, as before.
    static let localPrefixes = ["com.atproto.server.", "com.atproto.repo.", "com.atproto.sync.",
                                "com.atproto.identity.", "com.atproto.admin.", "io.pdswift."]
    /// `app.bsky` methods this PDS serves itself.
    static let localMethods: Set<String> = ["app.bsky.actor.getPreferences", "app.bsky.actor.putPreferences"]

    /// Methods that act on the account itself: no session may have them proxied, and no
    /// service-auth token is made for them (a token for one would let its holder act as the
    /// user here).
    static let protectedMethods: Set<String> = [
        "com.atproto.admin.sendEmail",
        "com.atproto.identity.requestPlcOperationSignature",
        "com.atproto.identity.signPlcOperation",
        "com.atproto.identity.updateHandle",
        "com.atproto.server.activateAccount",
        "com.atproto.server.confirmEmail",
        "com.atproto.server.createAppPassword",
        "com.atproto.server.deactivateAccount",
        "com.atproto.server.deleteAccount",
        "com.atproto.server.getAccountInviteCodes",
        "com.atproto.server.getSession",
        "com.atproto.server.listAppPasswords",
        "com.atproto.server.requestAccountDelete",
        "com.atproto.server.requestEmailConfirmation",
        "com.atproto.server.requestEmailUpdate",
        "com.atproto.server.revokeAppPassword",
        "com.atproto.server.updateEmail",
    ]

    /// Methods an app password reaches only when it was created privileged.
    static let privilegedMethods: Set<String> = [
        "chat.bsky.actor.deleteAccount",
        "chat.bsky.actor.exportAccountData",
        "chat.bsky.convo.deleteMessageForSelf",
        "chat.bsky.convo.getConvo",
        "chat.bsky.convo.getConvoForMembers",
        "chat.bsky.convo.getLog",
        "chat.bsky.convo.getMessages",
        "chat.bsky.convo.leaveConvo",
        "chat.bsky.convo.listConvos",
        "chat.bsky.convo.muteConvo",
        "chat.bsky.convo.sendMessage",
        "chat.bsky.convo.sendMessageBatch",
        "chat.bsky.convo.unmuteConvo",
        "chat.bsky.convo.updateRead",
        "com.atproto.server.createAccount",
    ]

    /// Whether `nsid` is served here whatever the request's headers say.
    static func isLocal(_ nsid: String) -> Bool {
        localMethods.contains(nsid) || localPrefixes.contains { nsid.hasPrefix($0) }
    }

    /// Whether a session of `scope` may have `nsid` forwarded or signed for.
    static func allows(_ nsid: String, scope: String) -> Bool {
        if isProtected(nsid) { return false }
        let privileged = scope == "com.atproto.access" || scope == "com.atproto.appPassPrivileged"
        // Every chat method, not only the listed ones: chat is private messaging, and a
        // method added to chat.bsky later is covered without a list update.
        let lowered = nsid.lowercased()
        if !privileged && (privilegedLowercased.contains(lowered) || lowered.hasPrefix("chat.bsky.")) { return false }
        return true
    }

    /// Why `getServiceAuth` may not make a token for `lxm` (nil: it may), as the reference: no
    /// session gets one for a protected method, and an app password that is not privileged
    /// none for chat or the other privileged methods. A method-less token is allowed (at most
    /// 60 s long, checked by the route), as the reference allows it.
    static func serviceAuthRefusal(lxm: String?, scope: String) -> String? {
        guard let lxm else { return nil }
        if isProtected(lxm) { return "cannot request a service auth token for the following protected method: \(lxm)" }
        if !allows(lxm, scope: scope) { return "insufficient access to request a service auth token for the following method: \(lxm)" }
        return nil
    }

    /// NSIDs compare case-insensitively in these lists, as the reference's `LxmSet`.
    static func isProtected(_ nsid: String) -> Bool { protectedLowercased.contains(nsid.lowercased()) }
    static let protectedLowercased = Set(protectedMethods.map { $0.lowercased() })
    static let privilegedLowercased = Set(privilegedMethods.map { $0.lowercased() })

    /// Where a call goes without an `atproto-proxy` header.
    enum DefaultRoute: Equatable {
        case appView
        case reportService
        /// Only reachable with the header (chat), or not proxied at all.
        case none
    }

    static func defaultRoute(_ nsid: String) -> DefaultRoute {
        if nsid == "com.atproto.moderation.createReport" { return .reportService }
        if nsid.hasPrefix("app.bsky.") { return .appView }
        return .none
    }
}
