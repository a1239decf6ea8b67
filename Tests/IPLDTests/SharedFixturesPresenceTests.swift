import Foundation
import TestSupport
import Testing

/// In CI the conformance material must be there: a missing `../shared` would otherwise turn
/// every interop suite into a silent skip.
@Test(.enabled(if: ProcessInfo.processInfo.environment["CI"] == "true", "only in CI (CI=true)"))
func sharedFixturesArePresentInCI() {
    #expect(SharedFixtures.available, "CI=true but ../shared is missing: interop tests would all skip")
}
