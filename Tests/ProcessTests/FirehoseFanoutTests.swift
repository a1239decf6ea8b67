import Foundation
import TestSupport
import Testing

/// 100 concurrent `subscribeRepos` clients, one of them not reading: every other client gets
/// every commit, in order.
@Suite(.enabled(if: PythonTools.python != nil || PythonTools.inCI, Comment(rawValue: PythonTools.skipReason)))
struct FirehoseFanoutTests {
    @Test func hundredSubscribersOneSlow() async throws {
        let pds = try PDSUp(environment: ["PDS_FIREHOSE_SUBSCRIBER_QUEUE": "2"])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let script = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("Tests/Interop/firehose_fanout.py"), encoding: .utf8)
        let result = try PythonTools.run(script: script, arguments: ["http://localhost:\(pds.port)", "20"], timeout: 180)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\"fast_complete\": true"), "\(result.output)")
    }
}
