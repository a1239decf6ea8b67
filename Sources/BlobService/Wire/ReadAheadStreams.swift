import Foundation
import Synchronization

/// Open downloads from a store where every read is a network request (S3), kept between the
/// gateway's 1 MiB `readBlob` calls.
///
/// The gateway reads a blob in consecutive pieces. Against S3, a ranged GET per piece costs a
/// full request round trip each (a 50 MB blob was 50 GETs, about 28 MB/s). Instead, the first
/// piece opens one GET from that offset to the end of the blob, a task pumps its body into a
/// bounded `ChunkChannel`, and each following call continues from where the previous one
/// stopped: its session is found by (did, cid, offset). At most the channel's two chunks plus
/// one piece's leftover are held per download; a session no call continues within
/// `abandonAfter` (the client went away) is closed by `reap`.
final class ReadAheadStreams: Sendable {
    /// One open download.
    final class Session: Sendable {
        let channel: ChunkChannel
        let pump: Task<Void, Never>
        /// Where the blob ends.
        let size: Int64
        /// Bytes received past the last piece handed out, and when a call last used it.
        let state: Mutex<(leftover: [UInt8], lastActive: ContinuousClock.Instant)>

        init(channel: ChunkChannel, pump: Task<Void, Never>, size: Int64) {
            self.channel = channel
            self.pump = pump
            self.size = size
            state = Mutex(([], .now))
        }

        func close() {
            channel.fail(CancellationError())
            pump.cancel()
        }
    }

    let abandonAfter: Duration
    private let sessions = Mutex<[String: Session]>([:])

    init(abandonAfter: Duration = .seconds(30)) { self.abandonAfter = abandonAfter }

    /// How many downloads are open (for tests).
    var count: Int { sessions.withLock { $0.count } }

    /// `length` bytes of blob `cid` from `offset` (fewer only at the end of the blob): from the
    /// open download that stopped at `offset`, or from a new one that `open` starts there
    /// (answering the bytes from there to the end, and the blob's size).
    func read(did: String, cid: String, offset: Int64, length: Int,
              open: @escaping @Sendable (Int64) async throws -> (body: BlobByteStream, size: Int64)) async throws -> Data {
        let session: Session
        if let existing = sessions.withLock({ $0.removeValue(forKey: Self.key(did, cid, offset)) }) {
            session = existing
        } else {
            let (body, size) = try await open(offset)
            let channel = ChunkChannel(capacity: 2)
            let pump = Task {
                do {
                    for try await chunk in body { try await channel.send(chunk) }
                    channel.finish()
                } catch {
                    channel.fail(error)
                }
            }
            session = Session(channel: channel, pump: pump, size: size)
        }
        var data = Data(capacity: length)
        do {
            let leftover = session.state.withLock { s in
                defer { s.leftover = [] }
                return s.leftover
            }
            var pending = leftover
            while true {
                if data.count + pending.count >= length {
                    let take = length - data.count
                    data.append(contentsOf: pending[..<take])
                    session.state.withLock { $0.leftover = Array(pending[take...]); $0.lastActive = .now }
                    break
                }
                data.append(contentsOf: pending)
                guard let next = try await session.channel.next() else {
                    // The end of the blob: nothing to continue.
                    session.close()
                    return data
                }
                pending = next
            }
        } catch {
            session.close()
            throw error
        }
        let end = offset + Int64(data.count)
        guard end < session.size else {
            session.close()
            return data
        }
        let next = Self.key(did, cid, end)
        let displaced = sessions.withLock { table in
            defer { table[next] = session }
            return table[next]
        }
        displaced?.close()
        return data
    }

    /// Closes every download idle for longer than `abandonAfter`; returns how many.
    @discardableResult
    func reap(now: ContinuousClock.Instant = .now) -> Int {
        let idle = sessions.withLock { all in
            let keys = all.filter { now - $0.value.state.withLock { $0.lastActive } > abandonAfter }.map(\.key)
            return keys.compactMap { all.removeValue(forKey: $0) }
        }
        for session in idle { session.close() }
        return idle.count
    }

    private static func key(_ did: String, _ cid: String, _ offset: Int64) -> String { "\(did) \(cid) \(offset)" }
}

extension S3BlobStore {
    public var readsAreRequests: Bool { true }
}
