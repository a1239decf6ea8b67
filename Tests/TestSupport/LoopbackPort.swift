import Foundation

/// Loopback ports for the servers tests start (PDS, PLC directory, moto, SMTP sink).
public enum LoopbackPort {
    /// A TCP port on 127.0.0.1 that nobody is listening on right now (the kernel's pick for
    /// port 0, released again at once).
    public static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackPortError() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in bind(fd, p, length) == 0 && getsockname(fd, p, &length) == 0 }
        }
        guard bound else { throw LoopbackPortError() }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// No loopback port could be bound.
public struct LoopbackPortError: Error, CustomStringConvertible {
    public var description: String { "cannot bind a free port on 127.0.0.1" }
}
