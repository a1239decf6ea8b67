import FuzzSupport
import IPLD
import Syntax

/// CIDs and multibase: the input as a binary CID (whole and as a CAR-style prefix), as a CID
/// string, and as multibase / base32 / base58btc text, plus varints. Every accepted form must
/// re-encode to exactly the input (the encodings are canonical) and parse back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    binary(bytes)
    if let text = FuzzInput.text(bytes) { strings(text) }
    if !bytes.isEmpty, let (value, length) = try? Varint.decode(bytes, at: 0) {
        Invariant.check(Varint.encode(value) == Array(bytes[0..<length]), "varint re-encoding differs")
    }
    return 0
}

func binary(_ bytes: [UInt8]) {
    if let cid = try? CID(bytes: bytes) {
        Invariant.check(cid.bytes == bytes, "binary CID re-encoding differs: \(Hex.dump(bytes))")
        Invariant.check((try? CID(bytes: bytes[...])) == cid, "generic and buffer CID parsers disagree")
        guard let parsed = try? CID(string: cid.string) else { Invariant.fail("CID string \(cid.string) does not parse") }
        Invariant.check(parsed == cid && parsed.bytes == cid.bytes, "CID string round trip differs")
        _ = cid.isATProtoBlessed
        _ = cid.digest.count
    } else if (try? CID(bytes: bytes[...])) != nil {
        Invariant.fail("generic CID parser accepts what the buffer parser refuses: \(Hex.dump(bytes))")
    }
    if let (cid, length) = try? CID.parsePrefix(bytes, at: 0) {
        Invariant.check(length <= bytes.count && cid.bytes == Array(bytes[0..<length]), "CID prefix is not the input's prefix")
    }
}

func strings(_ text: String) {
    if let cid = try? CID(string: text) {
        Invariant.check(cid.string == text, "CID string re-encoding differs: \(text)")
        Invariant.check((try? CID(bytes: cid.bytes)) == cid, "CID bytes of a parsed string do not parse")
    }
    _ = CIDString.isValid(text)
    if let raw = try? Multibase.decode(text) {
        let prefix = text.first!
        let again = prefix == "b" ? "b" + Base32.encode(raw) : "z" + Base58BTC.encode(raw)
        Invariant.check(again == text, "multibase re-encoding differs: \(text) vs \(again)")
    }
    if let raw = try? Base32.decode(text) {
        Invariant.check(Base32.encode(raw) == text, "base32 re-encoding differs: \(text)")
    }
    if let raw = try? Base58BTC.decode(text) {
        Invariant.check(Base58BTC.encode(raw) == text, "base58 re-encoding differs: \(text)")
    }
    if let raw = Base64.decode(text) {
        Invariant.check(Base64.decode(Base64.encode(raw)) == raw, "base64 round trip differs")
    }
    if let raw = Base64URL.decode(text) {
        Invariant.check(Base64URL.decode(Base64URL.encode(raw)) == raw, "base64url round trip differs")
    }
}
