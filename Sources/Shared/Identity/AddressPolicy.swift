import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which network addresses handle resolution may contact. A handle is chosen by whoever
/// registers it, so without this check a handle pointing at 127.0.0.1 or 10.0.0.5 would make
/// the PDS probe its own host or private network (server-side request forgery).
public enum AddressPolicy {
    /// Whether `address` (IPv4 or IPv6 text) is loopback, private, link-local, unspecified or
    /// otherwise not on the public internet.
    public static func isNonPublic(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let b = withUnsafeBytes(of: v4.s_addr) { Array($0) } // network order
            switch (b[0], b[1]) {
            case (0, _), (10, _), (127, _): return true
            case (100, 64...127): return true          // carrier-grade NAT
            case (169, 254): return true               // link-local
            case (172, 16...31): return true
            case (192, 168): return true
            case (198, 18...19): return true           // benchmarking
            case (224...255, _): return true           // multicast, reserved, broadcast
            default: return false
            }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, address, &v6) == 1 else { return true } // not an address: refuse
        let b = withUnsafeBytes(of: v6) { Array($0) }
        if b[0..<15].allSatisfy({ $0 == 0 }) { return true }                  // :: and ::1
        if b[0] & 0xfe == 0xfc { return true }                               // fc00::/7 unique local
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return true }               // fe80::/10 link-local
        if b[0] == 0xff { return true }                                      // multicast
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff {  // ::ffff:a.b.c.d
            return isNonPublic("\(b[12]).\(b[13]).\(b[14]).\(b[15])")
        }
        return false
    }

    /// The addresses `host` resolves to (A and AAAA), through the system resolver.
    public static func lookup(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let n = node {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(n.pointee.ai_addr, n.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            node = n.pointee.ai_next
        }
        return addresses
    }
}
