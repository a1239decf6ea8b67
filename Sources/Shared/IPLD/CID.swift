import Crypto
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A content identifier: CIDv1 (or v0 where the specs allow parsing it) over a multihash.
///
/// atproto uses CIDv1 with sha2-256 and the codecs dag-cbor (0x71, repo blocks and records)
/// and raw (0x55, blobs). The value keeps its binary form; the string form is base32 lower
/// with the multibase prefix `b`.
public struct CID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Multicodec codes atproto uses.
    public enum Codec: UInt64, Sendable {
        case raw = 0x55
        case dagCBOR = 0x71
    }

    /// The multihash code of sha2-256.
    public static let sha256Code: UInt64 = 0x12

    /// The binary CID (for v0: the bare multihash).
    public let bytes: [UInt8]
    public let version: UInt8
    public let codec: UInt64
    public let hashCode: UInt64
    /// Offset of the digest within `bytes`.
    private let digestOffset: Int

    /// The hash digest.
    public var digest: ArraySlice<UInt8> { bytes[digestOffset...] }

    /// True for the one format atproto blesses: v1, sha2-256 (32 bytes), dag-cbor or raw.
    public var isATProtoBlessed: Bool {
        version == 1 && hashCode == CID.sha256Code && bytes.count - digestOffset == 32
            && (codec == Codec.dagCBOR.rawValue || codec == Codec.raw.rawValue)
    }

    /// A CIDv1 sha2-256 of `data` with the given codec.
    ///
    /// Concrete overloads for the common cases: a generic call across modules is not
    /// specialised, and hashing is on every write's hot path.
    public static func compute(_ codec: Codec, of data: [UInt8]) -> CID {
        data.withUnsafeBytes { compute(codec, of: $0) }
    }

    /// A CIDv1 sha2-256 of the bytes in `buffer`.
    public static func compute(_ codec: Codec, of buffer: UnsafeRawBufferPointer) -> CID {
        let digest = SHA256.hash(data: buffer)
        return digest.withUnsafeBytes { d in
            var b = [UInt8](repeating: 0, count: 36)
            b[0] = 1
            b[1] = UInt8(codec.rawValue)
            b[2] = 0x12
            b[3] = 32
            for i in 0..<32 { b[4 + i] = d[i] }
            return CID(bytes: b, version: 1, codec: codec.rawValue, hashCode: CID.sha256Code, digestOffset: 4)
        }
    }

    /// A CIDv1 sha2-256 of `data` with the given codec.
    public static func compute<C: Collection>(_ codec: Codec, of data: C) -> CID where C.Element == UInt8 {
        let digest: SHA256.Digest
        if let d = data.withContiguousStorageIfAvailable({ SHA256.hash(data: UnsafeRawBufferPointer($0)) }) {
            digest = d
        } else {
            digest = SHA256.hash(data: Array(data))
        }
        return CID(sha256Digest: digest, codec: codec)
    }

    /// A CIDv1 from a sha2-256 digest.
    public init<D: Sequence>(sha256Digest: D, codec: Codec) where D.Element == UInt8 {
        var b = [UInt8]()
        b.reserveCapacity(36)
        b.append(1)
        Varint.encode(codec.rawValue, into: &b)
        b.append(0x12)
        b.append(32)
        b.append(contentsOf: sha256Digest)
        self.bytes = b
        self.version = 1
        self.codec = codec.rawValue
        self.hashCode = CID.sha256Code
        self.digestOffset = b.count - 32
    }

    /// Parses a binary CID that spans all of `buffer` (the concrete, fast path).
    public init(bytes buffer: UnsafeBufferPointer<UInt8>) throws(IPLDError) {
        // The common atproto shape: v1, one-byte codec, sha2-256, 32-byte digest.
        if buffer.count == 36, buffer[0] == 1, buffer[1] < 0x80, buffer[2] == 0x12, buffer[3] == 32 {
            self.init(bytes: Array(buffer), version: 1, codec: UInt64(buffer[1]), hashCode: CID.sha256Code, digestOffset: 4)
            return
        }
        let (cid, length) = try CID.parsePrefix(buffer, at: 0)
        guard length == buffer.count else { throw IPLDError(.cid, "trailing bytes after CID") }
        self = cid
    }

    /// Parses a binary CID that spans all of `bytes`.
    public init(bytes array: [UInt8]) throws(IPLDError) {
        self = try array.withUnsafeBufferPointer { (buf) throws(IPLDError) -> CID in try CID(bytes: buf) }
    }

    /// Parses a binary CID that spans all of `bytes`.
    public init<C: RandomAccessCollection>(bytes input: C) throws(IPLDError) where C.Element == UInt8, C.Index == Int {
        let (cid, length) = try CID.parsePrefix(input, at: input.startIndex)
        guard length == input.count else { throw IPLDError(.cid, "trailing bytes after CID") }
        self = cid
    }

    private init(bytes: [UInt8], version: UInt8, codec: UInt64, hashCode: UInt64, digestOffset: Int) {
        self.bytes = bytes
        self.version = version
        self.codec = codec
        self.hashCode = hashCode
        self.digestOffset = digestOffset
    }

    /// Parses a binary CID at the start of `input` (CAR framing holds CID then block bytes),
    /// returning it and its length.
    public static func parsePrefix<C: RandomAccessCollection>(_ input: C, at start: Int) throws(IPLDError) -> (CID, Int)
    where C.Element == UInt8, C.Index == Int {
        guard start < input.endIndex else { throw IPLDError(.cid, "empty CID") }
        // CIDv0: a bare sha2-256 multihash 0x12 0x20 + 32 bytes.
        if input[start] == 0x12 {
            guard input.endIndex - start >= 34, input[start + 1] == 0x20 else {
                throw IPLDError(.cid, "truncated CIDv0")
            }
            let b = Array(input[start..<start + 34])
            return (CID(bytes: b, version: 0, codec: Codec.dagCBOR.rawValue, hashCode: 0x12, digestOffset: 2), 34)
        }
        var i = start
        let (version, l1) = try Varint.decode(input, at: i)
        i += l1
        guard version == 1 else { throw IPLDError(.cid, "unsupported CID version \(version)") }
        let (codec, l2) = try Varint.decode(input, at: i)
        i += l2
        let (hashCode, l3) = try Varint.decode(input, at: i)
        i += l3
        let (digestLength, l4) = try Varint.decode(input, at: i)
        i += l4
        guard digestLength <= 128 else { throw IPLDError(.cid, "multihash digest too long") }
        if hashCode == sha256Code && digestLength != 32 { throw IPLDError(.cid, "sha2-256 digest must be 32 bytes") }
        guard input.endIndex - i >= Int(digestLength) else { throw IPLDError(.cid, "truncated CID digest") }
        let end = i + Int(digestLength)
        let b = Array(input[start..<end])
        return (CID(bytes: b, version: 1, codec: codec, hashCode: hashCode, digestOffset: i - start), end - start)
    }

    /// Parses the string form: base32 lower `b…` for v1, base58btc `Qm…` for v0.
    public init(string: String) throws(IPLDError) {
        guard string.utf8.count <= 512 else { throw IPLDError(.cid, "CID string too long") }
        if string.utf8.count == 46 && string.hasPrefix("Qm") {
            let raw: [UInt8]
            do { raw = try Base58BTC.decode(string) } catch { throw IPLDError(.cid, "invalid base58 CIDv0") }
            try self.init(bytes: raw)
            return
        }
        guard string.first == "b" else { throw IPLDError(.cid, "CID string must be base32 (prefix b)") }
        let raw: [UInt8]
        do { raw = try Base32.decode(string.dropFirst()) } catch {
            throw IPLDError(.cid, "invalid base32 in CID")
        }
        guard raw.first == 1 else { throw IPLDError(.cid, "CID string is not a CIDv1") }
        try self.init(bytes: raw)
    }

    /// The canonical string form.
    public var string: String {
        version == 0 ? Base58BTC.encode(bytes) : "b" + Base32.encode(bytes)
    }

    public var description: String { string }

    /// Byte order, which is also the order of the base32 strings of same-length CIDs.
    public static func < (lhs: CID, rhs: CID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    public static func == (lhs: CID, rhs: CID) -> Bool {
        // memcmp over the raw bytes: element-wise Array equality dominated block lookups.
        lhs.bytes.count == rhs.bytes.count && !lhs.bytes.isEmpty && lhs.bytes.withUnsafeBytes { a in
            rhs.bytes.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
        }
    }
    public func hash(into hasher: inout Hasher) {
        // Raw bytes in one call: element-wise combining is a hot spot in block-store lookups.
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

extension CID: Codable {
    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        self = try CID(string: s)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(string)
    }
}
