import Foundation
import Testing

/// `pds drill crash`, short, as CI runs it: under a steady write load every process is
/// killed with SIGKILL in turn (the supervisor last, then `pds up` again on the same
/// directory), and nothing acknowledged may be lost. `PDSWIFT_DRILL_SECONDS` runs it longer.
@Suite(.serialized) struct CrashDrillTests {
    @Test func nothingAcknowledgedIsLostWhenEveryProcessIsKilled() throws {
        let seconds = ProcessInfo.processInfo.environment["PDSWIFT_DRILL_SECONDS"] ?? "25"
        let (status, output) = try PDSUp.runCommand(["drill", "crash", "--duration", seconds, "--rate", "20", "--accounts", "3", "--json"])
        let start = try #require(output.firstIndex(of: "{"), "no JSON in:\n\(output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [String: Any], "\(output)")
        #expect(status == 0, "the drill failed:\n\(output)")
        let findings = try #require(report["findings"] as? [String: Any])
        for zero in ["lost", "blobsLost", "seqGaps", "seqOutOfOrder", "ackedCommitsMissing", "ackedCommitsDuplicated",
                     "chainBreaks", "headsNotOnFirehose", "orphanRepos"] {
            #expect(findings[zero] as? Int == 0, "\(zero): \(findings[zero] ?? "missing")")
        }
        #expect(findings["firehoseCaughtUp"] as? Bool == true)
        #expect(findings["reposVerified"] as? Int == 3)
        // The load really ran and was really checked.
        #expect((report["writesAcknowledged"] as? Int ?? 0) > 200)
        #expect((findings["recordsChecked"] as? Int ?? 0) > 100)
        #expect((findings["blobsChecked"] as? Int ?? 0) > 5)
        #expect((findings["ackedCommits"] as? Int ?? 0) > 200)
        let kills = try #require(report["kills"] as? [[String: Any]])
        #expect(kills.map { $0["service"] as? String } == ["repo", "firehose", "auth", "blob", "backup", "gateway", "supervisor"])
        for kill in kills {
            let recovered = kill["secondsToHealthy"] as? Double
            #expect(recovered != nil, "\(kill["service"] ?? "?") never healthy again")
            // The target is 2 s; CI's machine is shared, so allow it twice that before failing.
            #expect((recovered ?? 99) < 4, "\(kill["service"] ?? "?") took \(recovered ?? -1) s")
        }
    }

    @Test func badOptionsAreRefusedClearly() throws {
        let (status, output) = try PDSUp.runCommand(["drill", "crash", "--kill", "repo,database"])
        #expect(status != 0)
        #expect(output.contains("cannot kill database"), "\(output)")
    }
}
