import Foundation
import HTTPTypes
import IPC
import NIOCore

/// Read-after-write, as the reference PDS does it: the AppView says in `Atproto-Repo-Rev`
/// how far it has indexed the requester's repo; records the user wrote after that rev are
/// merged into the answers of a few methods, so a user sees their own post or profile
/// change at once. The answer then carries `Atproto-Upstream-Lag` (milliseconds since the
/// oldest record the AppView had not seen).
///
/// - `app.bsky.feed.getTimeline`: new posts on top.
/// - `app.bsky.feed.getAuthorFeed`: on the user's own feed, new posts on top and the user's
///   `displayName`/`avatar` updated on their items.
/// - `app.bsky.feed.getPostThread`: new replies under their parents; the user's own new post
///   answered from the local record while the AppView answers `NotFound`.
/// - `app.bsky.actor.getProfile`, `getProfiles`: the user's `displayName`, `description`,
///   `avatar`, `banner` from the new profile record.
struct ReadAfterWrite: Sendable {
    let repo: RepoServiceClient
    let auth: AuthServiceClient
    let publicURL: String
    let cdnPattern: String?

    static let methods: Set<String> = ["app.bsky.feed.getTimeline", "app.bsky.feed.getAuthorFeed", "app.bsky.feed.getPostThread",
                                       "app.bsky.actor.getProfile", "app.bsky.actor.getProfiles"]
    /// Records read past the rev, as the reference (a user far ahead of the AppView sees the first ten).
    static let recordLimit = 10

    init(repo: RepoServiceClient, auth: AuthServiceClient, publicURL: URL, cdnPattern: String?) {
        self.repo = repo
        self.auth = auth
        var url = publicURL.absoluteString
        while url.hasSuffix("/") { url.removeLast() }
        self.publicURL = url
        self.cdnPattern = cdnPattern
    }

    func applies(to nsid: String) -> Bool { Self.methods.contains(nsid) }

    /// What the client gets: the upstream answer with the user's newer records merged in, or
    /// unchanged when there is nothing to merge (no rev header, nothing newer, not JSON). A
    /// failure to read the local records leaves the answer as the AppView gave it.
    ///
    /// `localRev` is the repo's rev when the call was signed for: an AppView at or past it has
    /// seen every record written before the call, and the answer goes back untouched without
    /// reading anything (the common case, and the cheap one).
    func merge(nsid: String, did: String, status: HTTPResponse.Status, parameters: [String: [String]],
               upstreamRev: String?, localRev: String?, body: ByteBuffer) async -> (status: HTTPResponse.Status, body: ByteBuffer, lag: Int?) {
        let unchanged = (status, body, nil as Int?)
        guard let upstreamRev, !upstreamRev.isEmpty else { return unchanged }
        if let localRev, upstreamRev >= localRev { return unchanged }
        guard let found = try? await repo.recordsSince(.init(did: did, rev: upstreamRev, limit: Self.recordLimit)),
              !found.records.isEmpty else { return unchanged }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] else { return unchanged }
        guard status == .ok || (nsid == "app.bsky.feed.getPostThread" && object["error"] as? String == "NotFound") else { return unchanged }
        let local = LocalRecords(found.records)
        guard local.profile != nil || !local.posts.isEmpty else { return unchanged }
        let handle = (try? await auth.getAccount(.init(did: did)))?.handle ?? "handle.invalid"
        let views = LocalViews(did: did, handle: handle, profile: local.profile?.value, publicURL: publicURL, cdnPattern: cdnPattern)
        var answer = status
        let merged: [String: Any]
        switch nsid {
        case "app.bsky.feed.getTimeline": merged = FeedMerge.timeline(object, local: local, views: views)
        case "app.bsky.feed.getAuthorFeed": merged = FeedMerge.authorFeed(object, local: local, views: views)
        case "app.bsky.actor.getProfile": merged = ProfileMerge.profile(object, views: views)
        case "app.bsky.actor.getProfiles": merged = ProfileMerge.profiles(object, views: views)
        case "app.bsky.feed.getPostThread" where status == .ok: merged = ThreadMerge.thread(object, local: local, views: views)
        case "app.bsky.feed.getPostThread":
            guard let uri = parameters["uri"]?.first, let thread = ThreadMerge.notFound(uri: uri, local: local, views: views) else {
                return unchanged
            }
            merged = thread
            answer = .ok
        default: return unchanged
        }
        guard let data = try? JSONSerialization.data(withJSONObject: merged, options: [.withoutEscapingSlashes]) else { return unchanged }
        return (answer, ByteBuffer(bytes: data), Self.lag(since: local.oldestIndexedAt))
    }

    /// Milliseconds since `indexedAt` (an ISO 8601 time), or nil.
    static func lag(since indexedAt: String?) -> Int? {
        guard let indexedAt else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: indexedAt) ?? ISO8601DateFormatter().date(from: indexedAt) else { return nil }
        return max(0, Int(Date().timeIntervalSince(date) * 1000))
    }
}
