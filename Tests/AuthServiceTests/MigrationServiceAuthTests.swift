import ATCrypto
@testable import AuthService
import Foundation
import Identity
import Testing

/// The service-auth check of `createAccount` with an existing DID: only a token the DID's
/// current key signed, for this PDS and this method, unexpired, lets an account arrive.
@Suite struct MigrationServiceAuthTests {
    static let did = "did:plc:migrantmigrantmigrantmi"
    static let service = "did:web:pds.example"
    let key = K256PrivateKey()

    var document: DIDDocument {
        DIDDocument(did: Self.did, alsoKnownAs: ["at://alice.example"], verificationMethods: ["atproto": key.didKey], services: [:])
    }

    func token(iss: String = did, aud: String = service, lxm: String? = "com.atproto.server.createAccount",
               exp: Int = Int(Date().timeIntervalSince1970) + 60, key signer: (any SigningKey)? = nil) throws -> String {
        try ServiceJWT.sign(.init(iss: iss, aud: aud, exp: exp, iat: Int(Date().timeIntervalSince1970), lxm: lxm, jti: ServiceJWT.newJTI()),
                            with: signer ?? key)
    }

    func refusal(_ token: String?) -> AuthError? {
        do {
            try AccountMigration.verifyServiceAuth(token, did: Self.did, document: document, serviceDID: Self.service)
            return nil
        } catch { return error }
    }

    @Test func acceptsTheDIDsOwnTokenForThisPDS() throws {
        #expect(refusal(try token()) == nil)
        #expect(refusal(try token(lxm: nil)) == nil)
    }

    @Test func refusesEverythingElse() throws {
        let cases: [(String?, String)] = [
            (nil, "Missing auth"),
            (try token(key: K256PrivateKey()), "does not verify"),
            (try token(iss: "did:plc:someoneelsesomeoneelseso"), "Missing auth"),
            (try token(aud: "did:web:other.example"), "not this PDS"),
            (try token(lxm: "com.atproto.repo.createRecord"), "not com.atproto.server.createAccount"),
            (try token(exp: Int(Date().timeIntervalSince1970) - 5), "does not verify"),
            ("not.a.jwt", "does not verify"),
        ]
        for (token, needle) in cases {
            let error = refusal(token)
            #expect(error?.xrpcError == "AuthenticationRequired" && error?.status == 401 && error?.message.contains(needle) == true,
                    "\(needle): \(String(describing: error))")
        }
        let keyless = DIDDocument(did: Self.did, alsoKnownAs: [], verificationMethods: [:], services: [:])
        #expect(throws: AuthError.self) {
            try AccountMigration.verifyServiceAuth(try token(), did: Self.did, document: keyless, serviceDID: Self.service)
        }
    }
}
