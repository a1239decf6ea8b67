extension BuiltInLexicons {
    /// The parts of `com.atproto.label.defs` that records use: self-labels, and the label
    /// value definitions a labeler service declares.
    static let comAtprotoLabelDefs = LexiconDocument("com.atproto.label.defs") {
        Object("selfLabels") {
            Required("values", .array(of: .ref("#selfLabel"), maxLength: 10))
        }
        Object("selfLabel") {
            Required("val", .string(maxLength: 128))
        }
        Object("labelValueDefinition") {
            Required("identifier", .string(maxLength: 100, maxGraphemes: 100))
            Required("severity", .string(knownValues: ["inform", "alert", "none"]))
            Required("blurs", .string(knownValues: ["content", "media", "none"]))
            Field("defaultSetting", .string(knownValues: ["ignore", "warn", "hide"], default: "warn"))
            Field("adultOnly", .boolean())
            Required("locales", .array(of: .ref("#labelValueDefinitionStrings")))
        }
        Object("labelValueDefinitionStrings") {
            Required("lang", .string(format: .language))
            Required("name", .string(maxLength: 640, maxGraphemes: 64))
            Required("description", .string(maxLength: 100_000, maxGraphemes: 10_000))
        }
        Def("labelValue", .string(knownValues: [
            "!hide", "!warn", "!no-unauthenticated", "porn", "sexual", "nudity", "graphic-media", "bot",
        ]))
    }
}
