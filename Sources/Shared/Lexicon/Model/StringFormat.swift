/// The `format` of a Lexicon string, named as the Lexicon language spells it.
public enum StringFormat: String, Sendable, Hashable, CaseIterable {
    case atIdentifier = "at-identifier"
    case atURI = "at-uri"
    case cid
    case datetime
    case did
    case handle
    case language
    case nsid
    case recordKey = "record-key"
    case tid
    case uri
}
