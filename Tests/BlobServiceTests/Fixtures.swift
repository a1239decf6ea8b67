import Crypto
import Foundation
import IPLD
import TestSupport
import Testing
@testable import BlobService

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "pdswift-blob-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }

    /// Regular files anywhere below `sub`.
    func files(under sub: String) -> [String] {
        let root = path + "/" + sub
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        return e.compactMap { $0 as? String }.filter { name in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDir) && !isDir.boolValue
        }
    }
}

/// Deterministic pseudo-random bytes produced chunk by chunk, so a 60 MB body never exists
/// whole in memory. Optionally throws after `failAfter` bytes, like a client going away.
struct GeneratedBytes: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let size: Int
    var chunkSize = 64 * 1024
    var seed: UInt64 = 1
    var failAfter: Int?

    struct ClientWentAway: Error {}

    struct AsyncIterator: AsyncIteratorProtocol {
        let spec: GeneratedBytes
        var produced = 0
        var rng: SeededRandom

        mutating func next() async throws -> [UInt8]? {
            if let f = spec.failAfter, produced >= f { throw ClientWentAway() }
            guard produced < spec.size else { return nil }
            let n = Swift.min(spec.chunkSize, spec.size - produced)
            produced += n
            return GeneratedBytes.fill(n, &rng)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(spec: self, rng: SeededRandom(seed: seed)) }

    static func fill(_ n: Int, _ rng: inout SeededRandom) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
            var i = 0
            while i < n {
                var word = rng.next()
                for _ in 0..<Swift.min(8, n - i) {
                    buffer[i] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    i += 1
                }
            }
            count = n
        }
    }

    /// The CID the whole body should get, computed by streaming it once.
    func expectedCID() async throws -> CID {
        var h = SHA256()
        for try await chunk in self { h.update(data: chunk) }
        return CID(sha256Digest: Array(h.finalize()), codec: .raw)
    }
}

/// SHA-256 and length of a streamed body, checked without keeping it.
func digest(of stream: BlobByteStream) async throws -> (CID, Int) {
    var h = SHA256()
    var n = 0
    for try await chunk in stream {
        h.update(data: chunk)
        n += chunk.count
    }
    return (CID(sha256Digest: Array(h.finalize()), codec: .raw), n)
}

let alice = "did:plc:alice0000000000000000000"
let bob = "did:plc:bob000000000000000000000"

/// A BlobService over a disk store in a temp directory.
func makeDiskService(_ dir: TempDirectory, uploadLimit: Int64 = BlobServiceConfig.defaultUploadLimit,
                     quota: Int64? = nil) throws -> BlobService {
    let config = BlobServiceConfig(storage: .disk(directory: dir.path + "/blobs"), databasePath: dir.path + "/blobs.sqlite",
                                   stagingDirectory: dir.path + "/blobs/tmp", uploadLimit: uploadLimit, accountQuota: quota)
    return try BlobService(config: config)
}

/// Expects `body` to throw a `BlobError` named `name`; returns it.
@discardableResult
func expectBlobError(_ name: String, _ body: () async throws -> Void) async -> BlobError? {
    do {
        try await body()
        Issue.record("expected \(name), nothing thrown")
    } catch let e as BlobError {
        #expect(e.xrpcError == name, "got \(e)")
        return e
    } catch {
        Issue.record("expected \(name), got \(error)")
    }
    return nil
}
