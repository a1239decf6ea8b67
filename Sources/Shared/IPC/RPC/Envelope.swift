/// The one frame every request and reply travels in.
///
/// Layout (all integers big-endian): version `1` (u8), kind (u8: 0 request, 1 reply, 2 error),
/// request id (u64), method name (u16 length + UTF-8), error name (u16 length + UTF-8),
/// error message (u32 length + UTF-8), then the body to the end of the frame. The body is the
/// method's request or response type as `RPCCodec` encodes it (binary, or JSON as a fallback); an
/// error carries no body.
public struct Envelope: Sendable, Equatable {
    /// What an envelope carries.
    public enum Kind: UInt8, Sendable {
        case request = 0
        case reply = 1
        case error = 2
    }

    public var kind: Kind
    public var id: UInt64
    public var method: String
    public var errorName: String
    public var errorMessage: String
    public var body: [UInt8]

    public init(kind: Kind, id: UInt64, method: String, errorName: String = "", errorMessage: String = "", body: [UInt8] = []) {
        self.kind = kind
        self.id = id
        self.method = method
        self.errorName = errorName
        self.errorMessage = errorMessage
        self.body = body
    }

    static let version: UInt8 = 1

    /// The frame bytes.
    public func encoded() -> [UInt8] {
        let method = Array(self.method.utf8), name = Array(errorName.utf8), message = Array(errorMessage.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(18 + method.count + name.count + message.count + body.count)
        out.append(Self.version)
        out.append(kind.rawValue)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: id >> UInt64(shift))) }
        out.append(UInt8(truncatingIfNeeded: method.count >> 8)); out.append(UInt8(truncatingIfNeeded: method.count))
        out += method
        out.append(UInt8(truncatingIfNeeded: name.count >> 8)); out.append(UInt8(truncatingIfNeeded: name.count))
        out += name
        for shift in [24, 16, 8, 0] { out.append(UInt8(truncatingIfNeeded: message.count >> shift)) }
        out += message
        out += body
        return out
    }

    /// Parses a frame, rejecting anything truncated or of another version.
    public init(decoding frame: [UInt8]) throws(IPCError) {
        var at = 0
        func take(_ n: Int) throws(IPCError) -> ArraySlice<UInt8> {
            guard n >= 0, frame.count - at >= n else { throw IPCError.malformed("truncated envelope") }
            defer { at += n }
            return frame[at..<at + n]
        }
        func number(_ n: Int) throws(IPCError) -> UInt64 {
            try take(n).reduce(0) { $0 << 8 | UInt64($1) }
        }
        func string(_ n: Int) throws(IPCError) -> String {
            let bytes = try take(n)
            guard let s = String(validating: bytes, as: UTF8.self) else { throw IPCError.malformed("envelope text is not UTF-8") }
            return s
        }
        guard try number(1) == UInt64(Self.version) else { throw IPCError.malformed("unknown envelope version") }
        guard let kind = Kind(rawValue: UInt8(try number(1))) else { throw IPCError.malformed("unknown envelope kind") }
        self.kind = kind
        id = try number(8)
        method = try string(Int(try number(2)))
        errorName = try string(Int(try number(2)))
        errorMessage = try string(Int(try number(4)))
        body = Array(frame[at...])
    }
}
