/// Matching of blob MIME types against a blob schema's `accept` list, where an entry is an
/// exact type (`image/png`), a wildcard subtype (`image/*`) or anything (`*/*`).
///
/// Compared byte by byte and case-insensitively (MIME types are), with no allocation.
enum MIMEPattern {
    static func accepts(_ patterns: [String], _ mimeType: String) -> Bool {
        patterns.contains { matches($0, mimeType) }
    }

    static func matches(_ pattern: String, _ mimeType: String) -> Bool {
        if pattern == "*/*" { return true }
        var p = pattern.utf8.makeIterator()
        var m = mimeType.utf8.makeIterator()
        while true {
            let pc = p.next(), mc = m.next()
            if pc == UInt8(ascii: "*") {
                // `type/*`: the type matched up to here and the pattern ended at the slash;
                // the MIME type needs a non-empty subtype.
                return p.next() == nil && mc != nil && mc != UInt8(ascii: "/")
            }
            guard let pc, let mc else { return pc == nil && mc == nil }
            if lower(pc) != lower(mc) { return false }
        }
    }

    /// A pattern is `*/*`, or `type/subtype` or `type/*` with non-empty ASCII parts.
    static func isValid(_ pattern: String) -> Bool {
        let parts = pattern.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return pattern.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f }
    }

    private static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5a ? c + 0x20 : c }
}
