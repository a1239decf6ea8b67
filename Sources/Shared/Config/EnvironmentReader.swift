import Foundation

/// Reads typed values out of an environment, throwing a `ConfigError` that names the variable
/// for anything malformed. Empty strings count as unset, as in the reference PDS's env loader.
struct EnvironmentReader {
    let values: [String: String]

    /// Every variable name asked for, so tests can compare with compose files and docs.
    private(set) var consulted: Set<String> = []

    init(_ values: [String: String]) { self.values = values }

    mutating func string(_ name: String) -> String? {
        consulted.insert(name)
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    mutating func int(_ name: String, in range: ClosedRange<Int>, expected: String) throws(ConfigError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigError.invalid(variable: name, value: text, expected: expected)
        }
        return value
    }

    mutating func bool(_ name: String) throws(ConfigError) -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigError.invalid(variable: name, value: text, expected: "true or false")
        }
    }

    mutating func url(_ name: String) throws(ConfigError) -> URL? {
        guard let text = string(name) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigError.invalid(variable: name, value: text, expected: "an http:// or https:// URL")
        }
        return url
    }

    mutating func urlList(_ name: String) throws(ConfigError) -> [URL]? {
        guard let text = string(name) else { return nil }
        var urls: [URL] = []
        for part in text.split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let url = URL(string: item), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ConfigError.invalid(variable: name, value: text, expected: "comma-separated http(s) URLs")
            }
            urls.append(url)
        }
        return urls
    }

    mutating func list(_ name: String) -> [String]? {
        string(name).map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}
