import Foundation
import Identity
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Resolves handles this PDS does not host, as the atproto handle spec describes: a DNS TXT
/// record `_atproto.<handle>` holding `did=<did>`, else `https://<handle>/.well-known/atproto-did`.
///
/// Both lookups have short deadlines, and the HTTPS one refuses hosts that resolve to loopback
/// or private addresses unless the server runs in development mode.
public struct HandleResolver: Sendable {
    /// Names a handle's DNS TXT values (nil when DNS lookups are not available).
    public var txtLookup: (@Sendable (String) async -> [String])?
    /// The addresses a host name resolves to.
    public var addressLookup: @Sendable (String) -> [String]
    /// Fetches a URL's body, or nil.
    public var fetch: @Sendable (URL) async -> String?
    /// Whether private and loopback hosts may be asked (`PDS_DEV_MODE`).
    public var allowPrivateAddresses: Bool

    public init(allowPrivateAddresses: Bool,
                txtLookup: (@Sendable (String) async -> [String])? = { await DNSTXTQuery.lookup($0) },
                addressLookup: @escaping @Sendable (String) -> [String] = AddressPolicy.lookup,
                fetch: @escaping @Sendable (URL) async -> String? = HandleResolver.httpsGet) {
        self.allowPrivateAddresses = allowPrivateAddresses
        self.txtLookup = txtLookup
        self.addressLookup = addressLookup
        self.fetch = fetch
    }

    /// The DID a handle claims, or nil when neither method gives one.
    public func resolve(_ handle: String) async -> String? {
        if let txt = await txtLookup?("_atproto.\(handle)") {
            let dids = txt.compactMap { $0.hasPrefix("did=") ? String($0.dropFirst(4)) : nil }.filter { $0.hasPrefix("did:") }
            // More than one DID is ambiguous: the spec says treat it as no answer from DNS.
            if dids.count == 1 { return dids[0] }
        }
        return await resolveWellKnown(handle)
    }

    /// The `/.well-known/atproto-did` path, after checking where the host points.
    func resolveWellKnown(_ handle: String) async -> String? {
        let addresses = addressLookup(handle)
        guard !addresses.isEmpty else { return nil }
        if !allowPrivateAddresses && addresses.contains(where: AddressPolicy.isNonPublic) { return nil }
        let scheme = allowPrivateAddresses && addresses.allSatisfy(AddressPolicy.isNonPublic) ? "http" : "https"
        guard let url = URL(string: "\(scheme)://\(handle)/.well-known/atproto-did"),
              let body = await fetch(url) else { return nil }
        let did = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard did.hasPrefix("did:"), did.count < 2048, !did.contains(where: \.isWhitespace) else { return nil }
        return did
    }

    /// GET with a 3-second deadline and a small body limit, no redirects followed; only 200
    /// answers count. The address check was made by the caller for the scheme it chose.
    @Sendable public static func httpsGet(_ url: URL) async -> String? {
        guard let answer = try? await OutboundHTTP(allowPrivateAddresses: true).get(url, timeout: 3, maxBytes: 4096),
              answer.status == 200 else { return nil }
        return String(data: answer.body, encoding: .utf8)
    }
}
