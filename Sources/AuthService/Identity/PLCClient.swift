import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Identity
import IPLD

/// Talks to a PLC directory (`PDS_DID_PLC_URL`): submit operations, read documents.
public struct PLCClient: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// Submits a signed operation for `did`.
    public func submit(_ op: PLCOperation, did: String) async throws(AuthError) {
        var request = URLRequest(url: directory.appendingPathComponent(did))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(DataModelJSON.serialize(op.value))
        request.timeoutInterval = 15
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw AuthError.internalError("PLC directory unreachable at \(directory.absoluteString): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse, (200..<300).contains(http.statusCode) else {
            let text = String(decoding: data.prefix(300), as: UTF8.self)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            // A 4xx is the directory refusing this operation: the caller's to fix, not ours.
            if (400..<500).contains(status) { throw AuthError.invalidRequest("The PLC directory refused the operation (\(status)): \(text)") }
            throw AuthError.internalError("PLC directory failed (\(status)): \(text)")
        }
    }

    /// The current DID document, as JSON text.
    public func document(did: String) async throws(AuthError) -> String {
        var request = URLRequest(url: directory.appendingPathComponent(did))
        request.timeoutInterval = 10
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw AuthError.accountNotFound }
            return String(decoding: data, as: UTF8.self)
        } catch let e as AuthError { throw e } catch {
            throw AuthError.internalError("PLC directory unreachable: \(error.localizedDescription)")
        }
    }
}

extension PLCClient {
    /// The DID's newest operation.
    func lastOperation(did: String) async throws(AuthError) -> PLCOperation {
        var request = URLRequest(url: directory.appendingPathComponent(did).appendingPathComponent("log/last"))
        request.timeoutInterval = 10
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw AuthError.accountNotFound }
            return try PLCOperation(try DataModelJSON.parse(Array(data)))
        } catch let e as AuthError { throw e } catch {
            throw AuthError.internalError("cannot read the DID's PLC log: \(error)")
        }
    }
}
