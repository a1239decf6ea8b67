import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Identity
import Logging
import Synchronization

/// Tells the relays in `PDS_CRAWLERS` that this PDS has new activity
/// (`com.atproto.sync.requestCrawl`), at most once per `interval` (20 minutes, as the
/// reference PDS), so a relay that lost track of the host comes back to its firehose.
///
/// `activity()` never waits and never fails: the requests run in a task of their own and a
/// crawler that is down is only logged, so no write is ever slowed or refused by it.
public final class CrawlerNotifier: Sendable {
    /// The reference PDS's threshold between two notifications.
    public static let defaultInterval: TimeInterval = 20 * 60

    /// Sends one request: the crawler's `requestCrawl` URL and the JSON body.
    public typealias Send = @Sendable (_ url: URL, _ body: Data) async throws -> Void

    let crawlers: [URL]
    let hostname: String
    let interval: TimeInterval
    let send: Send
    let now: @Sendable () -> Date
    let logger: Logger
    private let lastNotified = Mutex<Date?>(nil)

    public init(crawlers: [URL], hostname: String, interval: TimeInterval = CrawlerNotifier.defaultInterval,
                send: Send? = nil, now: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = Logger(label: "pds.firehose.crawlers")) {
        self.crawlers = crawlers
        self.hostname = hostname
        self.interval = interval
        self.send = send ?? CrawlerNotifier.post
        self.now = now
        self.logger = logger
    }

    /// Notes new activity; starts the notifications if the last ones are old enough.
    /// Returns the task sending them (tests wait on it), or nil when none were due.
    @discardableResult
    public func activity() -> Task<Void, Never>? {
        guard !crawlers.isEmpty else { return nil }
        let current = now()
        let due = lastNotified.withLock { last -> Bool in
            if let last, current.timeIntervalSince(last) < interval { return false }
            last = current
            return true
        }
        guard due else { return nil }
        let body = (try? JSONEncoder().encode(["hostname": hostname])) ?? Data()
        return Task { [crawlers, send, logger] in
            await withTaskGroup(of: Void.self) { group in
                for crawler in crawlers {
                    group.addTask {
                        do { try await send(CrawlerNotifier.requestCrawlURL(crawler), body) } catch {
                            logger.warning("requestCrawl to \(crawler) failed: \(error)")
                        }
                    }
                }
            }
        }
    }

    /// The URL of `crawler`'s `requestCrawl` endpoint.
    public static func requestCrawlURL(_ crawler: URL) -> URL { crawler.appendingPathComponent("xrpc/com.atproto.sync.requestCrawl") }

    /// POSTs the body as JSON with a short deadline, no redirect followed. Relays are the
    /// operator's own list (`PDS_CRAWLERS`), so their addresses are not policed.
    static let post: Send = { url, body in
        let answer = try await OutboundHTTP(allowPrivateAddresses: true)
            .send("POST", url, headers: ["Content-Type": "application/json"], body: body, timeout: 10, maxBytes: 64 * 1024)
        if !(200..<300).contains(answer.status) { throw CrawlRequestError(status: answer.status) }
    }
}

/// A crawler answered `requestCrawl` with an error status.
struct CrawlRequestError: Error, CustomStringConvertible {
    let status: Int
    var description: String { "HTTP \(status)" }
}
