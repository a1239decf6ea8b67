import Syntax
import Testing

/// The atproto permission scopes as the reference's oauth-scopes package reads them.
@Suite struct OAuthScopeTests {
    @Test func parsesTheFixedAndGranularScopes() {
        #expect(OAuthScope("atproto") == .atproto)
        #expect(OAuthScope("transition:generic") == .transitionGeneric)
        #expect(OAuthScope("repo:app.bsky.feed.post") == .repo(collections: ["app.bsky.feed.post"], actions: [.create, .update, .delete]))
        #expect(OAuthScope("repo:app.bsky.feed.post?action=create&action=delete")
                == .repo(collections: ["app.bsky.feed.post"], actions: [.create, .delete]))
        #expect(OAuthScope("repo?collection=app.bsky.feed.like&collection=app.bsky.feed.post&action=update")
                == .repo(collections: ["app.bsky.feed.like", "app.bsky.feed.post"], actions: [.update]))
        #expect(OAuthScope("blob:image/*") == .blob(accept: ["image/*"]))
        #expect(OAuthScope("rpc:app.bsky.feed.getFeed?aud=did:web:api.bsky.app%23bsky_appview")
                == .rpc(lxm: ["app.bsky.feed.getFeed"], aud: "did:web:api.bsky.app#bsky_appview"))
        #expect(OAuthScope("account:email") == .account(attribute: "email", actions: [.read]))
        #expect(OAuthScope("identity:*") == .identity(attribute: "*"))
    }

    @Test func refusesMalformedScopes() {
        for bad in ["repo:not-an-nsid", "repo:app.bsky.feed.post?action=destroy", "blob:*/png", "blob:image",
                    "rpc:app.bsky.feed.getFeed", "rpc:*?aud=*", "account:password", "identity:email", "transition:other", "openid"] {
            if case .unknown = OAuthScope(bad) {} else { Issue.record("\(bad) should not parse") }
        }
    }

    @Test func permissionsFollowTheReferenceTransitionRules() {
        let generic = ScopePermissions("atproto transition:generic")
        #expect(generic.allowsRepo(collection: "app.bsky.feed.post", action: .delete))
        #expect(generic.allowsBlob(mime: "video/mp4"))
        #expect(generic.allowsRPC(lxm: "app.bsky.feed.getTimeline", aud: "did:web:api.bsky.app#bsky_appview"))
        #expect(!generic.allowsRPC(lxm: "chat.bsky.convo.listConvos", aud: "did:web:api.bsky.chat#bsky_chat"))
        #expect(!generic.allowsAccount("email", action: .read))
        #expect(!generic.allowsIdentity("handle"))
        #expect(ScopePermissions("atproto transition:chat.bsky").allowsRPC(lxm: "chat.bsky.convo.listConvos", aud: "did:web:x"))
        #expect(ScopePermissions("atproto transition:email").allowsAccount("email", action: .read))
        #expect(!ScopePermissions("atproto transition:email").allowsAccount("email", action: .manage))

        let narrow = ScopePermissions("atproto repo:app.bsky.feed.like?action=create blob:image/* rpc:app.bsky.feed.getFeed?aud=did:web:feed.example account:email?action=manage identity:handle")
        #expect(narrow.allowsRepo(collection: "app.bsky.feed.like", action: .create))
        #expect(!narrow.allowsRepo(collection: "app.bsky.feed.like", action: .delete))
        #expect(!narrow.allowsRepo(collection: "app.bsky.feed.post", action: .create))
        #expect(narrow.allowsBlob(mime: "image/png") && narrow.allowsBlob(mime: "IMAGE/JPEG; q=1"))
        #expect(!narrow.allowsBlob(mime: "video/mp4"))
        #expect(narrow.allowsRPC(lxm: "app.bsky.feed.getFeed", aud: "did:web:feed.example"))
        #expect(!narrow.allowsRPC(lxm: "app.bsky.feed.getFeed", aud: "did:web:other.example"))
        #expect(narrow.allowsAccount("email", action: .read) && narrow.allowsAccount("email", action: .manage))
        #expect(!narrow.allowsAccount("status", action: .manage))
        #expect(narrow.allowsIdentity("handle") && !narrow.allowsIdentity("*"))
        #expect(ScopePermissions("atproto repo:*?action=create").allowsRepo(collection: "any.thing.here", action: .create))
    }

    @Test func subsetComparesScopeTokens() {
        #expect(ScopePermissions.isSubset("atproto", of: "atproto transition:generic"))
        #expect(!ScopePermissions.isSubset("atproto transition:email", of: "atproto transition:generic"))
    }
}
