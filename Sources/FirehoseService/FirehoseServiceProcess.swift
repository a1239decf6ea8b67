import Config
import EventStream
import Foundation
import IPC
import IPLD
import Storage
import Synchronization

/// The FirehoseService: sequences events from RepoService and AuthService into
/// `sequencer.sqlite`, answers backfill reads, and publishes each new event to the gateways
/// the moment it is sequenced.
public struct FirehoseServiceImplementation: FirehoseServiceAPI {
    let identity = ProcessIdentity(service: .firehose, version: PDSConfig.softwareVersion)
    public let sequencer: Sequencer
    let publisher: EventPublisher?
    /// The retention window reported by `state` (pruning itself is `RetentionPruner`'s).
    let retentionHours: Int
    /// Told of every newly sequenced event.
    let crawlers: CrawlerNotifier?

    public init(sequencer: Sequencer, publisher: EventPublisher?, retentionHours: Int = 72, crawlers: CrawlerNotifier? = nil) {
        self.sequencer = sequencer
        self.publisher = publisher
        self.retentionHours = retentionHours
        self.crawlers = crawlers
    }

    public func ping(_ request: PingRequest) async throws(IPCError) -> PingResponse { identity.ping(request, databases: [sequencer.pool.path]) }

    public func appendEvents(_ request: FirehoseTypes.AppendRequest) async throws(IPCError) -> FirehoseTypes.AppendResponse {
        // Every event is checked before any is sequenced, and the batch is sequenced in one
        // transaction: a relay's batch is all in or all out.
        var submissions: [Sequencer.Submission] = []
        for e in request.events {
            guard let kind = EventKind(rawValue: e.kind) else { throw IPCError.remote(name: "InvalidRequest", message: "unknown event kind \(e.kind)") }
            do {
                submissions.append(.init(did: e.did, kind: kind, dedupeKey: e.dedupeKey, body: try DAGCBOR.decode([UInt8](e.body))))
            } catch {
                throw IPCError.remote(name: "InvalidRequest", message: "event body: \(error.message)")
            }
        }
        let results: [(seq: Int64, isNew: Bool)]
        do {
            results = try await sequencer.append(submissions)
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "sequencing failed: \(error)")
        }
        for (submission, (seq, isNew)) in zip(submissions, results) where isNew {
            crawlers?.activity()
            guard let publisher else { continue }
            var withSeq = submission.body
            if case .map(var m) = withSeq { m["seq"] = .int(seq); withSeq = .map(m) }
            publisher.publish(PublishedEvent(topic: "repo", payload: FirehoseWire.encode(seq: seq, frame: EventFrame.message(submission.kind, body: withSeq))))
        }
        return FirehoseTypes.AppendResponse(seqs: results.map(\.seq))
    }

    public func eventsAfter(_ request: FirehoseTypes.AfterRequest) async throws(IPCError) -> FirehoseTypes.AfterResponse {
        do {
            let events = try await sequencer.events(after: request.cursor, limit: max(1, min(request.limit, 1000)))
            return FirehoseTypes.AfterResponse(events: events.map { .init(seq: $0.seq, frame: Data($0.frame)) })
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "reading events failed: \(error)")
        }
    }

    public func state(_ request: Empty) async throws(IPCError) -> FirehoseTypes.StateResponse {
        do {
            let oldest = try await sequencer.oldest()
            return FirehoseTypes.StateResponse(head: try await sequencer.currentSeq(), oldest: oldest?.seq,
                                               retentionHours: retentionHours, oldestTime: oldest?.at)
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "reading state failed: \(error)")
        }
    }
}

/// Starts the FirehoseService process's sockets: its ROUTER and the PUB socket gateways subscribe to.
public enum FirehoseServiceProcess {
    /// The process's retention timer.
    static let pruner = Mutex<RetentionPruner?>(nil)

    /// Binds both endpoints from `config` and serves until stopped.
    public static func start(config: PDSConfig) async throws(IPCError) -> ServiceHost {
        let sequencer: Sequencer
        do {
            sequencer = try Sequencer(path: config.dataDirectory + "/sequencer.sqlite",
                                      options: SQLiteOptions(disableWALAutoCheckpoint: config.sqliteDisableWALAutoCheckpoint))
        } catch {
            throw IPCError.remote(name: "InternalServerError", message: "cannot open sequencer.sqlite: \(error)")
        }
        let events = try await EventPublisher(endpoint: config.ipc.firehoseEvents)
        let crawlers = CrawlerNotifier(crawlers: config.crawlers, hostname: config.hostname)
        let service = FirehoseServiceImplementation(sequencer: sequencer, publisher: events,
                                                    retentionHours: config.firehoseRetentionHours, crawlers: crawlers)
        let host: ServiceHost
        do {
            var handlers = service.rpcHandlers()
            service.registerSnapshot(into: &handlers)
            host = try await ServiceHost.serve(.firehose, at: config.ipc.firehose, handlers: handlers, publishers: [events])
        } catch {
            await events.stop()
            throw error
        }
        // Lives as long as the process: the process ends when its host stops.
        pruner.withLock { $0 = RetentionPruner(sequencer: sequencer, window: .seconds(config.firehoseRetentionHours * 3600)) }
        return host
    }
}
