/// Where each back-end process listens. By default `ipc://` socket files under
/// `<data>/ipc/`; set `PDS_IPC_<NAME>` to `tcp://host:port` when processes run on separate hosts.
public struct IPCEndpoints: Sendable, Equatable {
    public var repo: String
    public var firehose: String
    /// The firehose's PUB socket, from which every gateway receives sequenced events.
    public var firehoseEvents: String
    public var blob: String
    public var auth: String
    public var backup: String

    /// The variable that overrides each endpoint, and its socket file name by default.
    static var variables: [(variable: String, file: String, path: WritableKeyPath<IPCEndpoints, String>)] { [
        ("PDS_IPC_REPO", "repo", \.repo),
        ("PDS_IPC_FIREHOSE", "firehose", \.firehose),
        ("PDS_IPC_FIREHOSE_EVENTS", "firehose-events", \.firehoseEvents),
        ("PDS_IPC_BLOB", "blob", \.blob),
        ("PDS_IPC_AUTH", "auth", \.auth),
        ("PDS_IPC_BACKUP", "backup", \.backup),
    ] }

    static func read(_ env: inout EnvironmentReader, socketDirectory: String) throws(ConfigError) -> IPCEndpoints {
        var endpoints = IPCEndpoints(repo: "", firehose: "", firehoseEvents: "", blob: "", auth: "", backup: "")
        for (variable, file, path) in variables {
            if let value = env.string(variable) {
                guard Self.isValid(value) else {
                    throw ConfigError.invalid(variable: variable, value: value,
                                              expected: "ipc:///absolute/path or tcp://host:port")
                }
                endpoints[keyPath: path] = value
            } else {
                endpoints[keyPath: path] = "ipc://\(socketDirectory)/\(file).sock"
            }
        }
        return endpoints
    }

    static func isValid(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") {
            // sockaddr_un paths hold 107 bytes; libzmq would refuse a longer one at bind time.
            let path = endpoint.dropFirst("ipc://".count)
            return !path.isEmpty && path.utf8.count < 108
        }
        if endpoint.hasPrefix("tcp://") {
            let rest = endpoint.dropFirst("tcp://".count)
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) else { return false }
            return colon != rest.startIndex && (1...65535).contains(port)
        }
        return false
    }
}
