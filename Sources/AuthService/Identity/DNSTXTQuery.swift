import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal DNS client for one thing: the TXT records of a name, asked over UDP of the first
/// `nameserver` in /etc/resolv.conf with a 2-second deadline. Enough for `_atproto.<handle>`;
/// no TCP fallback (a truncated answer counts as none) and no DNSSEC.
public enum DNSTXTQuery {
    static let queue = DispatchQueue(label: "pdswift.dns", attributes: .concurrent)

    /// The TXT strings of `name` (each record's character-strings joined), or none.
    public static func lookup(_ name: String) async -> [String] {
        guard let server = nameserver() else { return [] }
        // Blocking socket calls run on a dispatch queue, off the cooperative pool.
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: query(name, server: server)) }
        }
    }

    /// The first IPv4 `nameserver` of /etc/resolv.conf.
    static func nameserver() -> String? {
        guard let text = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, fields[0] == "nameserver", fields[1].contains(".") { return String(fields[1]) }
        }
        return nil
    }

    /// The query message: header (random id, recursion desired, one question), QNAME, TXT, IN.
    static func message(for name: String, id: UInt16) -> [UInt8]? {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            let utf8 = Array(label.utf8)
            guard !utf8.isEmpty, utf8.count < 64 else { return nil }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes += [0, 0, 16, 0, 1]
        return bytes
    }

    static func query(_ name: String, server: String) -> [String] {
        let id = UInt16.random(in: 0...UInt16.max)
        guard let request = message(for: name, id: id) else { return [] }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(53).bigEndian
        guard inet_pton(AF_INET, server, &address.sin_addr) == 1 else { return [] }
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, request, request.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard sent == request.count else { return [] }
        var reply = [UInt8](repeating: 0, count: 4096)
        let received = recv(fd, &reply, reply.count, 0)
        guard received > 12 else { return [] }
        return parse(Array(reply[0..<received]), id: id)
    }

    /// The TXT answers of a reply to query `id`; anything malformed gives none.
    static func parse(_ m: [UInt8], id: UInt16) -> [String] {
        guard m.count >= 12, UInt16(m[0]) << 8 | UInt16(m[1]) == id, m[2] & 0x80 != 0, m[3] & 0x0f == 0, m[2] & 0x02 == 0 else { return [] }
        let questions = Int(m[4]) << 8 | Int(m[5]), answers = Int(m[6]) << 8 | Int(m[7])
        var at = 12
        func skipName() -> Bool {
            while at < m.count {
                let length = Int(m[at])
                if length == 0 { at += 1; return true }
                if length & 0xc0 == 0xc0 { at += 2; return at <= m.count }
                at += 1 + length
            }
            return false
        }
        for _ in 0..<questions { guard skipName() else { return [] }; at += 4 }
        var texts: [String] = []
        for _ in 0..<answers {
            guard skipName(), at + 10 <= m.count else { return texts }
            let type = Int(m[at]) << 8 | Int(m[at + 1])
            let length = Int(m[at + 8]) << 8 | Int(m[at + 9])
            at += 10
            guard at + length <= m.count else { return texts }
            if type == 16 {
                var text: [UInt8] = [], p = at
                while p < at + length {
                    let n = Int(m[p])
                    guard p + 1 + n <= at + length else { break }
                    text += m[(p + 1)..<(p + 1 + n)]
                    p += 1 + n
                }
                texts.append(String(decoding: text, as: UTF8.self))
            }
            at += length
        }
        return texts
    }
}
