import EventStream
import IPLD
import Testing

/// Inputs the fuzz targets (Fuzz/, docs/fuzzing.md) found crashing `EventFrame.decode`: each
/// must now be refused with an error.
@Suite struct EventFrameFuzzRegressionTests {
    /// FuzzFirehose crash-da39a3ee: an empty frame trapped on the range `1...0`.
    @Test func emptyFrameIsRefused() {
        #expect(throws: IPLDError.self) { try EventFrame.decode([]) }
    }

    @Test func headerOnlyFrameIsRefused() {
        #expect(throws: IPLDError.self) { try EventFrame.decode(DAGCBOR.encode(["op": 1, "t": "#commit"])) }
    }
}
