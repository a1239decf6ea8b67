import Hummingbird
import Syntax

/// An XRPC method whose body is too large to hold in memory (blob uploads and downloads): its
/// handler gets the raw Hummingbird request, reads the body as it arrives and may answer with
/// a streamed body. The dispatcher still checks the NSID and the HTTP verb; everything else
/// (content type, size limit, auth) is the handler's job.
public struct StreamingXRPCMethod: Sendable {
    public let nsid: NSID
    public let kind: XRPCMethod.Kind
    public let handler: @Sendable (Request) async throws -> Response

    public init(_ nsid: NSID, _ kind: XRPCMethod.Kind, handler: @escaping @Sendable (Request) async throws -> Response) {
        self.nsid = nsid
        self.kind = kind
        self.handler = handler
    }
}
