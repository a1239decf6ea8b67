import ATCrypto
import FuzzSupport
import IPLD
import JOSE

/// JWT and compact JWS parsing: `CompactJWS`, `DPoPProofCheck.verify` (a fixed method and URL,
/// any nonce accepted) and `ServiceJWT` (`unverifiedClaims`, `verify`). The first byte picks
/// what the rest is: 0 a whole token; 1 a DPoP payload and 2 a DPoP header, each signed with
/// a fixed key around a valid other half (so the checks past the signature are reached);
/// 3 a service-JWT payload, signed. A token that verifies must verify again once re-signed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    guard let mode = bytes.first else { return 0 }
    let rest = Array(bytes.dropFirst())
    switch mode % 4 {
    case 0:
        guard let token = FuzzInput.text(rest) else { return 0 }
        compact(token)
        dpop(token)
        serviceJWT(token)
    case 1: dpop(Fixed.sign(header: Fixed.dpopHeader, payload: rest), withToken: mode & 4 != 0, jkt: Fixed.jwk.thumbprint())
    case 2: dpop(Fixed.sign(header: rest, payload: Fixed.dpopPayload))
    default: serviceJWT(Fixed.sign(header: Array("{\"alg\":\"ES256\",\"typ\":\"JWT\"}".utf8), payload: rest))
    }
    return 0
}

/// A compact JWS's parts must survive being written back in base64url.
func compact(_ token: String) {
    guard let jws = CompactJWS(token) else { return }
    _ = (jws.header, jws.payload)
    let again = Base64URL.encode(jws.headerBytes) + "." + Base64URL.encode(jws.payloadBytes) + "." + Base64URL.encode(jws.signature)
    guard let reparsed = CompactJWS(again) else { Invariant.fail("re-encoded JWS does not parse") }
    Invariant.check(reparsed.headerBytes == jws.headerBytes && reparsed.payloadBytes == jws.payloadBytes
                    && reparsed.signature == jws.signature, "JWS parts differ after re-encoding")
}

/// Checks a proof; one signed with the fixed key must be bound to that key's thumbprint `jkt`.
func dpop(_ proof: String, withToken: Bool = false, jkt: String? = nil) {
    let token = withToken ? Fixed.accessToken : nil
    guard let checked = try? DPoPProofCheck.verify(proof, method: Fixed.method, urls: Fixed.urls, accessToken: token,
                                                    now: Fixed.now, nonceIsValid: { _ in true }) else { return }
    if let jkt { Invariant.check(checked.jkt == jkt, "accepted proof is bound to \(checked.jkt), not the signing key") }
    Invariant.check(!checked.jti.isEmpty && checked.jti.count <= 256, "accepted proof has an empty or long jti")
    _ = (checked.replayKey, checked.replayExpiresAt)
}

func serviceJWT(_ token: String) {
    _ = try? ServiceJWT.unverifiedClaims(token)
    guard let claims = try? ServiceJWT.verify(token, key: Fixed.privateKey.publicKey, now: Fixed.now) else { return }
    Invariant.check((try? ServiceJWT.unverifiedClaims(token)) == claims, "unverified claims differ from verified ones")
    guard let resigned = try? ServiceJWT.sign(claims, with: Fixed.privateKey) else { Invariant.fail("verified claims cannot be signed") }
    Invariant.check((try? ServiceJWT.verify(resigned, key: Fixed.privateKey.publicKey, now: Fixed.now)) == claims,
                    "re-signed service JWT does not verify to the same claims")
}
