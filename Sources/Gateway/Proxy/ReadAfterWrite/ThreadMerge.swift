/// Read-after-write for `getPostThread`: the user's new replies in the thread appear under
/// their parents (first among its replies); and a thread the AppView has not indexed yet
/// (`NotFound` for the user's own new post) is answered from the local post.
enum ThreadMerge {
    static let threadViewPost = "app.bsky.feed.defs#threadViewPost"

    static func thread(_ body: [String: Any], local: LocalRecords, views: LocalViews) -> [String: Any] {
        guard var thread = body["thread"] as? [String: Any], thread["$type"] as? String == threadViewPost else { return body }
        for post in postsInThread(thread, local.posts) { thread = inserting(post, into: thread, views: views) }
        var merged = body
        merged["thread"] = thread
        return merged
    }

    /// The answer for the user's own post the AppView does not know yet, or nil.
    static func notFound(uri: String, local: LocalRecords, views: LocalViews) -> [String: Any]? {
        guard let post = local.posts.first(where: { $0.uri == uri }) else { return nil }
        return ["thread": ["$type": threadViewPost, "post": views.postView(post), "replies": [Any]()] as [String: Any]]
    }

    /// Local posts whose thread root is this thread's post or its root.
    static func postsInThread(_ thread: [String: Any], _ posts: [LocalRecords.Entry]) -> [LocalRecords.Entry] {
        let post = thread["post"] as? [String: Any]
        let uri = post?["uri"] as? String
        let threadRoot = rootURI((post?["record"] as? [String: Any]) ?? [:])
        return posts.filter { entry in
            guard let root = rootURI(entry.value) else { return false }
            return root == uri || root == threadRoot
        }
    }

    static func rootURI(_ record: [String: Any]) -> String? {
        ((record["reply"] as? [String: Any])?["root"] as? [String: Any])?["uri"] as? String
    }

    static func parentURI(_ record: [String: Any]) -> String? {
        ((record["reply"] as? [String: Any])?["parent"] as? [String: Any])?["uri"] as? String
    }

    /// `view` with `post` put under its parent, wherever that is in the tree.
    static func inserting(_ post: LocalRecords.Entry, into view: [String: Any], views: LocalViews) -> [String: Any] {
        var updated = view
        let replies = view["replies"] as? [Any] ?? []
        if parentURI(post.value) == (view["post"] as? [String: Any])?["uri"] as? String {
            let known = replies.contains { (($0 as? [String: Any])?["post"] as? [String: Any])?["uri"] as? String == post.uri }
            guard !known else { return view }
            let node: [String: Any] = ["$type": threadViewPost, "post": views.postView(post), "replies": [Any]()]
            updated["replies"] = [node] + replies
            return updated
        }
        guard view["replies"] != nil else { return view }
        updated["replies"] = replies.map { reply -> Any in
            guard let node = reply as? [String: Any], node["$type"] as? String == threadViewPost else { return reply }
            return inserting(post, into: node, views: views)
        }
        return updated
    }
}
