import EventStream
@testable import Gateway
import NIOCore
import Testing

/// The shared wire bytes of a delivery: each payload framed as one unmasked binary WebSocket
/// message with the right length encoding (7-bit, 16-bit and 64-bit), and one encoding per run.
@Suite struct FrameBatchWireTests {
    @Test func framesEachPayloadWithItsLength() {
        let payloads: [[UInt8]] = [Array(repeating: 1, count: 5), Array(repeating: 2, count: 200), Array(repeating: 3, count: 70_000)]
        var wire = FrameBatchWire.encode(payloads)
        var lengths: [Int] = []
        while wire.readableBytes > 0 {
            #expect(wire.readInteger(as: UInt8.self) == 0x82, "FIN and the binary opcode")
            let short = Int(wire.readInteger(as: UInt8.self)!)
            #expect(short & 0x80 == 0, "a server never masks")
            let length = short == 126 ? Int(wire.readInteger(as: UInt16.self)!) : short == 127 ? Int(wire.readInteger(as: UInt64.self)!) : short
            let body = wire.readBytes(length: length)!
            #expect(Set(body).count == 1)
            lengths.append(length)
        }
        #expect(lengths == [5, 200, 70_000])
    }

    @Test func aRunIsEncodedOnceAndShared() {
        let wire = FrameBatchWire()
        let events = (1...3).map { StreamEvent(seq: Int64($0), frame: [UInt8($0)]) }
        let first = wire.bytes(for: events)
        let again = wire.bytes(for: events)
        #expect(first == again)
        first.withUnsafeReadableBytes { a in
            again.withUnsafeReadableBytes { b in #expect(a.baseAddress == b.baseAddress, "the same storage") }
        }
        #expect(wire.bytes(for: Array(events.dropFirst())).readableBytes == 2 * 3)
    }
}
