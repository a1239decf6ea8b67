/// A strict RFC 8259 JSON reader producing atproto data-model values.
///
/// Written here rather than using JSONSerialization so that numbers keep their exact
/// integer meaning, booleans never turn into 0/1, depth is bounded, and the `$link` /
/// `$bytes` conventions are applied as objects close.
public enum DataModelJSON {
    /// Parses JSON text into a data-model value, applying atproto's JSON conventions.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 128) throws(IPLDError) -> DataValue {
        try bytes.withUnsafeBufferPointer { (buf) throws(IPLDError) -> DataValue in
            var reader = JSONTextReader(buf: buf, pos: 0, maxDepth: maxDepth)
            reader.skipWhitespace()
            let value = try reader.readValue(depth: 0)
            reader.skipWhitespace()
            guard reader.pos == buf.count else { throw IPLDError(.json, "trailing characters after JSON value") }
            return value
        }
    }

    /// Parses JSON text given as a string.
    public static func parse(_ text: String) throws(IPLDError) -> DataValue {
        try parse(Array(text.utf8))
    }
}

struct JSONTextReader {
    let buf: UnsafeBufferPointer<UInt8>
    var pos: Int
    let maxDepth: Int

    mutating func skipWhitespace() {
        while pos < buf.count {
            switch buf[pos] {
            case 0x20, 0x09, 0x0a, 0x0d: pos += 1
            default: return
            }
        }
    }

    func fail(_ message: String) -> IPLDError { IPLDError(.json, "\(message) at offset \(pos)") }

    mutating func expect(_ literal: StaticString) throws(IPLDError) {
        let n = literal.utf8CodeUnitCount
        guard buf.count - pos >= n else { throw fail("unexpected end of JSON") }
        let lit = UnsafeBufferPointer(start: literal.utf8Start, count: n)
        for i in 0..<n where buf[pos + i] != lit[i] { throw fail("invalid literal") }
        pos += n
    }

    mutating func readValue(depth: Int) throws(IPLDError) -> DataValue {
        guard pos < buf.count else { throw fail("unexpected end of JSON") }
        switch buf[pos] {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw fail("nesting too deep") }
            return try readObject(depth: depth)
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw fail("nesting too deep") }
            pos += 1
            var items = [DataValue]()
            skipWhitespace()
            if pos < buf.count, buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try readValue(depth: depth + 1))
                skipWhitespace()
                guard pos < buf.count else { throw fail("unterminated array") }
                if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if buf[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                throw fail("expected , or ]")
            }
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return .int(try readNumber())
        }
    }

    mutating func readObject(depth: Int) throws(IPLDError) -> DataValue {
        pos += 1
        var pairs = [(String, DataValue)]()
        var seen = Set<String>()
        skipWhitespace()
        if pos < buf.count, buf[pos] == UInt8(ascii: "}") {
            pos += 1
        } else {
            while true {
                skipWhitespace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: "\"") else { throw fail("expected object key") }
                let key = try readString()
                guard seen.insert(key).inserted else { throw fail("duplicate key \"\(key.prefix(64))\"") }
                skipWhitespace()
                guard pos < buf.count, buf[pos] == UInt8(ascii: ":") else { throw fail("expected :") }
                pos += 1
                skipWhitespace()
                pairs.append((key, try readValue(depth: depth + 1)))
                skipWhitespace()
                guard pos < buf.count else { throw fail("unterminated object") }
                if buf[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if buf[pos] == UInt8(ascii: "}") { pos += 1; break }
                throw fail("expected , or }")
            }
        }
        return try DataModel.fromJSONObject(pairs)
    }

    mutating func readNumber() throws(IPLDError) -> Int64 {
        let start = pos
        if pos < buf.count, buf[pos] == UInt8(ascii: "-") { pos += 1 }
        let intStart = pos
        while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 { pos += 1 }
        let intDigits = pos - intStart
        guard intDigits > 0 else { throw fail("invalid JSON value") }
        if intDigits > 1 && buf[intStart] == 0x30 { throw fail("leading zero in number") }
        var fractionIsZero = true
        var hasFractionOrExponent = false
        if pos < buf.count, buf[pos] == UInt8(ascii: ".") {
            hasFractionOrExponent = true
            pos += 1
            let fs = pos
            while pos < buf.count, buf[pos] >= 0x30, buf[pos] <= 0x39 {
                if buf[pos] != 0x30 { fractionIsZero = false }
                pos += 1
            }
            guard pos > fs else { throw fail("invalid number") }
        }
        if pos < buf.count, buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E") {
            // An exponent makes the value's integrality depend on arithmetic; refuse it as a float.
            throw IPLDError(.dataModel, "floats are not allowed in atproto data (offset \(start))")
        }
        guard !hasFractionOrExponent || fractionIsZero else {
            throw IPLDError(.dataModel, "floats are not allowed in atproto data (offset \(start))")
        }
        // Integer-like floats (123.0) are accepted as integers, as the reference does.
        var value: Int64 = 0
        let negative = buf[start] == UInt8(ascii: "-")
        for i in intStart..<(intStart + intDigits) {
            let d = Int64(buf[i] - 0x30)
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            guard !o1 && !o2 else { throw fail("integer out of 64-bit range") }
            value = a
        }
        return value
    }

    mutating func readHex4() throws(IPLDError) -> UInt16 {
        guard buf.count - pos >= 4 else { throw fail("truncated \\u escape") }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let c = buf[pos]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | UInt16(d)
            pos += 1
        }
        return v
    }

    mutating func readString() throws(IPLDError) -> String {
        pos += 1 // opening quote
        let start = pos
        // Fast path: no escapes.
        while pos < buf.count {
            let c = buf[pos]
            if c == UInt8(ascii: "\"") {
                guard let s = String(validating: UnsafeBufferPointer(rebasing: buf[start..<pos]), as: UTF8.self) else {
                    throw fail("invalid UTF-8 in string")
                }
                pos += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in string") }
            pos += 1
        }
        var bytes = Array(buf[start..<pos])
        while pos < buf.count {
            let c = buf[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                guard let s = String(validating: bytes, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                return s
            }
            if c < 0x20 { throw fail("control character in string") }
            if c != UInt8(ascii: "\\") { bytes.append(c); pos += 1; continue }
            pos += 1
            guard pos < buf.count else { break }
            let e = buf[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5c)
            case UInt8(ascii: "/"): bytes.append(0x2f)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0c)
            case UInt8(ascii: "n"): bytes.append(0x0a)
            case UInt8(ascii: "r"): bytes.append(0x0d)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try readHex4())
                if (0xD800..<0xDC00).contains(scalar) {
                    guard buf.count - pos >= 6, buf[pos] == UInt8(ascii: "\\"), buf[pos + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate")
                    }
                    pos += 2
                    let low = UInt32(try readHex4())
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("unpaired surrogate")
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                bytes.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }
}
