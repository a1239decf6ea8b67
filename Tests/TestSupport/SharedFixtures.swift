import Foundation

/// Locates the conformance material in `../shared` (interop vectors, the MST test suite,
/// the official lexicons). A user's fresh clone does not have it; CI does.
///
/// `PDSWIFT_SHARED_DIR` overrides the location.
public enum SharedFixtures {
    /// The `shared` directory, or nil when it is not beside the checkout.
    public static let root: URL? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["PDSWIFT_SHARED_DIR"], !env.isEmpty {
            return fm.fileExists(atPath: env) ? URL(fileURLWithPath: env) : nil
        }
        // Tests/TestSupport/SharedFixtures.swift → package root → ../shared
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return fm.fileExists(atPath: candidate.appendingPathComponent("interop").path) ? candidate : nil
    }()

    /// True when `../shared` is present.
    public static var available: Bool { root != nil }

    /// The reason printed when a test that needs `../shared` is skipped.
    public static let skipReason = "../shared (interop vectors) is not beside this checkout; set PDSWIFT_SHARED_DIR to run"

    /// A file under `shared/`, e.g. `url("interop/syntax/did_syntax_valid.txt")`.
    public static func url(_ relativePath: String) -> URL {
        (root ?? URL(fileURLWithPath: "/nonexistent")).appendingPathComponent(relativePath)
    }

    /// The raw bytes of a file under `shared/`.
    public static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    /// Lines of an interop `.txt` file: `#` comments and blank lines dropped, nothing trimmed
    /// (some invalid cases differ from valid ones only by trailing whitespace).
    public static func lines(_ relativePath: String) throws -> [String] {
        let text = try String(contentsOf: url(relativePath), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// A JSON array file under `shared/` as a list of objects.
    public static func jsonArray(_ relativePath: String) throws -> [[String: Any]] {
        let any = try JSONSerialization.jsonObject(with: data(relativePath), options: [.fragmentsAllowed])
        guard let array = any as? [[String: Any]] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return array
    }
}
