import IPLD

extension BlobRef {
    /// The body `com.atproto.repo.uploadBlob` answers with: `{"blob": {"$type": "blob", "ref":
    /// {"$link": …}, "mimeType": …, "size": …}}` once written as JSON (`DataModelJSON`).
    public var uploadBlobResponse: DataValue { .map(DataMap([("blob", value)])) }
}
