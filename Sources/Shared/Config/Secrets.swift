import ATCrypto

/// The secrets a PDS signs and authenticates with.
public struct Secrets: Sendable, Equatable {
    /// HMAC key for access and refresh JWTs (`PDS_JWT_SECRET`).
    public var jwtSecret: String
    /// Password of the `admin` basic-auth user (`PDS_ADMIN_PASSWORD`).
    public var adminPassword: String
    /// The PDS's did:plc rotation key, 32 bytes as hex (`PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX`).
    public var plcRotationKeyHex: String

    /// The variables, in the order the secrets file lists them.
    public static let variables = ["PDS_JWT_SECRET", "PDS_ADMIN_PASSWORD", "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX"]

    public init(jwtSecret: String, adminPassword: String, plcRotationKeyHex: String) {
        self.jwtSecret = jwtSecret
        self.adminPassword = adminPassword
        self.plcRotationKeyHex = plcRotationKeyHex
    }

    static func read(_ env: inout EnvironmentReader) throws(ConfigError) -> Secrets {
        let secrets = Secrets(jwtSecret: env.string("PDS_JWT_SECRET") ?? "",
                              adminPassword: env.string("PDS_ADMIN_PASSWORD") ?? "",
                              plcRotationKeyHex: env.string("PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX") ?? "")
        try secrets.validate()
        return secrets
    }

    /// Checks the values that are set; empty ones are still to be filled in.
    func validate() throws(ConfigError) {
        if !plcRotationKeyHex.isEmpty {
            guard let bytes = Self.bytes(fromHex: plcRotationKeyHex), bytes.count == 32,
                  (try? K256PrivateKey(rawRepresentation: bytes)) != nil else {
                throw ConfigError.invalid(variable: "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX", value: "(hidden)",
                                          expected: "64 hex digits of a valid secp256k1 private key")
            }
        }
        if !jwtSecret.isEmpty && jwtSecret.utf8.count < 16 {
            throw ConfigError.invalid(variable: "PDS_JWT_SECRET", value: "(hidden)", expected: "at least 16 characters")
        }
    }

    subscript(variable: String) -> String {
        get {
            switch variable {
            case "PDS_JWT_SECRET": jwtSecret
            case "PDS_ADMIN_PASSWORD": adminPassword
            default: plcRotationKeyHex
            }
        }
        set {
            switch variable {
            case "PDS_JWT_SECRET": jwtSecret = newValue
            case "PDS_ADMIN_PASSWORD": adminPassword = newValue
            default: plcRotationKeyHex = newValue
            }
        }
    }

    /// A fresh value for `variable`.
    static func generate(_ variable: String) -> String {
        if variable == "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX" {
            return hex(K256PrivateKey().rawRepresentation)
        }
        return hex(secureRandomBytes(16))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }

    static func bytes(fromHex text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
