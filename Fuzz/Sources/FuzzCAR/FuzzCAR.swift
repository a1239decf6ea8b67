import FuzzSupport
import IPLD

/// CAR reading (`CARReader`): header and every block, each block's CID checked against its
/// bytes. A CAR that reads must write back (`CARWriter.encode`) to a CAR that reads to the
/// same roots and blocks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    guard let (roots, blocks) = read(bytes) else { return 0 }
    let written = CARWriter.encode(roots: roots, blocks: blocks)
    guard let (roots2, blocks2) = read(written) else { Invariant.fail("a CAR that read does not read once written back") }
    Invariant.check(roots2 == roots, "roots differ after writing back")
    Invariant.check(blocks2.count == blocks.count && zip(blocks, blocks2).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 },
                    "blocks differ after writing back")
    return 0
}

/// The roots and blocks of a CAR, or nil when it is refused.
func read(_ bytes: [UInt8]) -> ([CID], [(CID, [UInt8])])? {
    do {
        var reader = try CARReader(bytes: bytes)
        var blocks = [(CID, [UInt8])]()
        while let block = try reader.next() { blocks.append((block.cid, block.bytes)) }
        return (reader.roots, blocks)
    } catch {
        return nil
    }
}
