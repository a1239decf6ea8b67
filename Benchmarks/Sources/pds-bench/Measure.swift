import Foundation

/// Wall-clock timing for benchmark figures (monotonic clock).
enum Measure {
    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Runs `body` repeatedly for about `duration` seconds; returns operations per second.
    static func rate(duration: Double = 1.0, batch: Int = 100, _ body: () throws -> Void) rethrows -> Double {
        var ops = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < duration {
            for _ in 0..<batch { try body() }
            ops += batch
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        return Double(ops) / elapsed
    }

    static func print(_ name: String, _ value: Double, _ unit: String, target: String = "") {
        let v = value >= 100 ? String(format: "%.0f", value) : String(format: "%.2f", value)
        Swift.print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(v.leftPad(12)) \(unit)\(target.isEmpty ? "" : "   (target \(target))")")
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
