import Foundation
import TestSupport
import Testing

/// A `subscribeRepos` client that stops reading its socket (its TCP window fills) is cut off
/// (its queue overflows, or a frame waits past the write deadline) without the gateway
/// buffering for it, while a normal subscriber gets every commit.
@Suite(.enabled(if: PythonTools.python != nil || PythonTools.inCI, Comment(rawValue: PythonTools.skipReason)))
struct FirehoseStalledReaderTests {
    @Test func aClientThatNeverReadsIsCutOff() async throws {
        let pds = try PDSUp(environment: ["PDS_FIREHOSE_WRITE_TIMEOUT_MS": "1000", "PDS_FIREHOSE_SUBSCRIBER_QUEUE": "20", "PDS_RATE_LIMITS_ENABLED": "false"])
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let gateway = try #require(pds.children()["gateway"], "no gateway among \(pds.children())")
        let script = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("Tests/Interop/firehose_stalled_reader.py"), encoding: .utf8)
        // 200 commits of 200 KB: 40 MB through the firehose, far more than the socket buffers.
        let result = try PythonTools.run(script: script, arguments: ["http://localhost:\(pds.port)", String(gateway), "200"], timeout: 300)
        #expect(result.status == 0, "\(result.output)")
        let line = try #require(result.output.split(separator: "\n").last(where: { $0.hasPrefix("{") }), "\(result.output)")
        let found = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        print("stalled reader: \(line)")
        #expect(found["normal_complete"] as? Bool == true, "\(line)")
        #expect(found["stalled_closed"] as? Bool == true, "the server kept the stalled connection open: \(line)")
        #expect((found["stalled_got"] as? Int ?? .max) < 200, "the stalled client was never cut off: \(line)")
        let before = try #require(found["rss_before_kib"] as? Int), peak = try #require(found["rss_peak_kib"] as? Int)
        // 40 MB went out; a gateway that buffered for the stalled client would grow by as much.
        #expect(peak - before < 24 * 1024, "gateway RSS grew \(peak - before) KiB: \(line)")
        #expect(pds.log().contains("ConsumerTooSlow"), "no cut-off in the log")
    }
}
