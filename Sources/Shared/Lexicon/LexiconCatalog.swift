import Foundation
import IPLD
import Syntax

/// The outcome of validating a record against its collection's Lexicon.
public enum RecordValidation: Sendable, Equatable {
    /// The record matches its schema.
    case valid
    /// The catalog has no record definition for the collection.
    case unknownType
    /// The record breaks its schema.
    case invalid(LexiconError)

    /// The `validationStatus` a write reports: `valid`, `unknown`, or nil when invalid.
    public var validationStatus: String? {
        switch self {
        case .valid: "valid"
        case .unknownType: "unknown"
        case .invalid: nil
        }
    }
}

/// A set of Lexicon documents with their definitions indexed by qualified reference, so
/// references resolve across documents. Holds the project's built-in definitions plus
/// any documents added (an operator's `PDS_LEXICON_DIR`).
public struct LexiconCatalog: Sendable {
    /// The documents, by NSID. A later document with the same NSID replaces the earlier.
    public private(set) var documents: [String: LexiconDocument] = [:]
    /// Every definition, by qualified reference (`nsid` for main, `nsid#name`).
    private(set) var defs: [String: LexiconDef] = [:]

    /// An empty catalog.
    public init() {}

    /// A catalog of the given documents.
    public init(_ documents: [LexiconDocument]) {
        for doc in documents { add(doc) }
    }

    /// The project's own definitions of the record types a PDS validates.
    public static let builtIn = LexiconCatalog(BuiltInLexicons.documents)

    /// Adds a document, replacing one with the same NSID.
    public mutating func add(_ document: LexiconDocument) {
        if let old = documents[document.id] {
            for name in old.defs.keys { defs[LexiconRef.key(document: old.id, def: name)] = nil }
        }
        documents[document.id] = document
        for (name, def) in document.defs { defs[LexiconRef.key(document: document.id, def: name)] = def }
    }

    /// Adds every `*.json` Lexicon document under `directory` (searched recursively),
    /// returning how many were loaded. A file that is not a valid document is an error
    /// naming the file: a typo in an operator's lexicons should stop start-up, not be ignored.
    @discardableResult
    public mutating func load(directory: URL) throws(LexiconError) -> Int {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LexiconError(.invalidDocument, "lexicon directory \(directory.path) does not exist")
        }
        guard let walker = fm.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw LexiconError(.invalidDocument, "cannot read lexicon directory \(directory.path)")
        }
        var files = [URL]()
        for case let url as URL in walker where url.pathExtension == "json" { files.append(url) }
        files.sort { $0.path < $1.path }
        var loaded = 0
        for url in files {
            guard let data = fm.contents(atPath: url.path) else {
                throw LexiconError(.invalidDocument, "cannot read \(url.path)")
            }
            do { add(try LexiconDocument(json: [UInt8](data))) } catch {
                throw LexiconError(.invalidDocument, "\(url.path): \(error.message)")
            }
            loaded += 1
        }
        return loaded
    }

    /// The definition a reference names (`nsid`, `nsid#main` or `nsid#name`).
    public func definition(_ ref: String) -> LexiconDef? { defs[LexiconRef.normalize(ref)] }

    /// Validates a record for `collection`. The record's `$type`, if present, must name the
    /// collection; with `rkey` given, the key must fit the collection's key scheme.
    public func validateRecord(collection: String, rkey: String? = nil, value: DataValue) -> RecordValidation {
        guard let def = defs[collection] else { return .unknownType }
        guard case .record(let record) = def else {
            return .invalid(LexiconError(.invalidValue, "\(collection) is a \(def.typeName), not a record type"))
        }
        if case .map(let map) = value, let type = map["$type"], type != .string(collection) {
            return .invalid(LexiconError(.invalidValue, "Record/$type must be \(collection)"))
        }
        if let rkey, let problem = Self.keyProblem(rkey, record.key) {
            return .invalid(LexiconError(.invalidValue, "Record key \(rkey) \(problem)"))
        }
        var validator = ValueValidator(defs: defs, root: "Record")
        do { try validator.validateObject(value, record.record) } catch { return .invalid(error) }
        return .valid
    }

    /// Validates `value` against the definition `ref` names; `root` starts error paths.
    public func validate(_ value: DataValue, against ref: String, root: String = "Value") throws(LexiconError) {
        var validator = ValueValidator(defs: defs, root: root)
        try validator.validateRef(value, LexiconRef.normalize(ref))
    }

    /// Validates `value` against a schema, resolving references in this catalog.
    public func validate(_ value: DataValue, as type: LexiconType, root: String = "Value") throws(LexiconError) {
        var validator = ValueValidator(defs: defs, root: root)
        try validator.validate(value, type)
    }

    /// References made by some definition that name nothing in the catalog, sorted.
    public func unresolvedReferences() -> [String] {
        var missing = Set<String>()
        for def in defs.values {
            def.forEachRef { ref in if defs[ref] == nil { missing.insert(ref) } }
        }
        return missing.sorted()
    }

    private static func keyProblem(_ rkey: String, _ type: RecordKeyType) -> String? {
        guard RecordKey.isValid(rkey) else { return "is not a valid record key" }
        switch type {
        case .any: return nil
        case .tid: return TID.isValid(rkey) ? nil : "must be a TID"
        case .nsid: return NSID.isValid(rkey) ? nil : "must be an NSID"
        case .literal(let literal): return rkey == literal ? nil : "must be \(literal)"
        }
    }
}
