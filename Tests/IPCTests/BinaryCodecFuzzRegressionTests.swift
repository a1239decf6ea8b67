import Foundation
import Testing
@testable import IPC

/// Bodies the IPC fuzz target (Fuzz/Sources/FuzzIPC, docs/fuzzing.md) showed crashing the
/// binary body decoder: each must now be refused with an error.
@Suite struct BinaryCodecFuzzRegressionTests {
    struct Small: Codable, Equatable {
        var text: String
        var int: Int
    }

    /// A map whose unknown key `x` holds `depth` nested one-item arrays.
    static func deeplyNested(_ depth: Int) -> [UInt8] {
        var body: [UInt8] = [BinaryCodec.marker, 9, 3, 0, 0, 0]
        body += [4] + Array("text".utf8) + [6, 1, UInt8(ascii: "a")]
        body += [3] + Array("int".utf8) + [3, 2]
        body += [1, UInt8(ascii: "x")]
        for _ in 0..<depth { body += [8, 1, 0, 0, 0] }
        body.append(0)
        return body
    }

    /// FuzzIPC: skipping an unknown key's value recursed once per nesting level, so a 1 MB body
    /// of nested arrays overflowed the stack (AddressSanitizer: stack-overflow in `skip`).
    @Test func deepNestingIsRefused() {
        #expect(throws: BinaryCodecError.self) { try BinaryCodec.decode(Small.self, from: Self.deeplyNested(200_000)) }
    }

    @Test func nestingWithinTheLimitDecodes() throws {
        #expect(try BinaryCodec.decode(Small.self, from: Self.deeplyNested(100)) == Small(text: "a", int: 1))
    }
}
