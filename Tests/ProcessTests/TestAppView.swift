import Foundation
import TestSupport

/// `Tests/Interop/test_appview.py` running as a process of its own: an AppView that
/// verifies service-auth JWTs against the DID documents of the PLC directory at `plcURL`.
final class TestAppView {
    let port: Int
    let process = Process()
    let logFile: URL

    var url: String { "http://127.0.0.1:\(port)" }
    /// Its DID: did:web on localhost, resolved by a dev-mode PDS over http.
    var did: String { "did:web:localhost%3A\(port)" }

    init(plcURL: String) throws {
        guard let python = PythonTools.python else { throw TestFailure(PythonTools.skipReason) }
        port = try LoopbackPort.free()
        logFile = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("appview-\(port).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [PythonTools.packageRoot.appendingPathComponent("Tests/Interop/test_appview.py").path, String(port), plcURL]
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Waits until it answers.
    func ready() async -> Bool {
        await HTTP.eventually(within: .seconds(20)) { await HTTP.get(url + "/_seen")?.status == 200 }
    }

    /// The environment that makes a PDS use it as AppView and report service.
    var pdsEnvironment: [String: String] {
        ["PDS_BSKY_APP_VIEW_URL": url, "PDS_BSKY_APP_VIEW_DID": did, "PDS_REPORT_SERVICE_URL": url, "PDS_REPORT_SERVICE_DID": did]
    }

    func log() -> String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    func stop() {
        // SIGKILL: a test runner may leave SIGTERM ignored in its children.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: logFile)
    }

    deinit { stop() }
}
