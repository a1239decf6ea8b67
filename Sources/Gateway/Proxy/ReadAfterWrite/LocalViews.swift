import Foundation

/// Builds AppView-shaped views (`app.bsky.actor.defs#profileViewBasic`,
/// `app.bsky.feed.defs#postView`) of the user's own records, for read-after-write: what the
/// AppView would show once it has indexed them.
struct LocalViews {
    let did: String
    let handle: String
    let profile: [String: Any]?
    /// `https://pds.example` (for getBlob image URLs).
    let publicURL: String
    /// `PDS_BSKY_APP_VIEW_CDN_URL_PATTERN`: `%s` for preset, DID and CID.
    let cdnPattern: String?

    /// An image URL, as the reference: the CDN pattern when configured, else this PDS's getBlob.
    func imageURL(preset: String, cid: String) -> String {
        guard let cdnPattern else {
            return "\(publicURL)/xrpc/com.atproto.sync.getBlob?did=\(did)&cid=\(cid)"
        }
        var url = cdnPattern
        for value in [preset, did, cid] {
            guard let range = url.range(of: "%s") else { break }
            url.replaceSubrange(range, with: value)
        }
        return url
    }

    /// The CID of a blob reference (`{"$type":"blob","ref":{"$link":…}}`).
    static func blobCID(_ value: Any?) -> String? {
        guard let blob = value as? [String: Any] else { return nil }
        if let ref = blob["ref"] as? [String: Any], let link = ref["$link"] as? String { return link }
        return blob["cid"] as? String // legacy blob form
    }

    /// `displayName`, `description`, `avatar` of a profile view replaced by the local profile
    /// record's (removed where the record has none); `banner` too for a detailed view.
    func updatingProfile(_ view: [String: Any], detailed: Bool) -> [String: Any] {
        guard let profile else { return view }
        var updated = view
        updated["displayName"] = profile["displayName"] as? String
        if detailed { updated["description"] = profile["description"] as? String }
        updated["avatar"] = Self.blobCID(profile["avatar"]).map { imageURL(preset: "avatar", cid: $0) }
        if detailed { updated["banner"] = Self.blobCID(profile["banner"]).map { imageURL(preset: "banner", cid: $0) } }
        return updated
    }

    /// The user as `profileViewBasic`, from the handle and the local profile record.
    var profileBasic: [String: Any] {
        var view: [String: Any] = ["did": did, "handle": handle]
        if let profile {
            if let name = profile["displayName"] as? String { view["displayName"] = name }
            if let cid = Self.blobCID(profile["avatar"]) { view["avatar"] = imageURL(preset: "avatar", cid: cid) }
        }
        return view
    }

    /// A local post as `postView`.
    func postView(_ post: LocalRecords.Entry, author: [String: Any]? = nil) -> [String: Any] {
        var view: [String: Any] = [
            "uri": post.uri, "cid": post.cid, "author": author ?? profileBasic, "record": post.value,
            "indexedAt": post.indexedAt, "replyCount": 0, "repostCount": 0, "likeCount": 0, "quoteCount": 0, "labels": [Any](),
        ]
        if let embed = embedView(post.value["embed"]) { view["embed"] = embed }
        return view
    }

    /// The view of a post's embed: images and external links are built here; a quoted record
    /// needs the AppView's view of that record, so a post embedding one goes without an embed
    /// view until the AppView has it (the record itself still carries the embed).
    func embedView(_ embed: Any?) -> [String: Any]? {
        guard let embed = embed as? [String: Any], let type = embed["$type"] as? String else { return nil }
        switch type {
        case "app.bsky.embed.images":
            let images = (embed["images"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }.compactMap { image -> [String: Any]? in
                guard let cid = Self.blobCID(image["image"]) else { return nil }
                var view: [String: Any] = ["thumb": imageURL(preset: "feed_thumbnail", cid: cid),
                                           "fullsize": imageURL(preset: "feed_fullsize", cid: cid),
                                           "alt": image["alt"] as? String ?? ""]
                if let ratio = image["aspectRatio"] { view["aspectRatio"] = ratio }
                return view
            }
            return ["$type": "app.bsky.embed.images#view", "images": images]
        case "app.bsky.embed.external":
            guard let external = embed["external"] as? [String: Any], let uri = external["uri"] as? String else { return nil }
            var view: [String: Any] = ["uri": uri, "title": external["title"] as? String ?? "",
                                       "description": external["description"] as? String ?? ""]
            if let cid = Self.blobCID(external["thumb"]) { view["thumb"] = imageURL(preset: "feed_thumbnail", cid: cid) }
            return ["$type": "app.bsky.embed.external#view", "external": view]
        default:
            return nil
        }
    }
}
