import IPLD

/// A realistic mix of Bluesky records: posts (some with facets, images, replies), likes,
/// reposts, follows and profiles, in about the proportions a PDS stores them.
enum RecordMix {
    static let blobCID = CID.compute(.raw, of: Array("image bytes".utf8))
    static let recordCID = CID.compute(.dagCBOR, of: Array("a record".utf8))
    static let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"

    static func record(_ i: Int) -> DataValue {
        let uri = DataValue.string("at://\(did)/app.bsky.feed.post/3l\(String(i, radix: 36))abcdefg")
        let strongRef: DataValue = ["uri": uri, "cid": .link(recordCID)]
        switch i % 10 {
        case 0, 1, 2:
            return ["$type": "app.bsky.feed.like", "subject": strongRef, "createdAt": "2026-11-25T12:34:56.789Z"]
        case 3:
            return ["$type": "app.bsky.feed.repost", "subject": strongRef, "createdAt": "2026-11-25T12:34:56.789Z"]
        case 4:
            return ["$type": "app.bsky.graph.follow", "subject": .string(did), "createdAt": "2026-11-25T12:34:56.789Z"]
        case 5:
            return ["$type": "app.bsky.actor.profile", "displayName": "Alice Example 🌱",
                    "description": .string(String(repeating: "Writes about federated systems. ", count: 4)),
                    "avatar": BlobRef(ref: blobCID, mimeType: "image/jpeg", size: 123_456).value]
        case 6:
            return ["$type": "app.bsky.feed.post", "text": "Replying with a thought about Merkle search trees.",
                    "langs": ["en"], "createdAt": "2026-11-25T12:34:56.789Z",
                    "reply": ["root": strongRef, "parent": strongRef]]
        case 7:
            return ["$type": "app.bsky.feed.post", "text": "Photos from the weekend hike ⛰️",
                    "langs": ["en"], "createdAt": "2026-11-25T12:34:56.789Z",
                    "embed": ["$type": "app.bsky.embed.images", "images": [
                        ["alt": "A mountain ridge at sunrise", "image": BlobRef(ref: blobCID, mimeType: "image/jpeg", size: 934_211).value,
                         "aspectRatio": ["width": 2000, "height": 1500]],
                        ["alt": "The trail", "image": BlobRef(ref: blobCID, mimeType: "image/jpeg", size: 811_004).value,
                         "aspectRatio": ["width": 1500, "height": 2000]],
                    ]]]
        default:
            return ["$type": "app.bsky.feed.post",
                    "text": .string("Hello @alice.example.com, read https://atproto.com/specs/repository — post \(i)"),
                    "langs": ["en", "fr"], "createdAt": "2026-11-25T12:34:56.789Z",
                    "facets": [
                        ["index": ["byteStart": 6, "byteEnd": 24],
                         "features": [["$type": "app.bsky.richtext.facet#mention", "did": .string(did)]]],
                        ["index": ["byteStart": 31, "byteEnd": 65],
                         "features": [["$type": "app.bsky.richtext.facet#link", "uri": "https://atproto.com/specs/repository"]]],
                    ]]
        }
    }
}
