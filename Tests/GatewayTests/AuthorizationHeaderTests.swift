@testable import Gateway
import HTTPTypes
import Testing

/// The `Authorization` header's scheme and credential, parsed byte-wise on every call.
@Suite struct AuthorizationHeaderTests {
    @Test func schemeMatchesWithoutCaseAndCredentialIsTrimmed() {
        #expect(Authenticator.credential("Bearer abc.def", scheme: "bearer") == "abc.def")
        #expect(Authenticator.credential("bEaReR   abc \t", scheme: "bearer") == "abc")
        #expect(Authenticator.credential("DPoP tok", scheme: "dpop") == "tok")
        #expect(Authenticator.credential("DPoP tok", scheme: "bearer") == nil)
        #expect(Authenticator.credential("Bearer", scheme: "bearer") == nil)
        #expect(Authenticator.credential("Bearerabc", scheme: "bearer") == nil)
        #expect(Authenticator.credential("Bearer    ", scheme: "bearer") == "")
        #expect(Authenticator.credential("Basic dXNlcjpwYXNz", scheme: "bearer") == nil)
        #expect(Authenticator.credential("Bearer ünïcode", scheme: "bearer") == "ünïcode")
    }

    @Test func aMissingOrEmptyBearerIsAuthenticationRequired() throws {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer   "
        #expect(throws: XRPCError.self) { try Authenticator.bearer(headers) }
        headers[.authorization] = "Bearer t"
        #expect(try Authenticator.bearer(headers) == "t")
    }
}
