/// Read-after-write for feeds: `getTimeline` and `getAuthorFeed`.
enum FeedMerge {
    /// The user's posts newer than the feed's last item and not in it, each put before the
    /// first item indexed before it (as the reference's `formatAndInsertPostsInFeed`), so a
    /// new post sits where the AppView will put it once indexed: on top, unless someone else
    /// posted since.
    static func insertingPosts(_ feed: [[String: Any]], local: LocalRecords, views: LocalViews) -> [[String: Any]] {
        guard !local.posts.isEmpty else { return feed }
        func indexedAt(_ item: [String: Any]) -> String { (item["post"] as? [String: Any])?["indexedAt"] as? String ?? "" }
        let lastTime = feed.last.map(indexedAt) ?? ""
        let inFeed = Set(feed.compactMap { ($0["post"] as? [String: Any])?["uri"] as? String })
        var merged = feed
        for post in local.posts.reversed() where post.indexedAt > lastTime && !inFeed.contains(post.uri) {
            let item: [String: Any] = ["post": views.postView(post)]
            if let index = merged.firstIndex(where: { indexedAt($0) < post.indexedAt }) {
                merged.insert(item, at: index)
            } else {
                merged.append(item)
            }
        }
        return merged
    }

    /// `getTimeline`: the user's new posts on top.
    static func timeline(_ body: [String: Any], local: LocalRecords, views: LocalViews) -> [String: Any] {
        var merged = body
        merged["feed"] = insertingPosts(body["feed"] as? [[String: Any]] ?? [], local: local, views: views)
        return merged
    }

    /// `getAuthorFeed`: only on the user's own feed (its first item is the user's post or
    /// repost), the user's profile brought up to date on their items and new posts on top.
    static func authorFeed(_ body: [String: Any], local: LocalRecords, views: LocalViews) -> [String: Any] {
        var feed = body["feed"] as? [[String: Any]] ?? []
        guard isUsersFeed(feed, did: views.did) else { return body }
        if local.profile != nil {
            feed = feed.map { item in
                guard var post = item["post"] as? [String: Any], let author = post["author"] as? [String: Any],
                      author["did"] as? String == views.did else { return item }
                post["author"] = views.updatingProfile(author, detailed: false)
                var updated = item
                updated["post"] = post
                return updated
            }
        }
        var merged = body
        merged["feed"] = insertingPosts(feed, local: local, views: views)
        return merged
    }

    /// Whether a feed is the user's own: its first item is their post, or a repost by them.
    static func isUsersFeed(_ feed: [[String: Any]], did: String) -> Bool {
        guard let first = feed.first else { return false }
        if let reason = first["reason"] as? [String: Any] {
            return reason["$type"] as? String == "app.bsky.feed.defs#reasonRepost"
                && (reason["by"] as? [String: Any])?["did"] as? String == did
        }
        return ((first["post"] as? [String: Any])?["author"] as? [String: Any])?["did"] as? String == did
    }
}
