import Foundation

/// Request and response types of the BackupService's methods.
public enum BackupTypes {
    /// What one backup run did.
    public struct Summary: Codable, Sendable {
        public var id: String
        public var files: Int
        public var bytes: Int64
        public var blobsCopied: Int
        public var seconds: Double
        public var deleted: [String]
        public init(id: String, files: Int, bytes: Int64, blobsCopied: Int, seconds: Double, deleted: [String]) {
            self.id = id; self.files = files; self.bytes = bytes; self.blobsCopied = blobsCopied; self.seconds = seconds; self.deleted = deleted
        }
    }
    /// What a restore drill found.
    public struct DrillResult: Codable, Sendable {
        public var backupID: String
        public var passed: Bool
        public var problems: [String]
        public var seconds: Double
        public init(backupID: String, passed: Bool, problems: [String], seconds: Double) {
            self.backupID = backupID; self.passed = passed; self.problems = problems; self.seconds = seconds
        }
    }
    /// The health figures of backups.
    public struct Status: Codable, Sendable {
        public var backups: Int
        public var lastCompleteID: String?
        public var lastCompleteAt: Date?
        public var lastDrillAt: Date?
        public var lastDrillPassed: Bool?
        public var warnings: [String]
        /// Whether backups are encrypted (`PDS_BACKUP_ENCRYPTION_KEY`); nil from an older service.
        public var encrypted: Bool?
        public init(backups: Int, lastCompleteID: String?, lastCompleteAt: Date?, lastDrillAt: Date?, lastDrillPassed: Bool?, warnings: [String]) {
            self.backups = backups; self.lastCompleteID = lastCompleteID; self.lastCompleteAt = lastCompleteAt
            self.lastDrillAt = lastDrillAt; self.lastDrillPassed = lastDrillPassed; self.warnings = warnings
        }
    }
}

/// The BackupService (it backs up every SQLite file and blob) as seen over IPC.
public protocol BackupServiceAPI: ServiceAPI {
    func runBackup(_ request: Empty) async throws(IPCError) -> BackupTypes.Summary
    func runDrill(_ request: Empty) async throws(IPCError) -> BackupTypes.DrillResult
    func status(_ request: Empty) async throws(IPCError) -> BackupTypes.Status
}

/// The wire names and types of the BackupService's own methods.
public enum BackupMethods {
    public static let runBackup = RPCMethod<Empty, BackupTypes.Summary>("runBackup")
    public static let runDrill = RPCMethod<Empty, BackupTypes.DrillResult>("runDrill")
    public static let status = RPCMethod<Empty, BackupTypes.Status>("status")
}

extension BackupServiceAPI {
    /// This implementation's methods, ready to serve over a socket or in-process.
    public func rpcHandlers() -> RPCHandlers {
        var h = RPCHandlers()
        registerCommonMethods(into: &h)
        h.register(BackupMethods.runBackup) { r async throws(IPCError) in try await self.runBackup(r) }
        h.register(BackupMethods.runDrill) { r async throws(IPCError) in try await self.runDrill(r) }
        h.register(BackupMethods.status) { r async throws(IPCError) in try await self.status(r) }
        return h
    }
}

/// Calls a BackupService through an `RPCCaller`.
public struct BackupServiceClient: BackupServiceAPI {
    public let caller: any RPCCaller

    public init(caller: any RPCCaller) { self.caller = caller }

    public func ping(_ r: PingRequest) async throws(IPCError) -> PingResponse { try await caller.call(CommonMethods.ping, r) }
    public func runBackup(_ r: Empty) async throws(IPCError) -> BackupTypes.Summary { try await caller.call(BackupMethods.runBackup, r, timeout: .seconds(7200)) }
    public func runDrill(_ r: Empty) async throws(IPCError) -> BackupTypes.DrillResult { try await caller.call(BackupMethods.runDrill, r, timeout: .seconds(7200)) }
    public func status(_ r: Empty) async throws(IPCError) -> BackupTypes.Status { try await caller.call(BackupMethods.status, r) }
}
