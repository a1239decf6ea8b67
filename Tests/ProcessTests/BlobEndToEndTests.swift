import Foundation
import TestSupport
import Testing

/// Blobs through the real processes (`pds up`): the Python atproto SDK posting an image,
/// garbage collection with a short TTL, and raw HTTP round trips of 1 B to 60 MB plus a client
/// disconnecting mid-upload (Tests/Interop/sdk_blobs.py).
@Suite(.enabled(if: PythonTools.python != nil || PythonTools.inCI, Comment(rawValue: PythonTools.skipReason)))
struct BlobEndToEndTests {
    func run(mode: String, environment: [String: String] = [:]) async throws {
        let pds = try PDSUp(environment: environment)
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let script = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("Tests/Interop/sdk_blobs.py"), encoding: .utf8)
        let result = try PythonTools.run(script: script, arguments: ["http://localhost:\(pds.port)", mode],
                                          environment: ["PDS_DATA_DIRECTORY": pds.dataDirectory.path, "BLOB_TTL": "3"], timeout: 240)
        #expect(result.status == 0, "\(mode) failed:\n\(result.output)\n--- pds log ---\n\(pds.log().suffix(4000))")
        #expect(result.output.contains("ALL OK"))
    }

    @Test func sdkPostsAnImageAndSweepsRespectReferences() async throws {
        try await run(mode: "gc", environment: ["PDS_BLOB_TEMP_TTL": "3"])
    }

    @Test func roundTripsAndDisconnectThroughTheGateway() async throws {
        try await run(mode: "roundtrip")
    }
}
