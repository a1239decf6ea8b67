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
        if protectedMethods.contains(nsid) { return false }
        let privileged = scope == "com.atproto.access" || scope == "com.atproto.appPassPrivileged"
        // Every chat method, not only the listed ones: chat is private messaging, and a
        // method added to chat.bsky later is covered without a list update.
        if !privileged && (privilegedMethods.contains(nsid) || nsid.hasPrefix("chat.bsky.")) { return false }
        return true
    }

    /// Why `getServiceAuth` may not make a token for `lxm` (nil: it may), as the reference: no
    /// app password gets one for a protected method or, unless privileged, for chat or the
    /// other privileged methods; and a token good for any method needs the account's own
    /// session, since it would reach chat too.
    static func serviceAuthRefusal(lxm: String?, scope: String) -> String? {
        let fullSession = scope == "com.atproto.access"
        guard let lxm else {
            return fullSession ? nil : "an app password cannot request a service auth token without lxm (the method it is for)"
        }
        if !fullSession && protectedMethods.contains(lxm) {
            return "cannot request a service auth token for the following protected method: \(lxm)"
        }
        if !allows(lxm, scope: scope) && !protectedMethods.contains(lxm) {
            return "insufficient access to request a service auth token for the following method: \(lxm)"
        }
        return nil
    }

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
