import Foundation
import IPC

/// The firehose's figures in `/xrpc/_health`: newest and oldest retained seq and the
/// retention window, so an operator sees how far back relays can replay.
struct FirehoseHealth: Encodable {
    var head: Int64
    var oldestSeq: Int64?
    var oldestTime: String?
    var retentionHours: Int?

    /// Reads the state from FirehoseService; nil when it does not answer in time.
    static func read(_ firehose: FirehoseServiceClient, timeout: Duration) async -> FirehoseHealth? {
        guard let state = try? await firehose.caller.call(FirehoseMethods.state, Empty(), timeout: timeout) else { return nil }
        return FirehoseHealth(head: state.head, oldestSeq: state.oldest,
                              oldestTime: state.oldestTime.map { $0.formatted(.iso8601) },
                              retentionHours: state.retentionHours)
    }
}
