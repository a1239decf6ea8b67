import Testing
@testable import BlobService

/// The sniffing table and the rule for keeping a declared type.
@Suite struct MIMESnifferTests {
    static func ftyp(_ major: String, _ compatible: [String] = []) -> [UInt8] {
        let size = 16 + 4 * compatible.count
        var b: [UInt8] = [0, 0, 0, UInt8(size)] + Array("ftyp".utf8) + Array(major.utf8) + [0, 0, 0, 0]
        for c in compatible { b += Array(c.utf8) }
        return b + [0, 0, 0, 8] + Array("mdat".utf8)
    }

    static let ebmlWebM: [UInt8] = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84] + Array("webm".utf8)
    static let ebmlMKV: [UInt8] = [0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x82, 0x88] + Array("matroska".utf8)

    static let table: [([UInt8], String)] = [
        ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10] + Array("JFIF".utf8), "image/jpeg"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "image/png"),
        (Array("GIF89a".utf8) + [1, 0, 1, 0], "image/gif"),
        (Array("GIF87a".utf8) + [1, 0, 1, 0], "image/gif"),
        (Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8), "image/webp"),
        (Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVEfmt ".utf8), "audio/wav"),
        (ftyp("heic", ["mif1", "heic"]), "image/heic"),
        (ftyp("mif1", ["mif1", "heic"]), "image/heic"),
        (ftyp("mif1", ["mif1"]), "image/heif"),
        (ftyp("avif", ["avif", "mif1", "miaf"]), "image/avif"),
        (ftyp("mif1", ["avif", "mif1"]), "image/avif"),
        (ftyp("isom", ["isom", "iso2", "avc1", "mp41"]), "video/mp4"),
        (ftyp("mp42", ["mp42", "isom"]), "video/mp4"),
        (ftyp("qt  ", ["qt  "]), "video/quicktime"),
        (ftyp("3gp5"), "video/3gpp"),
        (ftyp("M4A ", ["M4A ", "mp42"]), "audio/mp4"),
        ([0, 0, 0, 0x20] + Array("moov".utf8), "video/quicktime"),
        (ebmlWebM, "video/webm"),
        (ebmlMKV, "video/x-matroska"),
        (Array("OggS".utf8) + [0, 2], "audio/ogg"),
        (Array("fLaC".utf8) + [0, 0, 0, 34], "audio/flac"),
        (Array("ID3".utf8) + [4, 0, 0], "audio/mpeg"),
        (Array("%PDF-1.7\n".utf8), "application/pdf"),
        (Array("hello, world\n".utf8), "text/plain"),
        (Array("  {\"a\": [1, 2]}".utf8), "application/json"),
        (Array("[1,2,3]".utf8), "application/json"),
        (Array("héllo wörld".utf8), "text/plain"),
        ([0x00, 0x01, 0x02, 0x03, 0xFE], "application/octet-stream"),
        ([0xC3, 0x28, 0x41], "application/octet-stream"),
        (Array("text with a NUL \u{0} inside".utf8), "application/octet-stream"),
    ]

    @Test(arguments: table)
    func sniffed(bytes: [UInt8], expected: String) {
        #expect(MIMESniffer.resolve(declared: nil, head: bytes) == expected)
    }

    @Test func textCutMidCharacterIsStillText() {
        let cut = Array("aaaé".utf8).dropLast()
        #expect(MIMESniffer.resolve(declared: nil, head: Array(cut)) == "text/plain")
    }

    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDB, 0, 0x43]
    static let mp4 = ftyp("isom", ["isom"])
    static let rules: [(String?, [UInt8], String)] = [
        ("image/jpeg", jpeg, "image/jpeg"),
        ("image/jpg", jpeg, "image/jpg"),             // same family: kept
        ("IMAGE/JPEG; foo=bar", jpeg, "image/jpeg"),   // essence, lower-cased
        ("image/png", jpeg, "image/jpeg"),             // a lie: sniffed wins
        ("text/html", jpeg, "image/jpeg"),
        ("video/quicktime", mp4, "video/quicktime"),   // ISO media family
        ("image/png", mp4, "video/mp4"),
        ("text/vtt", Array("WEBVTT\n\n00:00.000 --> 00:01.000\nhi".utf8), "text/vtt"),
        ("application/json", Array("{\"a\":1}".utf8), "application/json"),
        ("text/plain; charset=utf-8", Array("{\"a\":1}".utf8), "text/plain"),
        ("text/html", Array("<html><script>x</script></html>".utf8), "text/plain"),   // active content never kept
        ("image/svg+xml", Array("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8), "text/plain"),
        ("image/png", Array("just text".utf8), "text/plain"),
        ("image/png", [0x00, 0x9F, 0x92, 0x96], "application/octet-stream"),   // unknown bytes
        (nil, [0x00, 0x9F], "application/octet-stream"),
        ("video/webm", ebmlWebM, "video/webm"),
        ("audio/webm", ebmlWebM, "audio/webm"),
        ("video/mp4", ebmlWebM, "video/webm"),
    ]

    @Test(arguments: rules)
    func declaredKeptOnlyWhenItAgrees(declared: String?, bytes: [UInt8], expected: String) {
        #expect(MIMESniffer.resolve(declared: declared, head: bytes) == expected)
    }
}
