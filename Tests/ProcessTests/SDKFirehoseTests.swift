import Foundation
import IPLD
import Repo
import TestSupport
import Testing

/// The Python atproto SDK's `FirehoseSubscribeReposClient` consuming `subscribeRepos` while
/// another SDK client writes; every commit it received is then checked here with the sync 1.1
/// inversion (its ops undone on the blocks it carried must give back `prevData`).
@Suite(.enabled(if: PythonTools.python != nil || PythonTools.inCI, Comment(rawValue: PythonTools.skipReason)))
struct SDKFirehoseTests {
    @Test func pythonFirehoseClientSeesVerifiableCommits() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let out = pds.dataDirectory.appendingPathComponent("commits.jsonl")
        let script = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("Tests/Interop/sdk_firehose.py"), encoding: .utf8)
        let result = try PythonTools.run(script: script, arguments: ["http://localhost:\(pds.port)", out.path, "12"], timeout: 120)
        try #require(result.status == 0, "SDK firehose run failed:\n\(result.output)\n--- pds log ---\n\(pds.log().suffix(3000))")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 12)
        var previousSeq = 0
        for line in lines {
            let c = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let seq = c["seq"] as! Int
            #expect(seq > previousSeq)
            previousSeq = seq
            guard let prevData = c["prevData"] as? String else { continue } // the repo's first commit
            var reader = try CARReader(bytes: [UInt8](Data(base64Encoded: c["blocks"] as! String)!))
            var blocks = [CID: [UInt8]]()
            while let b = try reader.next() { blocks[b.cid] = b.bytes }
            let commit = try Commit.decode(blocks[try CID(string: c["commit"] as! String)]!)
            let ops = try (c["ops"] as! [[String: Any]]).map { op in
                RecordOp(path: op["path"] as! String, old: try (op["prev"] as? String).map { try CID(string: $0) },
                         new: try (op["cid"] as? String).map { try CID(string: $0) })
            }
            try CommitInversion.verify(newRoot: commit.data, previousRoot: try CID(string: prevData), ops: ops, blocks: blocks)
        }
    }
}
