import ATCrypto
import Foundation
import Identity
import IPC
import IPLD
import Syntax

/// The identity half of a migration, with the reference PDS's rules: the credentials a DID
/// should carry to be hosted here, the emailed token that lets this PDS sign a PLC
/// operation for an account, the signature itself, and the submission of an operation
/// that points the DID here; plus the check `checkAccountStatus` reports as `validDid`.
struct PLCOperations: Sendable {
    let store: AuthStore
    let emails: EmailFlows
    let lifecycle: AccountLifecycle
    let plc: PLCClient
    let documents: DIDDocuments
    let repo: any RepoServiceAPI
    let rotationKey: any SigningKey
    let pdsEndpoint: String

    /// `getRecommendedDidCredentials`: this PDS's rotation key, the handle, the account's
    /// signing key here and this PDS as `atproto_pds`.
    func recommendedState(did: String) async throws -> PLCState {
        guard let account = try await store.account(identifier: did) else { throw AuthError.accountNotFound }
        let signingKey = try await repo.describeRepo(.init(did: did)).signingKey
        return PLCState.account(rotationKeys: [rotationKey.didKey], signingKey: signingKey, handle: account.handle, pdsEndpoint: pdsEndpoint)
    }

    /// `requestPlcOperationSignature`: mails a token for `signPlcOperation`.
    func requestSignature(did: String) async throws {
        guard let account = try await store.account(identifier: did) else { throw AuthError.invalidRequest("account not found") }
        guard let email = account.email else { throw AuthError.invalidRequest("account does not have an email address") }
        try await emails.mail(email, "PLC update requested", purpose: "plc_operation", did: did)
    }

    /// `signPlcOperation`: the token (single use, 15 minutes), then an update of the DID's
    /// newest operation with the fields given, signed with this PDS's rotation key — which
    /// the DID's current rotation keys must include, or the directory would refuse it.
    func sign(did: String, token: String?, fields: DataMap) async throws -> PLCOperation {
        guard let token, !token.isEmpty else {
            throw AuthError.invalidRequest("email confirmation token required to sign PLC operations")
        }
        guard try await store.consumeEmailToken(purpose: "plc_operation", did: did, token: token) else {
            throw AuthError("InvalidToken", "Token is invalid or expired", status: 400)
        }
        guard did.hasPrefix("did:plc:") else { throw AuthError.invalidRequest("Only did:plc identities have PLC operations") }
        let last = try await plc.lastOperation(did: did)
        guard case .update(let state) = last.kind else { throw AuthError.invalidRequest("Did is tombstoned") }
        guard state.rotationKeys.contains(rotationKey.didKey) else {
            throw AuthError.invalidRequest("This PDS's rotation key (\(rotationKey.didKey)) is not among the DID's rotation keys: it cannot sign for \(did)")
        }
        guard case .map(var merged) = PLCOperation(kind: .update(state), prev: last.cid, sig: "").unsignedValue else {
            throw AuthError.internalError("cannot encode the PLC state")
        }
        for name in ["rotationKeys", "alsoKnownAs", "verificationMethods", "services"] {
            if let value = fields[name], value != .null { merged[name] = value }
        }
        let next: PLCState
        do { next = try PLCState(merged) } catch { throw AuthError.invalidRequest("Invalid PLC operation fields: \(error)") }
        return try PLCOperation.sign(.update(next), prev: last.cid, with: rotationKey)
    }

    /// `submitPlcOperation`: an operation must keep this PDS's rotation key, point
    /// `atproto_pds` here, carry the account's signing key here and its handle first; then it
    /// goes to the directory and an `#identity` event follows.
    func submit(did: String, operation value: DataValue) async throws {
        let op: PLCOperation
        do { op = try PLCOperation(value) } catch { throw AuthError.invalidRequest("Invalid operation: \(error)") }
        guard case .update(let state) = op.kind else { throw AuthError.invalidRequest("Invalid operation: a tombstone cannot be submitted here") }
        guard state.rotationKeys.contains(rotationKey.didKey) else {
            throw AuthError.invalidRequest("Rotation keys do not include server's rotation key")
        }
        guard state.services["atproto_pds"]?.type == "AtprotoPersonalDataServer" else {
            throw AuthError.invalidRequest("Incorrect type on atproto_pds service")
        }
        guard state.services["atproto_pds"]?.endpoint == pdsEndpoint else {
            throw AuthError.invalidRequest("Incorrect endpoint on atproto_pds service")
        }
        guard let account = try await store.account(identifier: did) else { throw AuthError.accountNotFound }
        let signingKey = try await repo.describeRepo(.init(did: did)).signingKey
        guard state.verificationMethods["atproto"] == signingKey else { throw AuthError.invalidRequest("Incorrect signing key") }
        guard state.alsoKnownAs.first == "at://\(account.handle)" else { throw AuthError.invalidRequest("Incorrect handle in alsoKnownAs") }
        try await plc.submitWithRetries(op, did: did)
        await lifecycle.emit(did: did, kind: "#identity", key: "plc-\(op.cid.string)",
                             body: ["did": .string(did), "handle": .string(account.handle), "time": .string(ATDatetime(Date()).string)])
    }

    /// Why the DID's current document does not make this PDS its host, or nil when it does
    /// (`checkAccountStatus.validDid`).
    func documentProblem(did: String) async -> String? {
        let resolved: DIDDocuments.Resolved
        do { resolved = try await documents.resolve(did) } catch { return "Could not resolve DID: \(error.message)" }
        if let keys = resolved.rotationKeys, !keys.contains(rotationKey.didKey) { return "Server rotation key not included in PLC DID data" }
        guard resolved.document.pdsEndpoint == pdsEndpoint else {
            return "DID document atproto_pds service endpoint does not match PDS public url"
        }
        guard let signingKey = try? await repo.describeRepo(.init(did: did)).signingKey,
              resolved.document.verificationMethods["atproto"] == signingKey else {
            return "DID document verification method does not match expected signing key"
        }
        return nil
    }
}

extension PLCClient {
    /// Submits with up to three tries when the directory is unreachable or failing (5xx); a
    /// refusal (4xx) is answered at once, with the directory's reason.
    func submitWithRetries(_ op: PLCOperation, did: String) async throws(AuthError) {
        var delay = Duration.milliseconds(250)
        for attempt in 1...3 {
            do { return try await submit(op, did: did) } catch {
                guard error.xrpcError == "InternalServerError", attempt < 3 else { throw error }
                try? await Task.sleep(for: delay)
                delay *= 4
            }
        }
    }
}
