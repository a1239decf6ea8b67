import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `Expect: 100-continue` (curl sends it for large uploads): the gateway answers `100 Continue`
/// before the body is sent, then the real response after it.
@Suite struct ExpectContinueTests {
    /// A blocking loopback TCP connection with a receive timeout, so a missing answer fails the
    /// test instead of hanging it.
    final class Connection {
        let fd: Int32
        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            guard connected else { close(fd); throw TestFailure("cannot connect to port \(port)") }
        }
        deinit { close(fd) }

        func send(_ bytes: [UInt8]) {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                sent += n
            }
        }

        /// Reads until `terminator` has been seen (or the peer closes / the timeout passes).
        func read(until terminator: String) -> String {
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: data, as: UTF8.self).contains(terminator) {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    @Test func uploadWithExpectContinueGetsAnInterimAnswer() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let account = try #require(await HTTP.post(pds.baseURL + "/xrpc/com.atproto.server.createAccount", body: try JSONSerialization.data(
            withJSONObject: ["handle": "expect.test", "password": "pw-expect-123", "email": "expect@example.com"])))
        try #require(account.status == 200, "\(String(decoding: account.body, as: UTF8.self))")
        let token = try #require(account.json?["accessJwt"] as? String)

        let body = [UInt8](repeating: 0x61, count: 2 << 20)
        let connection = try Connection(port: pds.port)
        connection.send(Array(("POST /xrpc/com.atproto.repo.uploadBlob HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Authorization: Bearer \(token)\r\nContent-Type: text/plain\r\nContent-Length: \(body.count)\r\n"
            + "Expect: 100-continue\r\n\r\n").utf8))
        let interim = connection.read(until: "\r\n\r\n")
        #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n"), "no interim answer before the body: \(interim)")
        connection.send(body)
        let final = connection.read(until: "}}")
        #expect(final.contains("HTTP/1.1 200 OK"), "\(final)")
        #expect(final.contains("\"size\":\(body.count)"), "\(final)")
    }
}
