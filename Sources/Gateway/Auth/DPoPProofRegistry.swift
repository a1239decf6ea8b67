import IPC
import Synchronization

/// Enters the DPoP proofs this gateway checked itself into AuthService's jti cache, which every
/// gateway shares, so a proof replayed at any replica is refused. Proofs checked while one
/// round trip is under way go together in the next, so a burst of calls costs a few round
/// trips, not one each; every caller still waits for its own proof's answer.
final class DPoPProofRegistry: Sendable {
    private typealias Waiter = CheckedContinuation<Result<(fresh: Bool, epoch: Int), IPCError>, Never>
    private let auth: any AuthServiceAPI
    private let state = Mutex<(pending: [(use: OAuthTypes.ProofUse, waiter: Waiter)], sending: Bool)>(([], false))
    /// The most proofs sent in one round trip.
    static let batchLimit = 512

    init(auth: any AuthServiceAPI) { self.auth = auth }

    /// Whether the proof is new to every gateway (false: it was used before), and AuthService's
    /// revocation epoch as of the answer.
    func register(_ use: OAuthTypes.ProofUse) async throws(IPCError) -> (fresh: Bool, epoch: Int) {
        let result = await withCheckedContinuation { (waiter: Waiter) in
            let start = state.withLock { s in
                s.pending.append((use, waiter))
                if s.sending { return false }
                s.sending = true
                return true
            }
            if start { Task { await self.send() } }
        }
        return try result.get()
    }

    /// Sends what is pending, batch after batch, until nothing is.
    private func send() async {
        while true {
            let batch = state.withLock { s -> [(use: OAuthTypes.ProofUse, waiter: Waiter)] in
                let batch = Array(s.pending.prefix(Self.batchLimit))
                s.pending.removeFirst(batch.count)
                if batch.isEmpty { s.sending = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let answer = try await auth.registerDPoPProofs(.init(uses: batch.map(\.use)))
                for (i, item) in batch.enumerated() {
                    item.waiter.resume(returning: i < answer.fresh.count ? .success((answer.fresh[i], answer.epoch))
                                                                       : .failure(.malformed("short replay answer")))
                }
            } catch {
                for item in batch { item.waiter.resume(returning: .failure(error)) }
            }
        }
    }
}
