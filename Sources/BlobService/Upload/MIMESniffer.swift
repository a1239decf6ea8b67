/// Works out a blob's MIME type from its first bytes, and decides whether the type the
/// client declared may stand.
///
/// The rule: the declared type is kept when it belongs to the same family as what the bytes
/// are (a JPEG declared `image/jpg`, an MP4 declared `video/quicktime`, a caption file
/// declared `text/vtt`); otherwise the sniffed type is used; bytes that match nothing known
/// are `application/octet-stream` whatever was declared. Declared types that a browser would
/// render actively (HTML, SVG, XML, scripts) are never kept — the CSP sandbox on getBlob
/// already defuses them; this keeps them from being labelled as such at all.
public enum MIMESniffer {
    /// Families of formats whose members the sniffer cannot (or need not) tell apart.
    enum Family: Equatable {
        case jpeg, png, gif, webp, bmp, tiff, heif, avif, isoMedia, matroska
        case wav, mp3, ogg, flac, pdf, text
    }

    public static let octetStream = "application/octet-stream"

    /// The type the blob is served and recorded with.
    public static func resolve(declared: String?, head: [UInt8]) -> String {
        guard let (sniffed, family) = sniff(head) else { return octetStream }
        if let declared = declared.map(essence), !declared.isEmpty,
           self.family(ofDeclared: declared) == family, !activeContent.contains(declared) {
            return declared
        }
        return sniffed
    }

    /// `text/plain; charset=utf-8` → `text/plain`.
    static func essence(_ contentType: String) -> String {
        (contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "")
            .trimmingCharacters(in: .whitespaces).lowercased()
    }

    static let activeContent: Set<String> = [
        "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
        "text/javascript", "application/javascript", "application/ecmascript", "text/ecmascript",
    ]

    /// The family a declared type claims, if the sniffer knows it.
    static func family(ofDeclared t: String) -> Family? {
        switch t {
        case "image/jpeg", "image/jpg", "image/pjpeg": return .jpeg
        case "image/png", "image/apng": return .png
        case "image/gif": return .gif
        case "image/webp": return .webp
        case "image/bmp", "image/x-ms-bmp": return .bmp
        case "image/tiff": return .tiff
        case "image/heic", "image/heif", "image/heic-sequence", "image/heif-sequence": return .heif
        case "image/avif": return .avif
        case "video/mp4", "video/quicktime", "video/x-m4v", "video/3gpp", "video/3gpp2", "audio/mp4", "audio/x-m4a", "audio/m4a":
            return .isoMedia
        case "video/webm", "audio/webm", "video/x-matroska", "audio/x-matroska": return .matroska
        case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave": return .wav
        case "audio/mpeg", "audio/mp3": return .mp3
        case "audio/ogg", "video/ogg", "application/ogg", "audio/opus": return .ogg
        case "audio/flac", "audio/x-flac": return .flac
        case "application/pdf": return .pdf
        case "application/json", "application/ld+json": return .text
        default: return t.hasPrefix("text/") ? .text : nil
        }
    }

    /// The type and family of `head`, or nil when it matches nothing known.
    static func sniff(_ b: [UInt8]) -> (String, Family)? {
        func at(_ offset: Int, _ ascii: String) -> Bool {
            let sig = Array(ascii.utf8)
            return b.count >= offset + sig.count && Array(b[offset..<offset + sig.count]) == sig
        }
        func bytes(_ sig: [UInt8]) -> Bool { b.count >= sig.count && Array(b[0..<sig.count]) == sig }

        if bytes([0xFF, 0xD8, 0xFF]) { return ("image/jpeg", .jpeg) }
        if bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return ("image/png", .png) }
        if at(0, "GIF87a") || at(0, "GIF89a") { return ("image/gif", .gif) }
        if at(0, "RIFF") && at(8, "WEBP") { return ("image/webp", .webp) }
        if at(0, "RIFF") && at(8, "WAVE") { return ("audio/wav", .wav) }
        if at(0, "BM") && b.count >= 14 && b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0 { return ("image/bmp", .bmp) }
        if bytes([0x49, 0x49, 0x2A, 0x00]) || bytes([0x4D, 0x4D, 0x00, 0x2A]) { return ("image/tiff", .tiff) }
        if at(4, "ftyp") { return isoMedia(b) }
        // QuickTime files from before `ftyp` start with a bare movie or data atom.
        if at(4, "moov") || at(4, "mdat") || at(4, "wide") || at(4, "free") || at(4, "skip") || at(4, "pnot") {
            return ("video/quicktime", .isoMedia)
        }
        if bytes([0x1A, 0x45, 0xDF, 0xA3]) {
            // EBML header: the DocType element says webm or matroska.
            return containsASCII(b, "webm") ? ("video/webm", .matroska) : ("video/x-matroska", .matroska)
        }
        if at(0, "OggS") { return ("audio/ogg", .ogg) }
        if at(0, "fLaC") { return ("audio/flac", .flac) }
        if at(0, "ID3") || (b.count >= 2 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0 && (b[1] & 0x06) != 0) {
            return ("audio/mpeg", .mp3)
        }
        if at(0, "%PDF-") { return ("application/pdf", .pdf) }
        return text(b)
    }

    /// ISO base media (MP4, QuickTime, HEIF, AVIF, 3GP): the major and compatible brands of
    /// the `ftyp` box decide.
    static func isoMedia(_ b: [UInt8]) -> (String, Family) {
        let boxSize = b.count >= 4 ? Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3]) : 0
        var brands = [String]()
        if b.count >= 12 { brands.append(String(decoding: b[8..<12], as: UTF8.self)) }
        var i = 16
        while i + 4 <= min(boxSize, b.count) {
            brands.append(String(decoding: b[i..<i + 4], as: UTF8.self))
            i += 4
        }
        let major = brands.first ?? ""
        if ["avif", "avis"].contains(major) { return ("image/avif", .avif) }
        if ["heic", "heix", "heim", "heis", "hevc", "hevx"].contains(major) { return ("image/heic", .heif) }
        if ["mif1", "msf1"].contains(major) {
            if brands.contains("avif") || brands.contains("avis") { return ("image/avif", .avif) }
            if brands.contains(where: { ["heic", "heix", "hevc", "hevx"].contains($0) }) { return ("image/heic", .heif) }
            return ("image/heif", .heif)
        }
        if major == "qt  " { return ("video/quicktime", .isoMedia) }
        if major.hasPrefix("3g2") { return ("video/3gpp2", .isoMedia) }
        if major.hasPrefix("3gp") { return ("video/3gpp", .isoMedia) }
        if major == "M4A " { return ("audio/mp4", .isoMedia) }
        return ("video/mp4", .isoMedia)
    }

    /// UTF-8 text without control characters (other than tab, newlines, form feed) is text;
    /// text that opens with `{` or `[` is taken for JSON (the same family either way).
    static func text(_ b: [UInt8]) -> (String, Family)? {
        guard !b.isEmpty else { return nil }
        var body = b[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        // The head may end inside a multi-byte character: allow dropping an incomplete tail.
        var slice = body
        var valid = String(validating: slice, as: UTF8.self) != nil
        while !valid && body.count - slice.count < 3 && !slice.isEmpty {
            slice = slice.dropLast()
            valid = String(validating: slice, as: UTF8.self) != nil
        }
        guard valid, !slice.isEmpty else { return nil }
        for c in slice where c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D && c != 0x0C { return nil }
        if slice.contains(0x7F) { return nil }
        let first = slice.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return ("application/json", .text) }
        return ("text/plain", .text)
    }

    private static func containsASCII(_ b: [UInt8], _ s: String) -> Bool {
        let needle = Array(s.utf8)
        guard b.count >= needle.count else { return false }
        for i in 0...(b.count - needle.count) where b[i] == needle[0] && Array(b[i..<i + needle.count]) == needle {
            return true
        }
        return false
    }
}
