import Dispatch
import Foundation

/// SIGINT and SIGTERM as an async sequence, so a process can `await` its stop request on the
/// cooperative pool instead of dying mid-write. Installing it ignores the default action.
final class TerminationSignals {
    let received: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        received = stream
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Waits for the first SIGINT or SIGTERM.
    func next() async -> Int32 {
        for await number in received { return number }
        return SIGTERM
    }
}
