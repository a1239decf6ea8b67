import Foundation

/// The compact binary body format of IPC envelopes: a self-describing encoding of the Codable
/// data model (maps with string keys, arrays, strings, byte strings, integers, doubles, booleans,
/// null), written in one pass with no intermediate tree.
///
/// A body starts with the marker byte `0xB1`, which no JSON text can start with (it is a UTF-8
/// continuation byte), so a decoder tells the two apart and reads either. Every value is one tag
/// byte followed by its payload:
///
/// | tag | value | payload |
/// | --- | --- | --- |
/// | 0 | null | — |
/// | 1, 2 | false, true | — |
/// | 3 | signed integer | zigzag LEB128 varint |
/// | 4 | unsigned integer | LEB128 varint |
/// | 5 | floating point | IEEE 754 double, 8 bytes little-endian |
/// | 6 | string | varint length + UTF-8 |
/// | 7 | bytes (`Data`, `[UInt8]`) | varint length + bytes |
/// | 8 | array | u32 count (little-endian) + values |
/// | 9 | map | u32 count (little-endian) + (varint key length + UTF-8 key, value) pairs |
///
/// Counts are fixed-width so a container can be written before its size is known and patched as
/// entries arrive. That requires containers to be filled in order (a nested container finished
/// before its parent writes again), which synthesized conformances always do; an `encode(to:)`
/// that does otherwise, or asks for a super-encoder, is detected and the value goes out as JSON
/// instead, so nothing is ever mis-encoded.
enum BinaryCodec {
    static let marker: UInt8 = 0xB1
    /// The deepest nesting of arrays and maps a body may have (JSONDecoder's limit is 512 too).
    static let maxDepth = 512

    enum Tag: UInt8 {
        case null = 0, `false` = 1, `true` = 2, int = 3, uint = 4, double = 5, string = 6, bytes = 7, array = 8, map = 9
    }

    /// Encodes `value`, or returns nil when its `encode(to:)` uses containers in a way this
    /// one-pass format cannot follow (the caller then falls back to JSON).
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8]? {
        let writer = BinaryWriter()
        writer.bytes.append(marker)
        try writer.encodeValue(value, depth: 0)
        return writer.failed ? nil : writer.bytes
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        guard bytes.first == marker else { throw BinaryCodecError("not a binary body") }
        let reader = BinaryReader(bytes)
        let value = try reader.decodeValue(type, at: 1)
        guard try reader.skip(1) == bytes.count else { throw BinaryCodecError("trailing bytes after the value") }
        return value
    }
}

struct BinaryCodecError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Encoding

/// The output buffer and the bookkeeping that checks containers are used in order.
final class BinaryWriter {
    var bytes: [UInt8] = []
    /// Set when the value cannot be written in one pass; the output is then discarded.
    var failed = false
    /// The serial number of the open container at each depth; writing to a container closes
    /// every deeper one.
    private var open: [Int] = []
    private var serial = 0

    init() { bytes.reserveCapacity(128) }

    // Scalars

    @inline(__always) func tag(_ t: BinaryCodec.Tag) { bytes.append(t.rawValue) }

    func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    func int(_ v: Int64) {
        tag(.int)
        varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    func uint(_ v: UInt64) {
        tag(.uint)
        varint(v)
    }

    func double(_ v: Double) {
        tag(.double)
        let bits = v.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    func bool(_ v: Bool) { tag(v ? .true : .false) }

    func rawString(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    func string(_ s: String) {
        tag(.string)
        rawString(s)
    }

    func byteString<C: Collection<UInt8>>(_ b: C) {
        tag(.bytes)
        varint(UInt64(b.count))
        bytes.append(contentsOf: b)
    }

    // Containers

    /// Opens a container at `depth` (writing its tag and a zero count) and returns its serial
    /// number and the offset of its count.
    func openContainer(_ t: BinaryCodec.Tag, depth: Int) -> (serial: Int, countAt: Int) {
        tag(t)
        let countAt = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0])
        serial += 1
        if open.count > depth { open.removeSubrange(depth...) }
        if open.count < depth { failed = true }
        open.append(serial)
        return (serial, countAt)
    }

    /// Called before a container writes an entry: true when it is still the innermost open
    /// container at its depth (deeper ones are closed by this write).
    func claim(serial: Int, depth: Int, countAt: Int) -> Bool {
        guard open.count > depth, open[depth] == serial else {
            failed = true
            return false
        }
        if open.count > depth + 1 { open.removeSubrange((depth + 1)...) }
        var count = UInt32(bytes[countAt]) | UInt32(bytes[countAt + 1]) << 8 | UInt32(bytes[countAt + 2]) << 16
            | UInt32(bytes[countAt + 3]) << 24
        count += 1
        bytes[countAt] = UInt8(truncatingIfNeeded: count)
        bytes[countAt + 1] = UInt8(truncatingIfNeeded: count >> 8)
        bytes[countAt + 2] = UInt8(truncatingIfNeeded: count >> 16)
        bytes[countAt + 3] = UInt8(truncatingIfNeeded: count >> 24)
        return true
    }

    /// Writes any value as the next item at `depth`: common types directly, others through
    /// their `encode(to:)`. A value that writes nothing becomes an empty map, as in JSON.
    func encodeValue<T: Encodable>(_ value: T, depth: Int) throws {
        // Metatype comparisons fold away in specialized code, unlike `as?` casts.
        if T.self == String.self { string(value as! String); return }
        if T.self == Int.self { int(Int64(value as! Int)); return }
        if T.self == Bool.self { bool(value as! Bool); return }
        if T.self == Data.self { byteString(value as! Data); return }
        if T.self == [UInt8].self { byteString(value as! [UInt8]); return }
        if T.self == Double.self { double(value as! Double); return }
        let start = bytes.count
        try value.encode(to: BinaryValueEncoder(self, depth: depth))
        if bytes.count == start {
            _ = openContainer(.map, depth: depth)
        }
    }
}

/// The encoder for one value at one depth. Also its own single-value container.
final class BinaryValueEncoder: Encoder, SingleValueEncodingContainer {
    let writer: BinaryWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// The container this value opened, so a second request for it returns the same one.
    private var keyed: (serial: Int, countAt: Int)?
    private var unkeyed: (serial: Int, countAt: Int)?
    private var wroteSingle = false

    init(_ writer: BinaryWriter, depth: Int) {
        self.writer = writer
        self.depth = depth
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if keyed == nil {
            if unkeyed != nil || wroteSingle { writer.failed = true }
            keyed = writer.openContainer(.map, depth: depth)
        }
        return KeyedEncodingContainer(BinaryKeyedEncoder<Key>(writer, depth: depth, serial: keyed!.serial, countAt: keyed!.countAt))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if unkeyed == nil {
            if keyed != nil || wroteSingle { writer.failed = true }
            unkeyed = writer.openContainer(.array, depth: depth)
        }
        return BinaryUnkeyedEncoder(writer, depth: depth, serial: unkeyed!.serial, countAt: unkeyed!.countAt)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    /// One value per single-value container.
    private func single() {
        if wroteSingle || keyed != nil || unkeyed != nil { writer.failed = true }
        wroteSingle = true
    }

    func encodeNil() throws { single(); writer.tag(.null) }
    func encode(_ value: Bool) throws { single(); writer.bool(value) }
    func encode(_ value: String) throws { single(); writer.string(value) }
    func encode(_ value: Double) throws { single(); writer.double(value) }
    func encode(_ value: Float) throws { single(); writer.double(Double(value)) }
    func encode(_ value: Int) throws { single(); writer.int(Int64(value)) }
    func encode(_ value: Int8) throws { single(); writer.int(Int64(value)) }
    func encode(_ value: Int16) throws { single(); writer.int(Int64(value)) }
    func encode(_ value: Int32) throws { single(); writer.int(Int64(value)) }
    func encode(_ value: Int64) throws { single(); writer.int(value) }
    func encode(_ value: UInt) throws { single(); writer.uint(UInt64(value)) }
    func encode(_ value: UInt8) throws { single(); writer.uint(UInt64(value)) }
    func encode(_ value: UInt16) throws { single(); writer.uint(UInt64(value)) }
    func encode(_ value: UInt32) throws { single(); writer.uint(UInt64(value)) }
    func encode(_ value: UInt64) throws { single(); writer.uint(value) }
    func encode<T: Encodable>(_ value: T) throws {
        // The nested value is written by this same encoder, as JSONEncoder does.
        if T.self == Data.self { single(); writer.byteString(value as! Data); return }
        if T.self == [UInt8].self { single(); writer.byteString(value as! [UInt8]); return }
        try value.encode(to: self)
    }
}

struct BinaryKeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: BinaryWriter
    let depth: Int
    let serial: Int
    let countAt: Int
    var codingPath: [any CodingKey] { [] }

    init(_ writer: BinaryWriter, depth: Int, serial: Int, countAt: Int) {
        self.writer = writer
        self.depth = depth
        self.serial = serial
        self.countAt = countAt
    }

    /// Starts an entry: checks the order, counts it and writes the key.
    private func entry(_ key: Key) -> Bool {
        guard writer.claim(serial: serial, depth: depth, countAt: countAt) else { return false }
        writer.rawString(key.stringValue)
        return true
    }

    mutating func encodeNil(forKey key: Key) throws { if entry(key) { writer.tag(.null) } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { if entry(key) { writer.bool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { if entry(key) { writer.string(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { if entry(key) { writer.double(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { if entry(key) { writer.double(Double(value)) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { if entry(key) { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { if entry(key) { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { if entry(key) { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { if entry(key) { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { if entry(key) { writer.int(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { if entry(key) { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { if entry(key) { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { if entry(key) { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { if entry(key) { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { if entry(key) { writer.uint(value) } }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if entry(key) { try writer.encodeValue(value, depth: depth + 1) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        _ = entry(key)
        let (serial, countAt) = writer.openContainer(.map, depth: depth + 1)
        return KeyedEncodingContainer(BinaryKeyedEncoder<NestedKey>(writer, depth: depth + 1, serial: serial, countAt: countAt))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        _ = entry(key)
        let (serial, countAt) = writer.openContainer(.array, depth: depth + 1)
        return BinaryUnkeyedEncoder(writer, depth: depth + 1, serial: serial, countAt: countAt)
    }

    mutating func superEncoder() -> any Encoder {
        writer.failed = true  // not expressible in one pass; the value goes out as JSON
        return BinaryValueEncoder(writer, depth: depth + 1)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.failed = true
        return BinaryValueEncoder(writer, depth: depth + 1)
    }
}

struct BinaryUnkeyedEncoder: UnkeyedEncodingContainer {
    let writer: BinaryWriter
    let depth: Int
    let serial: Int
    let countAt: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(_ writer: BinaryWriter, depth: Int, serial: Int, countAt: Int) {
        self.writer = writer
        self.depth = depth
        self.serial = serial
        self.countAt = countAt
    }

    private mutating func item() -> Bool {
        count += 1
        return writer.claim(serial: serial, depth: depth, countAt: countAt)
    }

    mutating func encodeNil() throws { if item() { writer.tag(.null) } }
    mutating func encode(_ value: Bool) throws { if item() { writer.bool(value) } }
    mutating func encode(_ value: String) throws { if item() { writer.string(value) } }
    mutating func encode(_ value: Double) throws { if item() { writer.double(value) } }
    mutating func encode(_ value: Float) throws { if item() { writer.double(Double(value)) } }
    mutating func encode(_ value: Int) throws { if item() { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int8) throws { if item() { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int16) throws { if item() { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int32) throws { if item() { writer.int(Int64(value)) } }
    mutating func encode(_ value: Int64) throws { if item() { writer.int(value) } }
    mutating func encode(_ value: UInt) throws { if item() { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt8) throws { if item() { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt16) throws { if item() { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt32) throws { if item() { writer.uint(UInt64(value)) } }
    mutating func encode(_ value: UInt64) throws { if item() { writer.uint(value) } }
    mutating func encode<T: Encodable>(_ value: T) throws {
        if item() { try writer.encodeValue(value, depth: depth + 1) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        _ = item()
        let (serial, countAt) = writer.openContainer(.map, depth: depth + 1)
        return KeyedEncodingContainer(BinaryKeyedEncoder<NestedKey>(writer, depth: depth + 1, serial: serial, countAt: countAt))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        _ = item()
        let (serial, countAt) = writer.openContainer(.array, depth: depth + 1)
        return BinaryUnkeyedEncoder(writer, depth: depth + 1, serial: serial, countAt: countAt)
    }

    mutating func superEncoder() -> any Encoder {
        writer.failed = true
        return BinaryValueEncoder(writer, depth: depth + 1)
    }
}

// MARK: - Decoding

/// The input bytes and the primitive readers, all bounds-checked.
final class BinaryReader {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func byte(_ at: Int) throws -> UInt8 {
        guard at < bytes.count else { throw BinaryCodecError("truncated body") }
        return bytes[at]
    }

    /// A varint at `at`: its value and the offset after it.
    func varint(_ at: Int) throws -> (UInt64, Int) {
        var value: UInt64 = 0, shift: UInt64 = 0, at = at
        while true {
            let b = try byte(at)
            at += 1
            guard shift < 64 else { throw BinaryCodecError("varint too long") }
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return (value, at) }
            shift += 7
        }
    }

    func u32(_ at: Int) throws -> Int {
        guard at + 4 <= bytes.count else { throw BinaryCodecError("truncated body") }
        return Int(UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
    }

    /// A length-prefixed run at `at`: its range and the offset after it.
    func run(_ at: Int) throws -> (Range<Int>, Int) {
        let (n, start) = try varint(at)
        guard n <= UInt64(bytes.count - start) else { throw BinaryCodecError("truncated body") }
        let end = start + Int(n)
        return (start..<end, end)
    }

    func tag(_ at: Int) throws -> BinaryCodec.Tag {
        guard let t = BinaryCodec.Tag(rawValue: try byte(at)) else { throw BinaryCodecError("unknown tag \(bytes[at])") }
        return t
    }

    /// The offset just past the value at `at`. Nesting deeper than `BinaryCodec.maxDepth` is
    /// refused: skipping recurses, and a hostile body of nested arrays would overflow the stack.
    func skip(_ at: Int, depth: Int = 0) throws -> Int {
        guard depth < BinaryCodec.maxDepth else { throw BinaryCodecError("nesting too deep") }
        switch try tag(at) {
        case .null, .false, .true: return at + 1
        case .int, .uint: return try varint(at + 1).1
        case .double:
            guard at + 9 <= bytes.count else { throw BinaryCodecError("truncated body") }
            return at + 9
        case .string, .bytes: return try run(at + 1).1
        case .array:
            var next = at + 5
            for _ in 0..<(try u32(at + 1)) { next = try skip(next, depth: depth + 1) }
            return next
        case .map:
            var next = at + 5
            for _ in 0..<(try u32(at + 1)) { next = try skip(try run(next).1, depth: depth + 1) }
            return next
        }
    }

    func string(_ range: Range<Int>) throws -> String {
        guard let s = String(validating: bytes[range], as: UTF8.self) else { throw BinaryCodecError("string is not UTF-8") }
        return s
    }

    // Primitive values, with the numeric conversions JSON allows (exact only).

    func isNull(_ at: Int) throws -> Bool { try tag(at) == .null }

    func bool(_ at: Int) throws -> Bool {
        switch try tag(at) {
        case .true: return true
        case .false: return false
        default: throw BinaryCodecError("expected a boolean")
        }
    }

    func string(at: Int) throws -> String {
        guard try tag(at) == .string else { throw BinaryCodecError("expected a string") }
        return try string(try run(at + 1).0)
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type, _ at: Int) throws -> T {
        let result: T?
        switch try tag(at) {
        case .int:
            let z = try varint(at + 1).0
            result = T(exactly: Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
        case .uint:
            result = T(exactly: try varint(at + 1).0)
        case .double:
            result = T(exactly: try double(at))
        default:
            throw BinaryCodecError("expected a number")
        }
        guard let result else { throw BinaryCodecError("number does not fit \(T.self)") }
        return result
    }

    func double(_ at: Int) throws -> Double {
        switch try tag(at) {
        case .double:
            guard at + 9 <= bytes.count else { throw BinaryCodecError("truncated body") }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(bytes[at + 1 + i]) << UInt64(8 * i) }
            return Double(bitPattern: bits)
        case .int:
            let z = try varint(at + 1).0
            return Double(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
        case .uint:
            return Double(try varint(at + 1).0)
        default:
            throw BinaryCodecError("expected a number")
        }
    }

    func byteString(_ at: Int) throws -> ArraySlice<UInt8> {
        switch try tag(at) {
        case .bytes: return bytes[try run(at + 1).0]
        case .array:
            // A byte array written through its own encode(to:) (e.g. nested in another type).
            var out: [UInt8] = []
            var next = at + 5
            for _ in 0..<(try u32(at + 1)) {
                out.append(try integer(UInt8.self, next))
                next = try skip(next)
            }
            return out[...]
        default: throw BinaryCodecError("expected bytes")
        }
    }

    /// Decodes any value at `at`: common types directly, others through their `init(from:)`.
    func decodeValue<T: Decodable>(_ type: T.Type, at: Int) throws -> T {
        if T.self == String.self { return try string(at: at) as! T }
        if T.self == Int.self { return try integer(Int.self, at) as! T }
        if T.self == Bool.self { return try bool(at) as! T }
        if T.self == Data.self { return Data(try byteString(at)) as! T }
        if T.self == [UInt8].self { return Array(try byteString(at)) as! T }
        if T.self == Double.self { return try double(at) as! T }
        return try T(from: BinaryValueDecoder(self, at: at))
    }
}

/// The decoder for the value at one offset. Also its own single-value container.
struct BinaryValueDecoder: Decoder, SingleValueDecodingContainer {
    let reader: BinaryReader
    let at: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ reader: BinaryReader, at: Int) {
        self.reader = reader
        self.at = at
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(try BinaryKeyedDecoder<Key>(reader, at: at))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { try BinaryUnkeyedDecoder(reader, at: at) }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { (try? reader.isNull(at)) ?? false }
    func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(at) }
    func decode(_ type: String.Type) throws -> String { try reader.string(at: at) }
    func decode(_ type: Double.Type) throws -> Double { try reader.double(at) }
    func decode(_ type: Float.Type) throws -> Float { Float(try reader.double(at)) }
    func decode(_ type: Int.Type) throws -> Int { try reader.integer(type, at) }
    func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(type, at) }
    func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(type, at) }
    func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(type, at) }
    func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(type, at) }
    func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(type, at) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(type, at) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(type, at) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(type, at) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(type, at) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Data.self || T.self == [UInt8].self { return try reader.decodeValue(type, at: at) }
        return try T(from: self)
    }
}

struct BinaryKeyedDecoder<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let reader: BinaryReader
    /// Each entry's key (as a range of the input) and the offset of its value.
    private let entries: [(key: Range<Int>, value: Int)]
    /// For big maps (dictionaries), the value offsets by key; small ones are scanned.
    private let index: [String: Int]?
    var codingPath: [any CodingKey] { [] }

    init(_ reader: BinaryReader, at: Int) throws {
        guard try reader.tag(at) == .map else { throw BinaryCodecError("expected a map") }
        self.reader = reader
        let count = try reader.u32(at + 1)
        var entries: [(key: Range<Int>, value: Int)] = []
        entries.reserveCapacity(min(count, 1024))
        var next = at + 5
        for _ in 0..<count {
            let (key, value) = try reader.run(next)
            entries.append((key, value))
            next = try reader.skip(value)
        }
        self.entries = entries
        if count > 16 {
            var index: [String: Int] = [:]
            index.reserveCapacity(count)
            for entry in entries { index[try reader.string(entry.key)] = entry.value }
            self.index = index
        } else {
            index = nil
        }
    }

    var allKeys: [Key] { entries.compactMap { (try? reader.string($0.key)).flatMap(Key.init(stringValue:)) } }

    /// The offset of `key`'s value, if present.
    private func find(_ key: Key) -> Int? {
        if let index { return index[key.stringValue] }
        var name = key.stringValue
        return name.withUTF8 { utf8 -> Int? in
            reader.bytes.withUnsafeBufferPointer { all -> Int? in
                for entry in entries where entry.key.count == utf8.count {
                    if utf8.count == 0 || memcmp(all.baseAddress! + entry.key.lowerBound, utf8.baseAddress!, utf8.count) == 0 {
                        return entry.value
                    }
                }
                return nil
            }
        }
    }

    private func value(_ key: Key) throws -> Int {
        guard let at = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no value for key \(key.stringValue)"))
        }
        return at
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { try reader.isNull(try value(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reader.bool(try value(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try reader.string(at: try value(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try reader.double(try value(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try reader.double(try value(key))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try reader.integer(type, try value(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try reader.integer(type, try value(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try reader.integer(type, try value(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try reader.integer(type, try value(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try reader.integer(type, try value(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try reader.integer(type, try value(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try reader.integer(type, try value(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try reader.integer(type, try value(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try reader.integer(type, try value(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try reader.integer(type, try value(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reader.decodeValue(type, at: try value(key)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try BinaryKeyedDecoder<NestedKey>(reader, at: try value(key)))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecoder(reader, at: try value(key))
    }

    func superDecoder() throws -> any Decoder { throw BinaryCodecError("super decoders are not supported") }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw BinaryCodecError("super decoders are not supported") }
}

struct BinaryUnkeyedDecoder: UnkeyedDecodingContainer {
    let reader: BinaryReader
    let count: Int?
    private(set) var currentIndex = 0
    /// The offset of the next item.
    private var next: Int
    var codingPath: [any CodingKey] { [] }
    var isAtEnd: Bool { currentIndex >= count! }

    init(_ reader: BinaryReader, at: Int) throws {
        guard try reader.tag(at) == .array else { throw BinaryCodecError("expected an array") }
        self.reader = reader
        count = try reader.u32(at + 1)
        next = at + 5
    }

    /// The offset of the next item, moving past it.
    private mutating func advance() throws -> Int {
        guard !isAtEnd else { throw BinaryCodecError("no more items in the array") }
        let at = next
        next = try reader.skip(at)
        currentIndex += 1
        return at
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw BinaryCodecError("no more items in the array") }
        if try reader.isNull(next) {
            _ = try advance()
            return true
        }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(try advance()) }
    mutating func decode(_ type: String.Type) throws -> String { try reader.string(at: try advance()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try reader.double(try advance()) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try reader.double(try advance())) }
    mutating func decode(_ type: Int.Type) throws -> Int { try reader.integer(type, try advance()) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try reader.integer(type, try advance()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try reader.integer(type, try advance()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try reader.integer(type, try advance()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try reader.integer(type, try advance()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try reader.integer(type, try advance()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.integer(type, try advance()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.integer(type, try advance()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.integer(type, try advance()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.integer(type, try advance()) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.decodeValue(type, at: try advance()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(try BinaryKeyedDecoder<NestedKey>(reader, at: try advance()))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try BinaryUnkeyedDecoder(reader, at: try advance())
    }

    mutating func superDecoder() throws -> any Decoder { throw BinaryCodecError("super decoders are not supported") }
}
