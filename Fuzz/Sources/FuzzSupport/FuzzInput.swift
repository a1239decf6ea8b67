/// The input libFuzzer hands a target, in the forms the decoders take.
public enum FuzzInput {
    /// The input as a byte array (copied: the decoders take `[UInt8]`).
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The input as text when it is valid UTF-8, nil otherwise (the string parsers take
    /// `String`, whose own decoding would repair invalid bytes and hide what was sent).
    public static func text(_ bytes: [UInt8]) -> String? {
        String(validating: bytes, as: UTF8.self)
    }
}
