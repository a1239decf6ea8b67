import IPLD

/// A blob as records and `uploadBlob` name it:
/// `{"$type": "blob", "ref": {"$link": cid}, "mimeType": …, "size": …}`.
public struct BlobRef: Sendable, Equatable, Codable {
    public let cid: CID
    public let mimeType: String
    public let size: Int64

    public init(cid: CID, mimeType: String, size: Int64) {
        self.cid = cid
        self.mimeType = mimeType
        self.size = size
    }

    private enum Keys: String, CodingKey { case type = "$type", ref, mimeType, size }
    private enum LinkKeys: String, CodingKey { case link = "$link" }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode("blob", forKey: .type)
        var ref = c.nestedContainer(keyedBy: LinkKeys.self, forKey: .ref)
        try ref.encode(cid.string, forKey: .link)
        try c.encode(mimeType, forKey: .mimeType)
        try c.encode(size, forKey: .size)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let link = try c.nestedContainer(keyedBy: LinkKeys.self, forKey: .ref).decode(String.self, forKey: .link)
        cid = try CID(string: link)
        mimeType = try c.decode(String.self, forKey: .mimeType)
        size = try c.decode(Int64.self, forKey: .size)
    }

    /// The body `com.atproto.repo.uploadBlob` answers with: `{"blob": {…}}`.
    public var uploadResponse: [String: BlobRef] { ["blob": self] }
}
