/// A streaming CAR v1 writer: the header, then blocks as they come, each handed to a sink.
///
/// The sink sees bytes in chunks of about `flushSize`, so an export never holds the whole
/// repo in memory.
public struct CARWriter {
    private var pending: [UInt8] = []
    private let sink: ([UInt8]) throws -> Void
    private let flushSize: Int

    /// Starts a CAR with the given roots, writing through `sink`.
    public init(roots: [CID], flushSize: Int = 64 * 1024, sink: @escaping ([UInt8]) throws -> Void) throws {
        self.sink = sink
        self.flushSize = flushSize
        pending.reserveCapacity(min(flushSize, 1 << 20) + 1024)
        let header = DAGCBOR.encode(.map(DataMap([("version", .int(1)), ("roots", .array(roots.map { .link($0) }))])))
        Varint.encode(UInt64(header.count), into: &pending)
        pending.append(contentsOf: header)
    }

    /// Appends one block.
    public mutating func write(cid: CID, bytes: [UInt8]) throws {
        Varint.encode(UInt64(cid.bytes.count + bytes.count), into: &pending)
        pending.append(contentsOf: cid.bytes)
        pending.append(contentsOf: bytes)
        if pending.count >= flushSize { try flush() }
    }

    /// Hands everything buffered to the sink.
    public mutating func flush() throws {
        guard !pending.isEmpty else { return }
        try sink(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Builds a whole CAR in memory (for small CARs: firehose `blocks`, tests).
    public static func encode<S: Sequence>(roots: [CID], blocks: S) -> [UInt8] where S.Element == (CID, [UInt8]) {
        var out = [UInt8]()
        // Writing to an in-memory array cannot fail.
        var writer = try! CARWriter(roots: roots, flushSize: Int.max) { out.append(contentsOf: $0) }
        for (cid, bytes) in blocks { try! writer.write(cid: cid, bytes: bytes) }
        try! writer.flush()
        return out
    }
}
