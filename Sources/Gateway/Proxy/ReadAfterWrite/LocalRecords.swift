import Foundation
import IPC

/// The records the user wrote after the AppView's rev that read-after-write can show: the
/// profile (`app.bsky.actor.profile/self`) and posts (`app.bsky.feed.post`), as JSON objects.
struct LocalRecords {
    /// A record with its identity and when this PDS indexed it.
    struct Entry {
        let uri: String
        let cid: String
        let value: [String: Any]
        let indexedAt: String
    }

    /// Every record since the rev (any collection), which says whether there is lag at all.
    let count: Int
    let profile: Entry?
    /// Oldest first.
    let posts: [Entry]
    /// When the oldest of them was indexed.
    let oldestIndexedAt: String?

    static let profileCollection = "app.bsky.actor.profile"
    static let postCollection = "app.bsky.feed.post"

    init(_ records: [RepoTypes.IndexedRecord]) {
        var profile: Entry?
        var posts: [Entry] = []
        for record in records {
            guard let parts = Self.collectionAndKey(record.uri),
                  let value = (try? JSONSerialization.jsonObject(with: Data(record.valueJSON.utf8))) as? [String: Any] else { continue }
            let entry = Entry(uri: record.uri, cid: record.cid, value: value, indexedAt: record.indexedAt)
            if parts.collection == Self.profileCollection && parts.rkey == "self" { profile = entry }
            else if parts.collection == Self.postCollection { posts.append(entry) }
        }
        count = records.count
        self.profile = profile
        self.posts = posts
        oldestIndexedAt = records.map(\.indexedAt).min()
    }

    /// `(collection, rkey)` of `at://did/collection/rkey`.
    static func collectionAndKey(_ uri: String) -> (collection: String, rkey: String)? {
        let parts = uri.dropFirst("at://".count).split(separator: "/")
        guard uri.hasPrefix("at://"), parts.count == 3 else { return nil }
        return (String(parts[1]), String(parts[2]))
    }
}
