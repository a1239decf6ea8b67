import Foundation

/// A request or response carrying bulk bytes (blob pieces). Its body is not pure JSON: it is a
/// u32 big-endian length, the JSON of the value with `bulk` emptied, then `bulk` raw. Base64
/// inside JSON would make every byte a third larger and cost several passes over it on each
/// side; this way the bytes are only copied. Both ends know a method's types, so they agree.
public protocol RPCBulkBody: Codable, Sendable {
    /// The bytes carried after the JSON header.
    var bulk: Data { get set }
}

extension RPCBulkBody {
    func encodeBulk() throws -> [UInt8] {
        var header = self
        header.bulk = Data()
        let json = try JSONEncoder().encode(header)
        var out = [UInt8]()
        out.reserveCapacity(4 + json.count + bulk.count)
        withUnsafeBytes(of: UInt32(json.count).bigEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: json)
        out.append(contentsOf: bulk)
        return out
    }

    static func decodeBulk(_ bytes: [UInt8]) throws -> Self {
        guard bytes.count >= 4 else { throw IPCError.malformed("bulk body shorter than its header length") }
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard bytes.count >= 4 + length else { throw IPCError.malformed("bulk body shorter than its header") }
        var value = try JSONDecoder().decode(Self.self, from: Data(bytes[4..<(4 + length)]))
        value.bulk = Data(bytes[(4 + length)...])
        return value
    }
}
