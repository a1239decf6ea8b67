import IPLD
import Repo
import Testing

/// MST nodes the fuzz targets (Fuzz/, docs/fuzzing.md) showed exhausting memory: each must now
/// be refused with an error.
@Suite struct MSTNodeFuzzRegressionTests {
    static let value = CID.compute(.dagCBOR, of: [0xa0])

    /// Entries whose keys each extend the previous one by a byte, up to `count` bytes.
    static func growingKeys(_ count: Int) -> MSTNode {
        MSTNode(left: nil, entries: (1...count).map { MSTEntry(key: [UInt8](repeating: UInt8(ascii: "a"), count: $0), value: value, right: nil) })
    }

    /// FuzzMSTNode: keys are prefix-compressed, so a 1 MB node of 1-byte suffixes that each
    /// keep the whole previous key rebuilt gigabytes of keys (libFuzzer out-of-memory).
    @Test func keysLongerThanTheLimitAreRefused() {
        #expect(throws: RepoError.self) { try MSTNode.decode(Self.growingKeys(MSTKey.maxLength + 1).encode()) }
    }

    /// The same through the generic decoder (an entry without `t` is not the canonical layout).
    @Test func keysLongerThanTheLimitAreRefusedOffTheFastPath() {
        let entries: [DataValue] = (0...MSTKey.maxLength).map { i in
            .map(DataMap([("k", .bytes([UInt8(ascii: "a")])), ("p", .int(Int64(i))), ("v", .link(Self.value))]))
        }
        let bytes = DAGCBOR.encode(.map(DataMap([("e", .array(entries)), ("l", .null)])))
        #expect(throws: RepoError.self) { try MSTNode.decode(bytes) }
    }

    @Test func keysAtTheLimitDecode() throws {
        let node = Self.growingKeys(MSTKey.maxLength)
        #expect(try MSTNode.decode(node.encode()) == node)
    }
}
