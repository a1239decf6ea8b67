import Foundation
@testable import IPC

/// A fresh temporary directory for one test's ipc:// socket files.
func temporarySocketDirectory() throws -> URL {
    let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ipc-test-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// An ipc:// endpoint in `dir`.
func endpoint(in dir: URL, _ name: String) -> String { "ipc://" + dir.appendingPathComponent(name + ".sock").path }

/// Echo and sleep methods for exercising the RPC layer.
enum TestMethods {
    struct Text: Codable, Sendable, Equatable { var text: String }
    struct Nap: Codable, Sendable { var milliseconds: Int }

    static let echo = RPCMethod<Text, Text>("echo")
    static let nap = RPCMethod<Nap, Empty>("nap")
    static let fail = RPCMethod<Empty, Empty>("fail")

    static func handlers() -> RPCHandlers {
        var handlers = RPCHandlers()
        handlers.register(echo) { request async throws(IPCError) in Text(text: request.text.uppercased()) }
        handlers.register(nap) { request async throws(IPCError) in
            try? await Task.sleep(for: .milliseconds(request.milliseconds))
            return Empty()
        }
        handlers.register(fail) { _ async throws(IPCError) -> Empty in
            throw IPCError.remote(name: "RecordNotFound", message: "no such record")
        }
        return handlers
    }
}
