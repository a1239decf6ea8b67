import Foundation

/// A plain-text mail as it goes over the wire in DATA (RFC 5322 headers, MIME, UTF-8).
struct SMTPMessage: Sendable {
    let from: String
    let to: String
    let subject: String
    let body: String
    var date = Date()
    var messageID = UUID().uuidString.lowercased()

    /// Addresses go into headers and the envelope verbatim, so they may not smuggle in line
    /// breaks or angle brackets.
    static func isSafeAddress(_ address: String) -> Bool {
        !address.isEmpty && address.contains("@") && !address.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" || $0 == " " })
    }

    /// Headers and body, CRLF line ends, dot-stuffed; the caller adds the final `.` line.
    var data: String {
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        var headers = [
            "From: \(from)",
            "To: \(to)",
            "Subject: \(Self.encodedHeader(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
        ]
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let text: [String]
        if body.allSatisfy(\.isASCII), lines.allSatisfy({ $0.utf8.count <= 998 }) {
            headers.append("Content-Transfer-Encoding: 7bit")
            text = lines.map(String.init)
        } else {
            // Servers without 8BITMIME may mangle 8-bit bytes; base64 always survives.
            headers.append("Content-Transfer-Encoding: base64")
            let encoded = Data(lines.joined(separator: "\r\n").utf8).base64EncodedString()
            text = stride(from: 0, to: encoded.count, by: 76).map { start in
                let a = encoded.index(encoded.startIndex, offsetBy: start)
                return String(encoded[a..<(encoded.index(a, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
            }
        }
        return (headers + [""] + text).map(Self.dotStuffed).joined(separator: "\r\n") + "\r\n"
    }

    /// A line starting with `.` gets a second one, so it cannot end DATA (RFC 5321 4.5.2).
    static func dotStuffed(_ line: String) -> String { line.hasPrefix(".") ? "." + line : line }

    /// RFC 2047 encoded-words (`=?UTF-8?B?...?=`) for non-ASCII text, each at most 75
    /// characters, folded onto continuation lines; ASCII passes unchanged. Line breaks are
    /// dropped either way (no header injection).
    static func encodedHeader(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard !flat.allSatisfy(\.isASCII) else { return flat }
        // 45 bytes of UTF-8 become 60 base64 characters, plus 12 of `=?UTF-8?B?` and `?=`.
        var words: [String] = [], chunk = Data()
        for character in flat {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(chunk.base64EncodedString())
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append(chunk.base64EncodedString()) }
        return words.map { "=?UTF-8?B?\($0)?=" }.joined(separator: "\r\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
