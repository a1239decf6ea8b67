import IPLD
import Repo
import Syntax

/// One write as `applyWrites` (and createRecord/putRecord/deleteRecord) asks for it, with the
/// record as JSON text straight from the client: RepoService parses and checks it.
public struct WriteRequest: Codable, Sendable, Equatable {
    /// What the write does.
    public enum Action: String, Codable, Sendable { case create, update, delete }

    public var action: Action
    public var collection: String
    /// Absent on create: a new TID is used.
    public var rkey: String?
    /// The record as atproto JSON (create and update).
    public var recordJSON: String?
    /// For update/delete: the CID the record must have now (`swapRecord`); `.some(nil)` means
    /// "must not exist" (putRecord creating).
    public var swapRecord: String??

    public init(action: Action, collection: String, rkey: String? = nil, recordJSON: String? = nil, swapRecord: String?? = nil) {
        self.action = action
        self.collection = collection
        self.rkey = rkey
        self.recordJSON = recordJSON
        self.swapRecord = swapRecord
    }
}

/// How a record fared against its Lexicon, as `validationStatus` reports it.
public enum ValidationStatus: String, Codable, Sendable {
    case valid, unknown
}

/// Whether to check records against their Lexicon (`validate` in the request).
public enum ValidationMode: Sendable {
    /// `validate: true`: unknown record types are refused.
    case required
    /// Unset: known types are checked, unknown ones accepted as "unknown".
    case optimistic
    /// `validate: false`: skip.
    case skip

    public init(_ flag: Bool?) { self = flag.map { $0 ? .required : .skip } ?? .optimistic }
}

/// Checks a record against the Lexicon of its collection. Returns `.unknown` when the type
/// has no schema here; throws a `RepoServiceError` when the record does not conform.
public typealias RecordValidator = @Sendable (_ collection: String, _ record: DataValue) throws -> ValidationStatus

/// A write checked and ready for the repository, with what the response reports.
struct PreparedWrite {
    let write: RecordWrite
    let uriPath: String
    let swapRecord: CID??
    let validationStatus: ValidationStatus?
}

/// The data-level rules every write passes before touching the repo.
enum WritePreparation {
    /// Records above this are refused: the sync spec's per-record limit.
    static let maxRecordBytes = 1_000_000
    /// The sync spec's limit on ops per commit.
    static let maxWrites = 200

    static func prepare(_ requests: [WriteRequest], mode: ValidationMode, validator: RecordValidator,
                        clock: TIDClock) throws -> [PreparedWrite] {
        guard !requests.isEmpty else { throw RepoServiceError.invalidRequest("no writes given") }
        guard requests.count <= maxWrites else {
            throw RepoServiceError.invalidRequest("Too many writes. Max: \(maxWrites)")
        }
        var seen = Set<String>()
        return try requests.map { r in
            guard NSID.isValid(r.collection) else { throw RepoServiceError.invalidRequest("Invalid collection: \(r.collection)") }
            let rkey: String
            if let given = r.rkey {
                guard RecordKey.isValid(given) else { throw RepoServiceError.invalidRequest("Invalid record key: \(given)") }
                rkey = given
            } else if r.action == .create {
                rkey = clock.next().string
            } else {
                throw RepoServiceError.invalidRequest("rkey is required to \(r.action.rawValue) a record")
            }
            let path = "\(r.collection)/\(rkey)"
            guard seen.insert(path).inserted else { throw RepoServiceError.invalidRequest("Two writes to \(path) in one batch") }
            let swap: CID?? = try r.swapRecord.map { (s: String?) throws -> CID? in
                try s.map { (c: String) throws -> CID in
                    do { return try CID(string: c) } catch { throw RepoServiceError.invalidRequest("Invalid swapRecord CID: \(c)") }
                }
            }
            switch r.action {
            case .delete:
                return PreparedWrite(write: .delete(path: path), uriPath: path, swapRecord: swap, validationStatus: nil)
            case .create, .update:
                guard let json = r.recordJSON else { throw RepoServiceError.invalidRequest("record is required to \(r.action.rawValue)") }
                let record = try parseRecord(json, collection: r.collection)
                let status = try validate(record, collection: r.collection, mode: mode, validator: validator)
                let write: RecordWrite = r.action == .create ? .create(path: path, record: record) : .update(path: path, record: record)
                return PreparedWrite(write: write, uriPath: path, swapRecord: swap, validationStatus: status)
            }
        }
    }

    /// Parses and checks a record's data model: an object, `$type` equal to the collection,
    /// no floats, at most 1 MB encoded.
    static func parseRecord(_ json: String, collection: String) throws -> DataValue {
        let record: DataValue
        do { record = try DataModelJSON.parse(json) } catch { throw RepoServiceError.invalidRequest("Invalid record: \(error.message)") }
        do { try DataModel.validateRecord(record) } catch { throw RepoServiceError.invalidRequest("Invalid record: \(error.message)") }
        guard case .string(let type)? = record["$type"], type == collection else {
            throw RepoServiceError.invalidRequest("Invalid $type: expected \(collection), got \(record["$type"]?.stringValue ?? "none")")
        }
        guard DAGCBOR.encode(record).count <= maxRecordBytes else {
            throw RepoServiceError.invalidRequest("Record is too large (over \(maxRecordBytes) bytes)")
        }
        return record
    }

    static func validate(_ record: DataValue, collection: String, mode: ValidationMode, validator: RecordValidator) throws -> ValidationStatus? {
        switch mode {
        case .skip: return nil
        case .optimistic: return try validator(collection, record)
        case .required:
            let status = try validator(collection, record)
            guard status == .valid else {
                throw RepoServiceError.invalidRequest("Lexicon not found: lex:\(collection)")
            }
            return status
        }
    }
}
