import BlobService
import Config
import Foundation
@testable import Gateway
import Hummingbird
import IPC

/// A gateway whose BlobService is a real one on a temp directory, served in-process, and
/// whose AuthService is a stand-in knowing one account (`alice`, token `alice-token`).
struct BlobFixture {
    static let alice = "did:plc:alice0000000000000000000"
    static let token = "alice-token"
    let root: String
    let blobs: BlobService
    let implementation: BlobServiceImplementation
    let router: Router<GatewayRequestContext>

    init(uploadLimit: Int = 1_000_000) throws {
        root = NSTemporaryDirectory() + "gw-blob-\(UUID().uuidString.prefix(8))"
        let blobConfig = BlobServiceConfig(storage: .disk(directory: root + "/blobs"), databasePath: root + "/blobs.sqlite",
                                           stagingDirectory: root + "/blobs/tmp", uploadLimit: Int64(uploadLimit))
        blobs = try BlobService(config: blobConfig)
        implementation = BlobServiceImplementation(service: blobs)
        let config = try PDSConfig(environment: ["PDS_DATA_DIRECTORY": root, "PDS_JWT_SECRET": "0123456789abcdef0123",
                                                 "PDS_ADMIN_PASSWORD": "admin", "PDS_BLOB_UPLOAD_LIMIT": String(uploadLimit)])
        let metrics = GatewayMetrics()
        let services = ServiceConnections(callers: [.blob: InProcessCaller(implementation.rpcHandlers(), name: "blob"),
                                                    .auth: InProcessCaller(Self.auth(), name: "auth")], metrics: metrics)
        router = try GatewayServer.router(config: config, services: services, metrics: metrics)
    }

    /// AuthService's answers for the one account.
    static func auth() -> RPCHandlers {
        var h = RPCHandlers()
        h.register(AuthMethods.verifyAccess) { r async throws(IPCError) in
            guard r.token == token else { throw IPCError.remote(name: "InvalidToken", message: "bad token") }
            return AuthTypes.Credentials(did: alice, scope: "com.atproto.access")
        }
        h.register(AuthMethods.getAccount) { r async throws(IPCError) in
            guard r.did == alice else { throw IPCError.remote(name: "AccountNotFound", message: "no such account") }
            return AuthTypes.AccountInfo(did: alice, handle: "alice.test", email: nil, emailConfirmed: false, active: true,
                                         status: nil, didDocJSON: nil)
        }
        return h
    }

    /// Files in the upload staging directory (none once every upload has ended).
    func stagedFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/blobs/tmp")) ?? []).filter { $0.hasPrefix("upload-") }
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: root) }
}
