import Foundation
import Identity
import IPC
import IPLD

/// The identity calls: DID documents and PLC operations, for accounts moving in and out.
extension AuthServiceImplementation {
    public func identity(_ request: AuthTypes.IdentityRequest) async throws(IPCError) -> AuthTypes.IdentityResponse {
        try await serve {
            switch request.step {
            case .recommendedCredentials:
                let state = try await plcOperations.recommendedState(did: request.did)
                guard case .map(var m) = PLCOperation(kind: .update(state), prev: nil, sig: "").unsignedValue else {
                    throw AuthError.internalError("cannot encode the credentials")
                }
                m["prev"] = nil
                m["type"] = nil
                return AuthTypes.IdentityResponse(json: DataModelJSON.string(.map(m)))
            case .requestPLCSignature:
                try await plcOperations.requestSignature(did: request.did)
                return AuthTypes.IdentityResponse()
            case .signPLCOperation:
                let op = try await plcOperations.sign(did: request.did, token: request.token, fields: try Self.object(request.json))
                return AuthTypes.IdentityResponse(json: DataModelJSON.string(op.value))
            case .submitPLCOperation:
                try await plcOperations.submit(did: request.did, operation: .map(try Self.object(request.json)))
                return AuthTypes.IdentityResponse()
            case .resolveDID:
                let resolved = try await plcOperations.documents.resolve(request.did)
                return AuthTypes.IdentityResponse(json: resolved.json, signingKey: resolved.document.verificationMethods["atproto"])
            case .checkDocument:
                let problem = await plcOperations.documentProblem(did: request.did)
                return AuthTypes.IdentityResponse(valid: problem == nil, problem: problem)
            }
        }
    }

    static func object(_ json: String?) throws(AuthError) -> DataMap {
        guard let json, let value = try? DataModelJSON.parse(json), case .map(let m) = value else {
            throw AuthError.invalidRequest("Input must be a JSON object")
        }
        return m
    }
}
