@testable import pds
import Testing

/// The crash drill's judgements on made-up evidence: each kind of loss must be caught.
@Suite struct DrillChecksTests {
    func commit(_ seq: Int64, _ did: String, rev: String, since: String?, prevData: String?, data: String) -> TailEvent {
        TailEvent(seq: seq, kind: "#commit", did: did, rev: rev, since: since, prevData: prevData, commit: "c-\(rev)", data: data)
    }

    @Test func gapsAndDisorderInSeqsAreCounted() {
        var f = DrillFindings()
        let events = [1, 2, 5, 4, 6].map { TailEvent(seq: $0, kind: "#identity", did: "did:plc:a") }
        DrillChecks.checkSequence(events, into: &f)
        #expect(f.seqGaps == 2 && f.seqOutOfOrder == 1 && f.firehoseEvents == 5)
        var clean = DrillFindings()
        DrillChecks.checkSequence((1...4).map { TailEvent(seq: $0, kind: "#commit", did: "did:plc:a") }, into: &clean)
        #expect(clean.seqGaps == 0 && clean.seqOutOfOrder == 0)
    }

    @Test func aCommitThatDoesNotFollowItsPredecessorIsAChainBreak() {
        let did = "did:plc:a"
        let first = commit(1, did, rev: "r1", since: nil, prevData: nil, data: "d1")
        var sync = TailEvent(seq: 2, kind: "#sync", did: did)
        sync.rev = "r1"; sync.data = "d1"
        let good = commit(3, did, rev: "r2", since: "r1", prevData: "d1", data: "d2")
        var f = DrillFindings()
        DrillChecks.checkChain([first, sync, good, commit(4, did, rev: "r3", since: "r2", prevData: "d2", data: "d3")], into: &f)
        #expect(f.chainBreaks == 0)
        // A commit rolled back after it was published: the next one does not follow it.
        DrillChecks.checkChain([first, good, commit(4, did, rev: "r3", since: "r1", prevData: "d1", data: "d3")], into: &f)
        #expect(f.chainBreaks == 1)
        DrillChecks.checkChain([first, commit(3, did, rev: "r2", since: "r1", prevData: "dX", data: "d2")], into: &f)
        #expect(f.chainBreaks == 2 && f.chainExamples.count == 2)
    }

    @Test func acknowledgedCommitsMustBePublishedExactlyOnce() throws {
        let lane = DrillLane(did: "did:plc:a", client: try XRPCClient("http://127.0.0.1:1"), refreshJwt: "")
        lane.ackedRevs = ["r1", "r2", "r3"]
        let events = [commit(1, "did:plc:a", rev: "r1", since: nil, prevData: nil, data: "d"),
                      commit(2, "did:plc:a", rev: "r2", since: "r1", prevData: "d", data: "d"),
                      commit(3, "did:plc:a", rev: "r2", since: "r1", prevData: "d", data: "d")]
        var f = DrillFindings()
        DrillChecks.checkAcked(lane, events, into: &f)
        #expect(f.ackedCommits == 3 && f.ackedCommitsMissing == 1 && f.ackedCommitsDuplicated == 1)
    }

    @Test func possibleStatesAllowOnlyWhatTheWritesCouldHaveLeft() {
        let acked = PossibleStates(states: ["bafyA"])
        #expect(acked.allows("bafyA") && !acked.allows("bafyB") && !acked.allows(nil))
        #expect(acked.certainCID == "bafyA")
        let deleted = PossibleStates(states: [PossibleStates.absent])
        #expect(deleted.allows(nil) && !deleted.allows("bafyA"))
        // A create that got no answer: either it happened (some CID) or not.
        let unanswered = PossibleStates(states: [PossibleStates.absent, PossibleStates.anyCID])
        #expect(unanswered.allows(nil) && unanswered.allows("bafyZ") && unanswered.certainCID == nil)
        #expect(!DrillFindings().clean, "a subscriber that never caught up is not clean")
        var f = DrillFindings()
        f.firehoseCaughtUp = true
        #expect(f.clean)
        f.lost = 1
        #expect(!f.clean)
    }
}
