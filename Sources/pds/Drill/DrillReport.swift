import Foundation

/// The crash drill's figures: the load, each kill's recovery, and the findings.
struct DrillReport: Codable, Sendable {
    struct Kill: Codable, Sendable {
        var service: String
        /// From the SIGKILL until `_health` answered 200 with the process replaced; nil if
        /// not within 30 s.
        var secondsToHealthy: Double?
    }

    var durationSeconds: Int
    var rate: Int
    var accounts: Int
    var writesAttempted: Int
    var writesAcknowledged: Int
    /// Requests that got no acknowledgement (mostly while a process was down), by answer.
    var failedRequests: [String: Int]
    var firehoseReconnects: Int
    var kills: [Kill]
    var findings: DrillFindings

    var passed: Bool { findings.clean && kills.allSatisfy { $0.secondsToHealthy != nil } }

    func print(json: Bool) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            Swift.print(String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self))
            return
        }
        let f = findings
        var lines = [
            "crash drill: \(durationSeconds) s, \(rate) writes/s over \(accounts) accounts",
            "writes: \(writesAttempted) attempted, \(writesAcknowledged) acknowledged, \(writesAttempted - writesAcknowledged) without acknowledgement",
            "lost: \(f.lost) of \(f.recordsChecked) records, \(f.blobsLost) of \(f.blobsChecked) blobs",
            "firehose: \(f.firehoseEvents) events, \(f.seqGaps) seq gaps, \(f.seqOutOfOrder) out of order, caught up: \(f.firehoseCaughtUp ? "yes" : "NO"), \(firehoseReconnects) reconnects",
            "acknowledged commits: \(f.ackedCommits), missing from the firehose \(f.ackedCommitsMissing), published twice \(f.ackedCommitsDuplicated)",
            "commit chains: \(f.chainBreaks) breaks; repo heads not the last published commit: \(f.headsNotOnFirehose)",
            "repos verified: \(f.reposVerified), failures: \(f.repoVerifyFailures.count)",
            "accounts created under load: \(f.signupsAcknowledged) acknowledged; repos of no account left unannounced: \(f.orphanRepos)",
        ]
        for kill in kills {
            lines.append("kill -9 \(kill.service): healthy again after " + (kill.secondsToHealthy.map { String(format: "%.2f s", $0) } ?? "NEVER (30 s)"))
        }
        for (answer, count) in failedRequests.sorted(by: { $0.key < $1.key }) { lines.append("failed requests: \(count) × \(answer)") }
        for example in f.lostExamples + f.chainExamples + f.repoVerifyFailures + f.orphanExamples { lines.append("  " + example) }
        lines.append(passed ? "PASSED: nothing acknowledged was lost" : "FAILED")
        Swift.print(lines.joined(separator: "\n"))
    }
}
