import NIOCore
import Syntax

/// One XRPC method the gateway serves: its NSID, whether it is a query (GET) or a procedure
/// (POST), what body it takes, and its handler.
public struct XRPCMethod: Sendable {
    /// Queries are read with GET, procedures are called with POST.
    public enum Kind: Sendable {
        case query, procedure

        var httpMethod: String { self == .query ? "GET" : "POST" }
    }

    /// What a procedure's body must be.
    public enum Input: Sendable {
        /// No body (queries, and procedures without input).
        case none
        /// `application/json`, at most `maxBytes` long.
        case json(maxBytes: Int)
        /// Any content type (blob uploads), at most `maxBytes` long.
        case bytes(maxBytes: Int)

        /// The largest JSON body a procedure takes unless it says otherwise.
        public static let defaultJSONLimit = 150 * 1024

        var limit: Int {
            switch self {
            case .none: 0
            case .json(let max), .bytes(let max): max
            }
        }
    }

    public let nsid: NSID
    public let kind: Kind
    public let input: Input
    public let handler: @Sendable (XRPCRequest) async throws(XRPCError) -> XRPCResponse

    public init(_ nsid: NSID, _ kind: Kind, input: Input = .none,
                handler: @escaping @Sendable (XRPCRequest) async throws(XRPCError) -> XRPCResponse) {
        self.nsid = nsid
        self.kind = kind
        self.input = input
        self.handler = handler
    }

    /// A query.
    public static func query(_ nsid: NSID, _ handler: @escaping @Sendable (XRPCRequest) async throws(XRPCError) -> XRPCResponse) -> XRPCMethod {
        XRPCMethod(nsid, .query, handler: handler)
    }

    /// A procedure taking a JSON body.
    public static func procedure(_ nsid: NSID, maxBytes: Int = Input.defaultJSONLimit,
                                 _ handler: @escaping @Sendable (XRPCRequest) async throws(XRPCError) -> XRPCResponse) -> XRPCMethod {
        XRPCMethod(nsid, .procedure, input: .json(maxBytes: maxBytes), handler: handler)
    }
}

/// The table of XRPC methods by NSID. Each area of the API adds its methods from a small file
/// of its own (`routes.add(...)`), and the gateway dispatches to whatever is registered.
public struct XRPCRoutes: Sendable {
    private(set) var methods: [String: XRPCMethod] = [:]
    /// Methods that stream their request or response body (blobs).
    private(set) var streamingMethods: [String: StreamingXRPCMethod] = [:]

    public init() {}

    /// Registers `method`, replacing any earlier registration of its NSID.
    public mutating func add(_ method: XRPCMethod) { methods[method.nsid.string] = method }

    /// Registers a streaming `method`; it takes precedence over a buffered one of the same NSID.
    public mutating func add(_ method: StreamingXRPCMethod) { streamingMethods[method.nsid.string] = method }

    /// The method registered for `nsid`, if any.
    public func method(_ nsid: String) -> XRPCMethod? { methods[nsid] }

    /// The streaming method registered for `nsid`, if any.
    public func streamingMethod(_ nsid: String) -> StreamingXRPCMethod? { streamingMethods[nsid] }

    /// Every registered NSID, sorted.
    public var nsids: [String] { Set(methods.keys).union(streamingMethods.keys).sorted() }
}
