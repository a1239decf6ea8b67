import Foundation
@testable import Gateway
import IPC
import Testing

/// Read-after-write's merges of the user's newer records into AppView answers.
@Suite struct ReadAfterWriteTests {
    static let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"

    static func local(posts: [(rkey: String, text: String, indexedAt: String, reply: (root: String, parent: String)?)],
                      profile: String? = nil) -> LocalRecords {
        var records = posts.map { post -> RepoTypes.IndexedRecord in
            var value: [String: Any] = ["$type": "app.bsky.feed.post", "text": post.text, "createdAt": post.indexedAt]
            if let reply = post.reply {
                value["reply"] = ["root": ["uri": reply.root, "cid": "bafyroot"], "parent": ["uri": reply.parent, "cid": "bafyparent"]]
            }
            let json = String(decoding: try! JSONSerialization.data(withJSONObject: value), as: UTF8.self)
            return RepoTypes.IndexedRecord(uri: "at://\(did)/app.bsky.feed.post/\(post.rkey)", cid: "bafy\(post.rkey)",
                                           valueJSON: json, indexedAt: post.indexedAt)
        }
        if let profile {
            records.append(RepoTypes.IndexedRecord(
                uri: "at://\(did)/app.bsky.actor.profile/self", cid: "bafyprofile",
                valueJSON: #"{"$type":"app.bsky.actor.profile","displayName":"\#(profile)","avatar":{"$type":"blob","ref":{"$link":"bafkavatar"},"mimeType":"image/png","size":3}}"#,
                indexedAt: "2026-12-07T10:00:00.000Z"))
        }
        return LocalRecords(records)
    }

    static func views(_ local: LocalRecords, cdn: String? = nil) -> LocalViews {
        LocalViews(did: did, handle: "alice.test", profile: local.profile?.value, publicURL: "https://pds.example", cdnPattern: cdn)
    }

    static func item(_ uri: String, author: String, indexedAt: String) -> [String: Any] {
        ["post": ["uri": uri, "cid": "bafy", "author": ["did": author, "handle": "x.test", "displayName": "Old"], "record": [:] as [String: Any],
                  "indexedAt": indexedAt] as [String: Any]]
    }

    static func uris(_ body: [String: Any]) -> [String] {
        (body["feed"] as? [[String: Any]] ?? []).compactMap { ($0["post"] as? [String: Any])?["uri"] as? String }
    }

    @Test func timelineGetsNewPostsInIndexedOrderOnce() {
        let local = Self.local(posts: [("a", "one", "2026-12-07T10:00:01.000Z", nil), ("b", "two", "2026-12-07T10:00:02.000Z", nil)])
        let upstream: [String: Any] = ["feed": [Self.item("at://\(Self.did)/app.bsky.feed.post/b", author: Self.did, indexedAt: "2026-12-07T10:00:02.000Z"),
                                               Self.item("at://other/app.bsky.feed.post/z", author: "did:plc:other", indexedAt: "2026-12-07T09:00:00.000Z")],
                                       "cursor": "next"]
        let merged = FeedMerge.timeline(upstream, local: local, views: Self.views(local))
        // b is in the page already; a goes before the first item indexed before it.
        #expect(Self.uris(merged) == ["at://\(Self.did)/app.bsky.feed.post/b", "at://\(Self.did)/app.bsky.feed.post/a", "at://other/app.bsky.feed.post/z"])
        #expect(merged["cursor"] as? String == "next")
        let top = (merged["feed"] as? [[String: Any]])?[1]["post"] as? [String: Any]
        #expect((top?["record"] as? [String: Any])?["text"] as? String == "one")
        #expect((top?["author"] as? [String: Any])?["handle"] as? String == "alice.test")
    }

    @Test func postsOlderThanThePageAreNotInserted() {
        let local = Self.local(posts: [("a", "old", "2026-01-01T00:00:00.000Z", nil)])
        let upstream: [String: Any] = ["feed": [Self.item("at://x/app.bsky.feed.post/z", author: "did:plc:other", indexedAt: "2026-12-07T09:00:00.000Z")]]
        #expect(Self.uris(FeedMerge.timeline(upstream, local: local, views: Self.views(local))) == ["at://x/app.bsky.feed.post/z"])
    }

    @Test func authorFeedOnlyOnTheUsersOwnFeedWithTheProfileUpdated() {
        let local = Self.local(posts: [("n", "new", "2026-12-07T10:00:05.000Z", nil)], profile: "New Name")
        let own: [String: Any] = ["feed": [Self.item("at://\(Self.did)/app.bsky.feed.post/o", author: Self.did, indexedAt: "2026-12-07T09:00:00.000Z")]]
        let merged = FeedMerge.authorFeed(own, local: local, views: Self.views(local, cdn: "https://cdn.example/img/%s/plain/%s/%s@jpeg"))
        #expect(Self.uris(merged) == ["at://\(Self.did)/app.bsky.feed.post/n", "at://\(Self.did)/app.bsky.feed.post/o"])
        let old = (merged["feed"] as? [[String: Any]])?[1]["post"] as? [String: Any]
        let author = old?["author"] as? [String: Any]
        #expect(author?["displayName"] as? String == "New Name")
        #expect(author?["avatar"] as? String == "https://cdn.example/img/avatar/plain/\(Self.did)/bafkavatar@jpeg")
        let others: [String: Any] = ["feed": [Self.item("at://x/app.bsky.feed.post/z", author: "did:plc:other", indexedAt: "2026-12-07T09:00:00.000Z")]]
        #expect(Self.uris(FeedMerge.authorFeed(others, local: local, views: Self.views(local))) == ["at://x/app.bsky.feed.post/z"])
    }

    @Test func profilesTakeTheNewRecordsFields() {
        let local = Self.local(posts: [], profile: "New Name")
        let views = Self.views(local)
        let mine: [String: Any] = ["did": Self.did, "handle": "alice.test", "displayName": "Old", "description": "old bio", "followersCount": 3]
        let merged = ProfileMerge.profile(mine, views: views)
        #expect(merged["displayName"] as? String == "New Name")
        #expect(merged["description"] == nil, "the new record has no description")
        #expect(merged["avatar"] as? String == "https://pds.example/xrpc/com.atproto.sync.getBlob?did=\(Self.did)&cid=bafkavatar")
        #expect(merged["followersCount"] as? Int == 3)
        let someoneElse: [String: Any] = ["did": "did:plc:other", "displayName": "Theirs"]
        #expect(ProfileMerge.profile(someoneElse, views: views)["displayName"] as? String == "Theirs")
        let many = ProfileMerge.profiles(["profiles": [mine, someoneElse]], views: views)["profiles"] as? [[String: Any]]
        #expect(many?.map { $0["displayName"] as? String } == ["New Name", "Theirs"])
    }

    @Test func threadRepliesGoUnderTheirParents() {
        let root = "at://did:plc:other/app.bsky.feed.post/root", child = "at://did:plc:other/app.bsky.feed.post/child"
        let local = Self.local(posts: [("r1", "reply to root", "2026-12-07T10:00:01.000Z", (root, root)),
                                       ("r2", "reply to child", "2026-12-07T10:00:02.000Z", (root, child)),
                                       ("x", "unrelated", "2026-12-07T10:00:03.000Z", nil)])
        let childNode: [String: Any] = ["$type": ThreadMerge.threadViewPost, "post": ["uri": child, "record": ["reply": ["root": ["uri": root]]]],
                                        "replies": [Any]()]
        let upstream: [String: Any] = ["thread": ["$type": ThreadMerge.threadViewPost, "post": ["uri": root, "record": [:] as [String: Any]],
                                                  "replies": [childNode]] as [String: Any]]
        let merged = ThreadMerge.thread(upstream, local: local, views: Self.views(local))
        let thread = merged["thread"] as? [String: Any]
        let replies = thread?["replies"] as? [[String: Any]] ?? []
        #expect(replies.compactMap { ($0["post"] as? [String: Any])?["uri"] as? String } == ["at://\(Self.did)/app.bsky.feed.post/r1", child])
        let grandchildren = replies.last?["replies"] as? [[String: Any]] ?? []
        #expect(grandchildren.compactMap { ($0["post"] as? [String: Any])?["uri"] as? String } == ["at://\(Self.did)/app.bsky.feed.post/r2"])
        #expect(ThreadMerge.notFound(uri: "at://\(Self.did)/app.bsky.feed.post/x", local: local, views: Self.views(local)) != nil)
        #expect(ThreadMerge.notFound(uri: root, local: local, views: Self.views(local)) == nil)
    }

    @Test func imageEmbedsPointAtTheBlobs() {
        let views = LocalViews(did: Self.did, handle: "alice.test", profile: nil, publicURL: "https://pds.example", cdnPattern: nil)
        let embed: [String: Any] = ["$type": "app.bsky.embed.images",
                                    "images": [["alt": "a cat", "image": ["$type": "blob", "ref": ["$link": "bafkcat"], "mimeType": "image/jpeg", "size": 9]]]]
        let view = views.embedView(embed)
        #expect(view?["$type"] as? String == "app.bsky.embed.images#view")
        let image = (view?["images"] as? [[String: Any]])?.first
        #expect(image?["alt"] as? String == "a cat")
        #expect(image?["fullsize"] as? String == "https://pds.example/xrpc/com.atproto.sync.getBlob?did=\(Self.did)&cid=bafkcat")
        #expect(views.embedView(["$type": "app.bsky.embed.record", "record": ["uri": "at://x"]]) == nil)
    }

    @Test func lagIsMeasuredFromTheOldestUnseenRecord() {
        let past = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-2))
        let lag = ReadAfterWrite.lag(since: past) ?? -1
        #expect(lag >= 1500 && lag < 10_000)
        #expect(ReadAfterWrite.lag(since: "not a date") == nil)
    }
}
