import FuzzSupport
import Syntax

/// The string syntax parsers: DID, handle, at-identifier, AT-URI, NSID, TID, record key,
/// datetime, CID string, language tag, generic URI and OAuth scopes. For each, the cheap
/// `isValid` must agree with the throwing initialiser, an accepted value's `string` must parse
/// again to an equal value, and its accessors must not trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = FuzzInput.text(FuzzInput.bytes(data, size)) else { return 0 }
    if let did = parse(DID.self, text, valid: DID.isValid, keepsSpelling: true) {
        _ = (did.method, did.identifier, did.kind, did.webHost, DID.isValidForAtproto(text))
    }
    if let handle = parse(Handle.self, text, valid: Handle.isValid, keepsSpelling: false) {
        Invariant.check(handle.string == text.lowercased(), "handle is not the lower-cased input")
        _ = (handle.labels, handle.tld, handle.hasReservedTLD)
    }
    if let id = parse(ATIdentifier.self, text, valid: ATIdentifier.isValid, keepsSpelling: false) { _ = (id.did, id.handle) }
    if let uri = parse(ATURI.self, text, valid: ATURI.isValid, keepsSpelling: true) {
        let rebuilt = ATURI(authority: uri.authority, collection: uri.collection, rkey: uri.rkey)
        guard let reparsed = try? ATURI(rebuilt.string) else { Invariant.fail("rebuilt AT-URI \(rebuilt.string) does not parse") }
        Invariant.check(reparsed.authority == uri.authority && reparsed.collection == uri.collection && reparsed.rkey == uri.rkey,
                        "rebuilt AT-URI has other parts")
    }
    if let nsid = parse(NSID.self, text, valid: NSID.isValid, keepsSpelling: true) { _ = (nsid.segments, nsid.authority, nsid.name) }
    if let tid = parse(TID.self, text, valid: TID.isValid, keepsSpelling: true), tid.integer >> 63 == 0 {
        // The syntax admits a set 64th bit (first character c-j); the integer form clears it.
        Invariant.check(TID(integer: tid.integer).string == text, "TID integer round trip differs")
        Invariant.check(TID(timestampMicros: tid.timestampMicros, clockID: tid.clockID) == tid, "TID parts round trip differs")
    }
    _ = parse(RecordKey.self, text, valid: RecordKey.isValid, keepsSpelling: true)
    if let datetime = parse(ATDatetime.self, text, valid: ATDatetime.isValid, keepsSpelling: true) {
        _ = (datetime.epochSeconds, datetime.date)
        Invariant.check(ATDatetime.isWellFormed(text), "a valid datetime is not well-formed")
    }
    _ = parse(CIDString.self, text, valid: CIDString.isValid, keepsSpelling: true)
    if let tag = parse(LanguageTag.self, text, valid: LanguageTag.isValid, keepsSpelling: true) {
        _ = (tag.primaryLanguage, tag.parts)
        Invariant.check(LanguageTag.isWellFormed(text), "a valid language tag is not well-formed")
    }
    _ = parse(GenericURI.self, text, valid: GenericURI.isValid, keepsSpelling: true)?.scheme
    scopes(text)
    return 0
}

/// Parses `text` as `T`, checking `isValid` agrees and the value's string parses to itself.
func parse<T: SyntaxValue>(_ type: T.Type, _ text: String, valid: (String) -> Bool, keepsSpelling: Bool) -> T? {
    let value = try? T(text)
    Invariant.check(valid(text) == (value != nil), "\(T.self).isValid disagrees with init on \(text.debugDescription.prefix(200))")
    guard let value else { return nil }
    if keepsSpelling { Invariant.check(value.string == text, "\(T.self) changed the spelling of \(text.prefix(200))") }
    guard let again = try? T(value.string) else { Invariant.fail("\(T.self) string \(value.string.prefix(200)) does not parse") }
    Invariant.check(again == value, "\(T.self) differs after a round trip")
    return value
}

/// OAuth scope strings: parsing never fails (unknown scopes are kept by name), a scope this
/// server does not know keeps its text, and the permission checks run on any set.
func scopes(_ text: String) {
    let permissions = ScopePermissions(text)
    for scope in permissions.scopes {
        if case .unknown(let t) = scope { Invariant.check(!t.contains(" "), "an unknown scope holds a space") }
        _ = OAuthScope(scope.description)
    }
    _ = permissions.allowsRepo(collection: "app.bsky.feed.post", action: .create)
    _ = permissions.allowsBlob(mime: "image/png")
    _ = permissions.allowsRPC(lxm: "app.bsky.feed.getFeed", aud: "did:web:api.bsky.app#bsky_appview")
    _ = permissions.allowsAccount("email", action: .manage)
    _ = permissions.allowsIdentity("handle")
    _ = ScopePermissions.isSubset(text, of: "atproto transition:generic")
}
