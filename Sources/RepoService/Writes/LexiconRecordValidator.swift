import IPLD
import Lexicon

extension LexiconCatalog {
    /// This catalog as RepoService's record check: known types are validated, unknown ones
    /// reported as such, and a violation becomes an `InvalidRequest` naming the path.
    public var recordValidator: RecordValidator {
        let catalog = self
        return { collection, record in
            switch catalog.validateRecord(collection: collection, value: record) {
            case .valid: return .valid
            case .unknownType: return .unknown
            case .invalid(let error): throw RepoServiceError.invalidRequest("Invalid \(collection) record: \(error.message)")
            }
        }
    }
}
