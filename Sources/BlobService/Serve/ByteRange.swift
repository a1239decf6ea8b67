import Foundation

/// A single byte range of an HTTP `Range` request (RFC 9110 §14.1), resolved against a size.
public struct ByteRange: Sendable, Equatable {
    /// What the client asked for, before the blob's size is known.
    public enum Request: Sendable, Equatable {
        /// `bytes=first-` or `bytes=first-last`.
        case from(Int64, through: Int64?)
        /// `bytes=-n`: the last n bytes.
        case suffix(Int64)
    }

    /// First byte served.
    public let offset: Int64
    /// Number of bytes served (at least 1).
    public let length: Int64

    public init(offset: Int64, length: Int64) {
        self.offset = offset
        self.length = length
    }

    /// Parses a `Range` header. Anything but one well-formed `bytes` range gives nil, which
    /// means "serve the whole blob" — RFC 9110 lets a server ignore a Range it won't honour,
    /// and a single range is all video players ask for.
    public static func parse(header: String) -> Request? {
        let v = header.trimmingCharacters(in: .whitespaces)
        guard v.lowercased().hasPrefix("bytes=") else { return nil }
        let spec = v.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let a = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let b = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        func number(_ s: String) -> Int64? { s.allSatisfy(\.isASCIIDigitChar) && !s.isEmpty ? Int64(s) : nil }
        if a.isEmpty {
            guard let n = number(b) else { return nil }
            return .suffix(n)
        }
        guard let first = number(a) else { return nil }
        if b.isEmpty { return .from(first, through: nil) }
        guard let last = number(b), last >= first else { return nil }
        return .from(first, through: last)
    }

    /// The bytes of a blob of `size` the request selects; `RangeNotSatisfiable` (416) when none.
    public static func resolve(_ request: Request, size: Int64) throws(BlobError) -> ByteRange {
        switch request {
        case let .from(first, last):
            guard first < size else { throw .rangeNotSatisfiable(size: size) }
            let end = min(last ?? (size - 1), size - 1)
            return ByteRange(offset: first, length: end - first + 1)
        case let .suffix(n):
            guard n > 0, size > 0 else { throw .rangeNotSatisfiable(size: size) }
            let length = min(n, size)
            return ByteRange(offset: size - length, length: length)
        }
    }

    /// The `Content-Range` value for this range of a blob of `size`.
    public func contentRange(size: Int64) -> String { "bytes \(offset)-\(offset + length - 1)/\(size)" }
}

extension Character {
    fileprivate var isASCIIDigitChar: Bool { isASCII && isNumber }
}
