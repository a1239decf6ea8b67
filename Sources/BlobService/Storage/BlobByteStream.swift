/// A blob's bytes as they come off disk or out of S3: an async sequence of chunks.
///
/// Type-erased so disk and S3 stores answer with one type; single pass (each chunk is read
/// when asked for, so a slow client slows the read instead of filling memory).
public struct BlobByteStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    private let makeBase: @Sendable () -> any AsyncIteratorProtocol<[UInt8], any Error>

    /// Wraps any sendable sequence of byte chunks.
    public init<S: AsyncSequence & Sendable>(_ base: S) where S.Element == [UInt8] {
        makeBase = { ErasedIterator(base: base.makeAsyncIterator()) }
    }

    /// The iterator: hands out the wrapped sequence's chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<[UInt8], any Error>
        public mutating func next() async throws -> [UInt8]? { try await base.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: makeBase()) }

    /// All the bytes in one array: for tests and small blobs only.
    public func collect(limit: Int = .max) async throws -> [UInt8] {
        var out = [UInt8]()
        for try await chunk in self {
            out += chunk
            if out.count > limit { throw BlobError.internalError("blob larger than \(limit) bytes") }
        }
        return out
    }
}

/// Adapts an iterator whose failure type is not spelled `any Error` to the erased form.
private struct ErasedIterator<Base: AsyncIteratorProtocol>: AsyncIteratorProtocol where Base.Element == [UInt8] {
    var base: Base
    mutating func next() async throws -> [UInt8]? { try await base.next() }
}
