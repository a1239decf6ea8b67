import Foundation
import TestSupport
import Testing

/// The real Python atproto SDK (from PyPI, in the venv the setup script makes) against a
/// running `pds up`: accounts, sessions, app passwords, records, lexicon checks, listing,
/// swapCommit races, preferences.
@Suite(.enabled(if: PythonTools.python != nil || PythonTools.inCI, Comment(rawValue: PythonTools.skipReason)))
struct SDKEndToEndTests {
    @Test func pythonSDKAgainstPDSUp() async throws {
        let pds = try PDSUp()
        defer { pds.stop(); pds.removeData() }
        let healthy = await HTTP.eventually(within: .seconds(30)) { await HTTP.get(pds.baseURL + "/xrpc/_health")?.status == 200 }
        try #require(healthy, "never healthy:\n\(pds.log())")
        let script = try String(contentsOf: PythonTools.packageRoot.appendingPathComponent("Tests/Interop/sdk_end_to_end.py"), encoding: .utf8)
        let result = try PythonTools.run(script: script, arguments: ["http://localhost:\(pds.port)"],
                                          environment: ["PDS_DATA_DIRECTORY": pds.dataDirectory.path,
                                                                        "PDSWIFT_INTEROP_DIR": PythonTools.packageRoot.appendingPathComponent("Tests/Interop").path], timeout: 180)
        #expect(result.status == 0, "SDK run failed:\n\(result.output)\n--- pds log ---\n\(pds.log().suffix(4000))")
        #expect(result.output.contains("ALL OK"))
    }
}
