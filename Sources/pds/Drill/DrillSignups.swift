import Foundation

/// New accounts created during the load, five a second: a creation cut short by a kill must
/// leave either a whole account or none, and the firehose must say which.
final class DrillSignups: @unchecked Sendable {
    // @unchecked: driven by one task (`run`), read only after it has finished.
    let client: XRPCClient
    private(set) var acknowledged: [String] = []
    private(set) var attempts = 0
    private(set) var failures: [String: Int] = [:]

    init(client: XRPCClient) { self.client = client }

    func run(until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            attempts += 1
            let handle = "signup-\(UUID().uuidString.prefix(8).lowercased()).test"
            do {
                let session = try await client.call("com.atproto.server.createAccount", body: [
                    "handle": handle, "password": "drill-signup-password", "email": "\(handle)@example.com",
                ], timeout: 10)
                if let did = session["did"] as? String { acknowledged.append(did) }
            } catch let failure as XRPCClient.Failure {
                failures["createAccount \(failure.status) \(failure.error)", default: 0] += 1
            } catch {
                failures["createAccount no answer", default: 0] += 1
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}
