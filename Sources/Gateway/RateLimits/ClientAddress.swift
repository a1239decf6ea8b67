import HTTPTypes
import NIOCore

/// The client a request counts against for per-IP limits.
enum ClientAddress {
    /// The peer's IP; when the peer is itself on a loopback or private address (the reverse
    /// proxy of `compose/`, Caddy), the last `X-Forwarded-For` entry, which that proxy added.
    /// Earlier entries are the client's own claims and are ignored.
    static func of(peer: SocketAddress?, headers: HTTPFields) -> String {
        let peerIP = peer?.ipAddress ?? "unknown"
        if isLocal(peerIP), let forwarded = headers[HTTPField.Name("X-Forwarded-For")!],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return peerIP
    }

    static func isLocal(_ ip: String) -> Bool {
        if ip == "unknown" || ip == "::1" || ip.hasPrefix("127.") || ip.hasPrefix("10.") || ip.hasPrefix("192.168.")
            || ip.hasPrefix("fc") || ip.hasPrefix("fd") || ip.hasPrefix("::ffff:127.") { return true }
        let parts = ip.split(separator: ".")
        if parts.count == 4, parts[0] == "172", let second = Int(parts[1]), (16...31).contains(second) { return true }
        return false
    }
}
