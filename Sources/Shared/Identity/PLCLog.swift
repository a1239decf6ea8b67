import ATCrypto
import Foundation
import IPLD

/// One DID's operation log as a PLC directory keeps it, with the directory's rules for
/// accepting a new operation.
public struct PLCLog: Sendable {
    /// A logged operation.
    public struct Entry: Sendable, Equatable {
        public let operation: PLCOperation
        public let cid: CID
        public var nullified: Bool
        public let createdAt: Date

        public init(operation: PLCOperation, cid: CID, nullified: Bool, createdAt: Date) {
            self.operation = operation
            self.cid = cid
            self.nullified = nullified
            self.createdAt = createdAt
        }
    }

    /// How long a higher-priority rotation key may override (nullify) later operations.
    public static let recoveryWindow: TimeInterval = 72 * 3600

    public let did: String
    public private(set) var entries: [Entry]

    /// A log holding `entries` (as stored).
    public init(did: String, entries: [Entry]) {
        self.did = did
        self.entries = entries
    }

    /// Starts a log from a genesis operation, checking that it is self-signed and that it
    /// hashes to `did`.
    public static func genesis(_ op: PLCOperation, did: String, at time: Date = Date()) throws(PLCError) -> PLCLog {
        guard op.prev == nil else { throw PLCError("genesis operation must have prev: null") }
        guard case .update(let state) = op.kind else { throw PLCError("genesis operation cannot be a tombstone") }
        guard op.genesisDID == did else { throw PLCError("DID \(did) does not match the genesis operation (\(op.genesisDID))") }
        guard try PLCLog.signerIndex(op, among: state.rotationKeys) != nil else {
            throw PLCError("genesis operation is not signed by one of its rotation keys")
        }
        return PLCLog(did: did, entries: [Entry(operation: op, cid: op.cid, nullified: false, createdAt: time)])
    }

    /// The live (not nullified) entries.
    public var live: [Entry] { entries.filter { !$0.nullified } }

    /// The current state, or nil when the DID is tombstoned.
    public var state: PLCState? {
        guard let last = live.last, case .update(let s) = last.operation.kind else { return nil }
        return s
    }

    /// Appends an operation if the directory's rules allow it: `prev` names a live entry;
    /// a rotation key of that entry's state signed it; and if `prev` is not the newest entry,
    /// the signer outranks the key that signed the entry after `prev`, within 72 hours —
    /// the later entries are then nullified.
    public mutating func append(_ op: PLCOperation, at time: Date = Date()) throws(PLCError) {
        guard let prev = op.prev else { throw PLCError("operation must name prev") }
        if entries.contains(where: { $0.cid == op.cid }) { throw PLCError("operation already in the log") }
        let liveEntries = live
        guard let index = liveEntries.firstIndex(where: { $0.cid == prev }) else {
            throw PLCError("prev \(prev) is not a live operation of \(did)")
        }
        guard case .update(let prevState) = liveEntries[index].operation.kind else {
            throw PLCError("the DID is tombstoned")
        }
        guard let signer = try PLCLog.signerIndex(op, among: prevState.rotationKeys) else {
            throw PLCError("operation is not signed by a rotation key of its prev")
        }
        if case .update(let s) = op.kind { try s.validate() }
        let later = liveEntries[(index + 1)...]
        if let firstLater = later.first {
            guard let laterSigner = try PLCLog.signerIndex(firstLater.operation, among: prevState.rotationKeys),
                  signer < laterSigner else {
                throw PLCError("only a higher-priority rotation key can override a later operation")
            }
            guard time.timeIntervalSince(firstLater.createdAt) < PLCLog.recoveryWindow else {
                throw PLCError("the 72-hour recovery window has passed")
            }
            let nullify = Set(later.map(\.cid))
            for i in entries.indices where nullify.contains(entries[i].cid) { entries[i].nullified = true }
        }
        entries.append(Entry(operation: op, cid: op.cid, nullified: false, createdAt: time))
    }

    /// The position of the rotation key that signed `op`, if any.
    static func signerIndex(_ op: PLCOperation, among keys: [String]) throws(PLCError) -> Int? {
        for (i, k) in keys.enumerated() {
            let key: any PublicKey
            do { key = try DIDKey.parse(k) } catch { throw PLCError("rotation key \(k.prefix(80)) is not a did:key") }
            if op.isSigned(by: key) { return i }
        }
        return nil
    }
}
