import IPC
import Synchronization

/// A handler table whose methods answer with the request they decoded, keeping the last
/// decoded value so the fuzz target can compare it with the value decoded from the reply.
final class Echo: Sendable {
    /// The last value a handler decoded, type-erased.
    final class Last: Sendable {
        let value = Mutex<(any Sendable)?>(nil)
    }

    let last = Last()
    /// The method names, in registration order (a request naming none is sent to one by id).
    let names: [String]
    let caller: InProcessCaller

    static let probe = RPCMethod<Probe, Probe>("fuzz.probe")
    static let writes = RPCMethod<[RepoTypes.Write], [RepoTypes.Write]>("fuzz.writes")
    static let applyWrites = RPCMethod<RepoTypes.ApplyWritesRequest, RepoTypes.ApplyWritesRequest>("fuzz.applyWrites")
    static let recordsSince = RPCMethod<RepoTypes.RecordsSinceResponse, RepoTypes.RecordsSinceResponse>("fuzz.recordsSince")
    static let empty = RPCMethod<Empty, Empty>("fuzz.empty")

    init() {
        var handlers = RPCHandlers()
        let last = self.last
        func echo<T: Codable & Sendable>(_ method: RPCMethod<T, T>) {
            handlers.registerImmediate(method) { request in
                last.value.withLock { $0 = request }
                return request
            }
        }
        echo(Self.probe)
        echo(Self.writes)
        echo(Self.applyWrites)
        echo(Self.recordsSince)
        echo(Self.empty)
        names = [Self.probe.name, Self.writes.name, Self.applyWrites.name, Self.recordsSince.name, Self.empty.name]
        caller = InProcessCaller(handlers, name: "fuzz")
    }

    /// Takes the value the last handler decoded.
    func take() -> (any Sendable)? { last.value.withLock { v in defer { v = nil }; return v } }
}
