import IPLD

extension ValueValidator {
    /// A blob field holds a blob reference; `accept` and `maxSize` are checked against what
    /// the reference declares (the blob store checks the stored bytes themselves).
    mutating func validateBlob(_ value: DataValue, _ schema: BlobSchema) throws(LexiconError) {
        guard case .map(let map) = value, case .string("blob")? = map["$type"] else { throw fail("should be a blob ref") }
        let blob: BlobRef
        do { blob = try BlobRef(map) } catch { throw fail("should be a blob ref (\(error.message))") }
        if let accept = schema.accept, !MIMEPattern.accepts(accept, blob.mimeType) {
            throw fail("mimeType \(blob.mimeType) is not accepted (expected \(accept.joined(separator: ", ")))")
        }
        if let max = schema.maxSize, blob.size > max {
            throw fail("is \(blob.size) bytes, larger than the maximum of \(max) bytes")
        }
    }
}
