@testable import Gateway
import Testing

/// The `atproto-proxy` header and the rules of what is forwarded where.
@Suite struct ProxyRulesTests {
    @Test func parsesTheHeader() throws {
        let header = try ProxyHeader(parsing: "did:web:api.bsky.app#bsky_appview")
        #expect(header.did == "did:web:api.bsky.app" && header.serviceID == "bsky_appview")
        #expect(header.audience == "did:web:api.bsky.app#bsky_appview")
        #expect(try ProxyHeader(parsing: "did:plc:ar7c4by46qjdydhdevvrndac#atproto_labeler").serviceID == "atproto_labeler")
    }

    @Test func malformedHeadersSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("did:web:api.bsky.app", "no service id"), ("#bsky_appview", "no DID"), ("did:web:api.bsky.app#", "no service id"),
            ("did:web:a#b#c", "more than one"), ("did:web:api.bsky.app #x", "spaces"), ("notadid#x", "invalid DID"),
            ("did:web:api.bsky.app#bad/id", "invalid service id"),
        ]
        for (value, expected) in cases {
            do {
                _ = try ProxyHeader(parsing: value)
                Issue.record("accepted \(value)")
            } catch {
                #expect(error.status == .badRequest && error.error == "InvalidRequest")
                #expect(error.message.contains(expected), "\(value): \(error.message)")
            }
        }
    }

    @Test func localNamespacesAreNeverProxied() {
        for nsid in ["com.atproto.server.getSession", "com.atproto.repo.createRecord", "com.atproto.sync.getRepo",
                     "com.atproto.identity.resolveHandle", "com.atproto.admin.getAccountInfos", "app.bsky.actor.getPreferences",
                     "app.bsky.actor.putPreferences"] {
            #expect(ProxyRules.isLocal(nsid), "\(nsid)")
        }
        for nsid in ["app.bsky.feed.getTimeline", "chat.bsky.convo.listConvos", "com.atproto.moderation.createReport",
                     "tools.ozone.moderation.queryEvents", "app.bsky.actor.getProfile"] {
            #expect(!ProxyRules.isLocal(nsid), "\(nsid)")
        }
    }

    @Test func defaultRoutes() {
        #expect(ProxyRules.defaultRoute("app.bsky.feed.getTimeline") == .appView)
        #expect(ProxyRules.defaultRoute("com.atproto.moderation.createReport") == .reportService)
        #expect(ProxyRules.defaultRoute("chat.bsky.convo.listConvos") == .none)
        #expect(ProxyRules.defaultRoute("com.example.anything") == .none)
    }

    @Test func scopes() {
        let full = "com.atproto.access", app = "com.atproto.appPass", privileged = "com.atproto.appPassPrivileged"
        #expect(ProxyRules.allows("app.bsky.feed.getTimeline", scope: app))
        #expect(!ProxyRules.allows("chat.bsky.convo.listConvos", scope: app))
        #expect(!ProxyRules.allows("chat.bsky.some.futureMethod", scope: app))
        #expect(ProxyRules.allows("chat.bsky.convo.listConvos", scope: privileged))
        #expect(ProxyRules.allows("chat.bsky.convo.listConvos", scope: full))
        #expect(!ProxyRules.allows("com.atproto.server.createAccount", scope: app))
        for nsid in ["com.atproto.server.createAppPassword", "com.atproto.identity.signPlcOperation", "com.atproto.server.deleteAccount"] {
            #expect(!ProxyRules.allows(nsid, scope: full), "\(nsid)")
        }
    }

    @Test func serviceAuthRefusals() {
        let full = "com.atproto.access", app = "com.atproto.appPass", privileged = "com.atproto.appPassPrivileged"
        #expect(ProxyRules.serviceAuthRefusal(lxm: "com.atproto.server.createAccount", scope: full) == nil, "migration asks for this one")
        #expect(ProxyRules.serviceAuthRefusal(lxm: nil, scope: full) == nil)
        #expect(ProxyRules.serviceAuthRefusal(lxm: "app.bsky.feed.getTimeline", scope: app) == nil)
        #expect(ProxyRules.serviceAuthRefusal(lxm: nil, scope: app) == nil, "method-less tokens are allowed, as the reference")
        #expect(ProxyRules.serviceAuthRefusal(lxm: "com.atproto.server.createAppPassword", scope: full)?.contains("protected") == true)
        #expect(ProxyRules.serviceAuthRefusal(lxm: "COM.ATPROTO.SERVER.UPDATEEMAIL", scope: full)?.contains("protected") == true)
        #expect(ProxyRules.serviceAuthRefusal(lxm: "Chat.Bsky.Convo.ListConvos", scope: app)?.contains("insufficient") == true)
        #expect(ProxyRules.serviceAuthRefusal(lxm: "com.atproto.server.updateEmail", scope: privileged)?.contains("protected") == true)
        #expect(ProxyRules.serviceAuthRefusal(lxm: "chat.bsky.convo.sendMessage", scope: app)?.contains("insufficient") == true)
        #expect(ProxyRules.serviceAuthRefusal(lxm: "chat.bsky.convo.sendMessage", scope: privileged) == nil)
    }

    @Test func endpointOriginsDropThePath() {
        #expect(ProxyTarget.origin(of: .init(string: "https://api.bsky.app/some/path")!) == "https://api.bsky.app")
        #expect(ProxyTarget.origin(of: .init(string: "http://127.0.0.1:8080")!) == "http://127.0.0.1:8080")
        #expect(ProxyTarget.origin(of: .init(string: "ftp://example.com")!) == nil)
    }
}
