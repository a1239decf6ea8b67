/// Round-trip and consistency checks of the fuzz targets.
///
/// A violated invariant is a bug as real as a crash: it traps with a message naming what
/// broke, so libFuzzer records the input as a crash and saves it as a reproducer.
public enum Invariant {
    /// Traps unless `condition` holds.
    public static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                             file: StaticString = #fileID, line: UInt = #line) {
        if !condition() { fatalError("fuzz invariant violated: \(message())", file: file, line: line) }
    }

    /// Traps: a value that decoded could not be decoded again from its own encoding.
    public static func fail(_ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) -> Never {
        fatalError("fuzz invariant violated: \(message())", file: file, line: line)
    }
}
