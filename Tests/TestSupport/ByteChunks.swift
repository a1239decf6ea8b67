/// A request or upload body made of given chunks, for the APIs that take an
/// `AsyncSequence` of byte arrays (blob uploads, streamed bodies).
public struct ByteChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public let chunks: [[UInt8]]

    public init(_ chunks: [[UInt8]]) { self.chunks = chunks }
    /// One chunk holding `bytes` (none when `bytes` is empty).
    public init(_ bytes: [UInt8]) { chunks = bytes.isEmpty ? [] : [bytes] }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var rest: ArraySlice<[UInt8]>
        public mutating func next() async throws -> [UInt8]? { rest.popFirst() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: chunks[...]) }
}
