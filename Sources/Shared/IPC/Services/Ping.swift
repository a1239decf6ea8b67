import Foundation

/// Asks a service whether it is alive.
public struct PingRequest: Codable, Sendable, Equatable {
    /// Also survey the service's SQLite write-ahead logs (`_health` asks; liveness checks do not).
    public var includeWAL: Bool?
    public init(includeWAL: Bool? = nil) { self.includeWAL = includeWAL }
}

/// What a live service says about itself.
public struct PingResponse: Codable, Sendable, Equatable {
    /// Which service answered.
    public var service: ServiceName
    /// The software version it runs.
    public var version: String
    /// Its process id: a restart shows up as a new pid.
    public var pid: Int32
    /// Seconds since it started.
    public var uptimeSeconds: Double
    /// Its SQLite write-ahead logs, when asked for.
    public var wal: WALReport?

    public init(service: ServiceName, version: String, pid: Int32, uptimeSeconds: Double, wal: WALReport? = nil) {
        self.service = service
        self.version = version
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.wal = wal
    }
}

/// The methods every service answers, whatever else it does.
public enum CommonMethods {
    /// Liveness and identity; the gateway's `/xrpc/_health` calls it on every service.
    public static let ping = RPCMethod<PingRequest, PingResponse>("ping")
}

/// The liveness answer of the current process, for `ping` implementations.
public struct ProcessIdentity: Sendable {
    public let service: ServiceName
    public let version: String
    private let started = ContinuousClock.now

    public init(service: ServiceName, version: String) {
        self.service = service
        self.version = version
    }

    /// This process's ping reply, now; `databases` are the service's SQLite files or the
    /// directories holding them, surveyed when the request asks for WAL sizes.
    public func ping(_ request: PingRequest = PingRequest(), databases: [String] = []) -> PingResponse {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return PingResponse(service: service, version: version, pid: ProcessInfo.processInfo.processIdentifier,
                            uptimeSeconds: seconds, wal: request.includeWAL == true ? WALReport.survey(databases) : nil)
    }
}
