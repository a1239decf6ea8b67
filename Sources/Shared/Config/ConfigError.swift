/// A configuration value the PDS cannot start with. The description is the message printed at
/// start: it names the variable, the bad value and what would be accepted.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `variable` is set to `value`, which is not `expected`.
    case invalid(variable: String, value: String, expected: String)
    /// The data directory or the secrets file cannot be created or read.
    case storage(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let variable, let value, let expected):
            "configuration error: \(variable)=\"\(value)\" is not valid: expected \(expected)"
        case .storage(let path, let reason):
            "configuration error: \(path): \(reason)"
        }
    }
}
