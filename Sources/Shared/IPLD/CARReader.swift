/// A streaming CAR v1 reader: the header's roots, then one block at a time.
///
/// Only a buffer of a few blocks is held, so a repo of hundreds of MB streams in constant
/// memory. Every block's CID is checked against its bytes unless told otherwise, and sizes
/// are bounded so a hostile file cannot make it allocate without limit.
public struct CARReader<Source: ByteSource> {
    /// Limits applied while reading.
    public struct Limits: Sendable {
        public var maxHeaderSize: Int
        public var maxBlockSize: Int
        public var verifyCIDs: Bool
        public init(maxHeaderSize: Int = 64 * 1024, maxBlockSize: Int = 4 * 1024 * 1024, verifyCIDs: Bool = true) {
            self.maxHeaderSize = maxHeaderSize
            self.maxBlockSize = maxBlockSize
            self.verifyCIDs = verifyCIDs
        }
    }

    /// The roots named in the header.
    public private(set) var roots: [CID] = []
    private var source: Source
    private var buffer: [UInt8] = []
    private var offset = 0
    private var atEnd = false
    private let limits: Limits

    /// Reads the header from `source`.
    public init(_ source: Source, limits: Limits = Limits()) throws(IPLDError) {
        self.source = source
        self.limits = limits
        guard let headerLength = try readVarint() else { throw IPLDError(.car, "empty CAR file") }
        guard headerLength > 0, headerLength <= UInt64(limits.maxHeaderSize) else {
            throw IPLDError(.car, "CAR header length \(headerLength) out of bounds")
        }
        let headerBytes = try take(Int(headerLength))
        let header = try DAGCBOR.decode(headerBytes)
        guard case .int(1)? = header["version"] else { throw IPLDError(.car, "CAR header version must be 1") }
        guard case .array(let rootValues)? = header["roots"] else { throw IPLDError(.car, "CAR header has no roots list") }
        var roots = [CID]()
        for r in rootValues {
            guard case .link(let cid) = r else { throw IPLDError(.car, "CAR root is not a CID") }
            roots.append(cid)
        }
        self.roots = roots
    }

    /// The next block, or nil at the end of the file.
    public mutating func next() throws(IPLDError) -> (cid: CID, bytes: [UInt8])? {
        guard let length = try readVarint() else { return nil }
        guard length > 0, length <= UInt64(limits.maxBlockSize + 64) else {
            throw IPLDError(.car, "CAR block length \(length) out of bounds")
        }
        let section = try take(Int(length))
        let (cid, cidLength) = try CID.parsePrefix(section, at: 0)
        let data = Array(section[cidLength...])
        guard data.count <= limits.maxBlockSize else { throw IPLDError(.car, "CAR block too large") }
        if limits.verifyCIDs {
            guard cid.hashCode == CID.sha256Code else { throw IPLDError(.car, "unsupported hash in block \(cid)") }
            let computed = CID.compute(.raw, of: data)
            guard computed.digest.elementsEqual(cid.digest) else {
                throw IPLDError(.car, "block \(cid) does not match its bytes")
            }
        }
        return (cid, data)
    }

    /// Ensures at least `n` bytes are buffered; false at a clean end of input.
    private mutating func fill(_ n: Int) throws(IPLDError) -> Bool {
        while buffer.count - offset < n {
            if atEnd { return false }
            if offset > 0 && offset >= buffer.count / 2 {
                buffer.removeSubrange(0..<offset)
                offset = 0
            }
            let chunk: [UInt8]
            do { chunk = try source.read(maxCount: max(64 * 1024, n)) } catch let e as IPLDError { throw e } catch {
                throw IPLDError(.car, "read failed: \(error)")
            }
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
        return true
    }

    private mutating func take(_ n: Int) throws(IPLDError) -> [UInt8] {
        guard try fill(n) else { throw IPLDError(.car, "truncated CAR file") }
        defer { offset += n }
        return Array(buffer[offset..<offset + n])
    }

    /// Reads a varint, or nil if the input ends cleanly before it.
    private mutating func readVarint() throws(IPLDError) -> UInt64? {
        guard try fill(1) else { return nil }
        _ = try fill(10)
        let (value, length) = try Varint.decode(buffer[offset...], at: offset)
        offset += length
        return value
    }
}

extension CARReader where Source == MemoryByteSource {
    /// Reads a CAR held in memory.
    public init(bytes: [UInt8], limits: Limits = Limits()) throws(IPLDError) {
        try self.init(MemoryByteSource(bytes), limits: limits)
    }
}
