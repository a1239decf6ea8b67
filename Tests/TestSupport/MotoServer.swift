import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import S3
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real S3-compatible server for the S3 tests (blob store, backups): `moto_server` (PyPI
/// `moto[server]`) on a free loopback port, found at `$PDSWIFT_MOTO_SERVER` or on `PATH`,
/// stopped when the test ends.
public struct MotoServer {
    public let process: Process
    public let port: Int
    public let bucket = "pdswift-test"
    public var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// The executable, or nil when there is none.
    public static let executable: String? = {
        let env = ProcessInfo.processInfo.environment
        if let p = env["PDSWIFT_MOTO_SERVER"], !p.isEmpty { return FileManager.default.isExecutableFile(atPath: p) ? p : nil }
        for dir in (env["PATH"] ?? "").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/moto_server") {
            return "\(dir)/moto_server"
        }
        return nil
    }()

    public static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    public static let skipReason = "moto_server not found on PATH or at $PDSWIFT_MOTO_SERVER (pip install 'moto[server]')"
    /// Run when moto is there, and always in CI, where its absence must fail, not skip.
    public static let shouldRun: Bool = {
        if executable == nil && !inCI { print("\(skipReason); S3 tests skipped") }
        return executable != nil || inCI
    }()

    /// Starts a server, runs `body` with it, stops it.
    public static func with(_ body: (MotoServer) async throws -> Void) async throws {
        guard let executable else {
            Issue.record("CI=true but \(skipReason)")
            return
        }
        let port = try LoopbackPort.free()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = MotoServer(process: process, port: port)
        do {
            try await server.waitUntilUp()
            try await server.createBucket()
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// SIGTERM, then SIGKILL: moto's threads serving our pooled keep-alive connections can
    /// hold its exit open indefinitely.
    public func stop() async {
        process.terminate()
        for _ in 0..<20 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The store config for this server's bucket, path style.
    public func config(secret: String = "test-secret", accessKey: String = "test-key", partSize: Int = S3Config.minimumPartSize) -> S3Config {
        S3Config(bucket: bucket, region: "us-east-1", endpoint: endpoint, forcePathStyle: true,
                 accessKeyID: accessKey, secretAccessKey: secret, partSize: partSize)
    }

    private func waitUntilUp() async throws {
        for _ in 0..<150 {
            var request = HTTPClientRequest(url: "\(endpoint.absoluteString)/moto-api/")
            request.method = .GET
            if let r = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)) {
                _ = try? await r.body.collect(upTo: 1 << 22)
                return
            }
            guard process.isRunning else { throw MotoError("moto_server exited with status \(process.terminationStatus)") }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw MotoError("moto_server did not answer on port \(port)")
    }

    private func createBucket() async throws {
        let r = try await S3Client(config: config()).send("CreateBucket", method: .PUT, key: "", headers: [])
        guard r.status.code == 200 else { throw MotoError("CreateBucket: HTTP \(r.status.code)") }
        _ = try await r.body.collect(upTo: 1 << 20)
    }

    /// Sends a form-encoded IAM query call (moto routes it by the signed service name).
    public func iam(_ params: [(String, String)]) async throws -> String {
        let body = (params + [("Version", "2010-05-08")])
            .map { "\(SigV4.uriEncode($0.0, encodeSlash: true))=\(SigV4.uriEncode($0.1, encodeSlash: true))" }.joined(separator: "&")
        let signer = SigV4(accessKeyID: "test-key", secretAccessKey: "test-secret", region: "us-east-1", service: "iam")
        var request = HTTPClientRequest(url: endpoint.absoluteString + "/")
        request.method = .POST
        let headers = signer.signedHeaders(method: "POST", encodedPath: "/", query: [],
                                           headers: [("Host", "127.0.0.1:\(port)"), ("Content-Type", "application/x-www-form-urlencoded")],
                                           payloadHash: SigV4.hex(SHA256.hash(data: Array(body.utf8))))
        for (n, v) in headers { request.headers.replaceOrAdd(name: n, value: v) }
        request.body = .bytes(ByteBuffer(string: body))
        let r = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let text = String(buffer: try await r.body.collect(upTo: 1 << 20))
        guard r.status.code == 200 else { throw MotoError("IAM \(params.first?.1 ?? ""): HTTP \(r.status.code) \(text)") }
        return text
    }

    /// From now on moto checks every request's signature against its IAM users' keys.
    public func enableAuthentication() async throws {
        var request = HTTPClientRequest(url: endpoint.absoluteString + "/moto-api/reset-auth")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "0"))
        let r = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await r.body.collect(upTo: 1 << 20)
        guard r.status.code == 200 else { throw MotoError("reset-auth: HTTP \(r.status.code)") }
    }

}

/// moto could not be started or refused a setup call.
public struct MotoError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
