/// An AT-URI in the strict form Lexicon's `at-uri` format requires:
/// `at://<handle-or-DID>[/<collection NSID>[/<record key>]]`.
///
/// No query, fragment, trailing slash or extra path segments are accepted; the whole URI is
/// at most 8 KB. The original spelling is kept as `string` (authority case included), so a
/// URI round-trips unchanged; `authority` gives the parsed (normalised) identifier.
public struct ATURI: SyntaxValue {
    public static let maxLength = 8 * 1024

    public let string: String
    /// The repository: a DID or a handle.
    public let authority: ATIdentifier
    /// The collection, if the URI names one.
    public let collection: NSID?
    /// The record key, if the URI names a record.
    public let rkey: RecordKey?

    public init(_ string: String) throws(SyntaxError) {
        let parts: (Substring, Substring?, Substring?)
        switch ATURI.split(string) {
        case .success(let p): parts = p
        case .failure(let problem): throw SyntaxError(.atURI, input: string, message: problem.message)
        }
        do {
            authority = try ATIdentifier(String(parts.0))
            collection = try parts.1.map { s throws(SyntaxError) in try NSID(String(s)) }
            rkey = try parts.2.map { s throws(SyntaxError) in try RecordKey(String(s)) }
        } catch {
            throw SyntaxError(.atURI, input: string, message: "\(error.kind.rawValue): \(error.message)")
        }
        self.string = string
    }

    /// Builds `at://authority[/collection[/rkey]]`.
    public init(authority: ATIdentifier, collection: NSID? = nil, rkey: RecordKey? = nil) {
        precondition(rkey == nil || collection != nil, "an AT-URI with a record key needs a collection")
        var s = "at://" + authority.string
        if let collection { s += "/" + collection.string }
        if let rkey { s += "/" + rkey.string }
        self.string = s
        self.authority = authority
        self.collection = collection
        self.rkey = rkey
    }

    /// Cheap check: no allocation beyond substring views on success.
    public static func isValid(_ string: String) -> Bool {
        guard case .success(let (a, c, r)) = split(string) else { return false }
        return ATIdentifier.isValid(String(a))
            && (c.map { NSID.isValid(String($0)) } ?? true)
            && (r.map { RecordKey.isValid(String($0)) } ?? true)
    }

    struct Problem: Error { let message: String }

    /// Splits into authority / collection / rkey without validating the parts.
    static func split(_ string: String) -> Result<(Substring, Substring?, Substring?), Problem> {
        let utf8 = string.utf8
        if utf8.count > maxLength { return .failure(Problem(message: "longer than \(maxLength) characters")) }
        guard utf8.starts(with: "at://".utf8) else { return .failure(Problem(message: "must start with \"at://\"")) }
        let rest = string[utf8.index(utf8.startIndex, offsetBy: 5)...]
        let pieces = rest.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        if pieces.count > 3 { return .failure(Problem(message: "too many path segments")) }
        if pieces.contains(where: \.isEmpty) {
            return .failure(Problem(message: "empty authority or path segment (trailing slash?)"))
        }
        return .success((pieces[0], pieces.count > 1 ? pieces[1] : nil, pieces.count > 2 ? pieces[2] : nil))
    }
}
