import Foundation

/// A decentralized identifier, `did:<method>:<identifier>`, per the atproto DID syntax.
///
/// `init(_:)` accepts any syntactically valid DID (the generic rules apply to every method, so
/// e.g. AT-URIs naming unknown methods still parse). `validatedForAtproto()` adds the rules for
/// the two methods atproto accounts may use, `did:plc` and `did:web`.
public struct DID: SyntaxValue {
    /// atproto caps DIDs at 2 KB so they can be stored and indexed cheaply.
    public static let maxLength = 2048

    /// The method-specific flavour of a DID.
    public enum Method: Hashable, Sendable {
        case plc
        case web
        case other(String)
    }

    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        if let problem = DID.problem(string) {
            throw SyntaxError(.did, input: string, message: problem)
        }
        self.string = string
    }

    /// Cheap check with no allocation on success.
    public static func isValid(_ string: String) -> Bool { problem(string) == nil }

    /// The method name, e.g. `plc`.
    public var method: String {
        let rest = string.utf8.dropFirst(4)
        let colon = rest.firstIndex(of: ASCII.colon)!
        return String(string[rest.startIndex..<colon])
    }

    /// Everything after `did:<method>:`.
    public var identifier: String {
        let rest = string.utf8.dropFirst(4)
        let colon = rest.firstIndex(of: ASCII.colon)!
        return String(string[string.utf8.index(after: colon)...])
    }

    /// The method as an enum, for switching.
    public var kind: Method {
        switch method {
        case "plc": .plc
        case "web": .web
        case let other: .other(other)
        }
    }

    /// For `did:web`, the decoded host (with `:port` if one was percent-encoded), else nil.
    public var webHost: String? {
        guard kind == .web else { return nil }
        let id = identifier
        guard let range = id.range(of: "%3A", options: .caseInsensitive) else { return id }
        return "\(id[..<range.lowerBound]):\(id[range.upperBound...])"
    }

    /// Returns self if the DID also satisfies the method-specific rules atproto requires for
    /// account DIDs: `did:plc` (24 base32 characters) or `did:web` (a bare hostname, optionally
    /// with a percent-encoded port; no paths).
    public func validatedForAtproto() throws(SyntaxError) -> DID {
        switch kind {
        case .plc:
            let id = identifier.utf8
            guard id.count == 24, id.allSatisfy({ ASCII.isLower($0) || ($0 >= 0x32 && $0 <= 0x37) }) else {
                throw SyntaxError(.did, input: string,
                                  message: "did:plc identifier must be 24 characters of base32 (a-z, 2-7)")
            }
        case .web:
            if let problem = DID.webProblem(identifier) {
                throw SyntaxError(.did, input: string, message: problem)
            }
        case .other(let name):
            throw SyntaxError(.did, input: string, message: "DID method \"\(name)\" is not supported by atproto")
        }
        return self
    }

    /// Cheap check combining `isValid` and the atproto method rules.
    public static func isValidForAtproto(_ string: String) -> Bool {
        guard let did = try? DID(string) else { return false }
        return (try? did.validatedForAtproto()) != nil
    }

    static func webProblem(_ id: String) -> String? {
        var host = Substring(id)
        if let range = id.range(of: "%3A", options: .caseInsensitive) {
            let port = id[range.upperBound...]
            guard !port.isEmpty, port.utf8.count <= 5, port.utf8.allSatisfy(ASCII.isDigit) else {
                return "did:web port must be digits"
            }
            host = id[..<range.lowerBound]
        }
        if host.utf8.count > 253 { return "did:web hostname longer than 253 characters" }
        return ASCII.withBytes(String(host)) { b -> String? in
            var start = 0
            for i in 0...b.count where i == b.count || b[i] == ASCII.dot {
                if let problem = ASCII.labelProblem(b, start, i) { return "did:web hostname: \(problem)" }
                start = i + 1
            }
            return nil
        }
    }

    /// `did:` + `[a-z]+` + `:` + `[A-Za-z0-9._:%-]+`, not ending in `:` or `%`, `%` followed by
    /// two hex digits, total at most 2048 bytes.
    static func problem(_ string: String) -> String? {
        ASCII.withBytes(string) { b -> String? in
            if b.count > maxLength { return "longer than \(maxLength) characters" }
            guard b.count >= 4, b[0] == 0x64, b[1] == 0x69, b[2] == 0x64, b[3] == ASCII.colon else {
                return "must start with \"did:\""
            }
            var i = 4
            while i < b.count, ASCII.isLower(b[i]) { i += 1 }
            if i == 4 { return "method must be one or more lower-case letters" }
            guard i < b.count, b[i] == ASCII.colon else {
                return "method must be lower-case letters followed by \":\""
            }
            i += 1
            if i == b.count { return "identifier is empty" }
            while i < b.count {
                let c = b[i]
                if c == ASCII.percent {
                    guard i + 2 < b.count, ASCII.isHex(b[i + 1]), ASCII.isHex(b[i + 2]) else {
                        return "\"%\" must be followed by two hex digits"
                    }
                    i += 3
                    continue
                }
                guard ASCII.isAlnum(c) || c == ASCII.dot || c == 0x5F || c == ASCII.colon || c == ASCII.hyphen else {
                    return "disallowed character in identifier"
                }
                i += 1
            }
            if b[b.count - 1] == ASCII.colon { return "must not end with \":\"" }
            return nil
        }
    }
}
