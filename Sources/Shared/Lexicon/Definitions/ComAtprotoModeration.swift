extension BuiltInLexicons {
    /// Report reasons and subject types, which labeler service records list.
    static let comAtprotoModerationDefs = LexiconDocument("com.atproto.moderation.defs") {
        Def("reasonType", .string(knownValues: reasonTypes))
        Token("reasonSpam")
        Token("reasonViolation")
        Token("reasonMisleading")
        Token("reasonSexual")
        Token("reasonRude")
        Token("reasonOther")
        Token("reasonAppeal")
        Def("subjectType", .string(knownValues: ["account", "record", "chat"]))
    }

    /// The known report reasons: this document's tokens, then Ozone's finer-grained ones.
    private static let reasonTypes: [String] =
        ["Spam", "Violation", "Misleading", "Sexual", "Rude", "Other", "Appeal"]
            .map { "com.atproto.moderation.defs#reason\($0)" }
        + [
            "Appeal", "Other",
            "ViolenceAnimal", "ViolenceThreats", "ViolenceGraphicContent", "ViolenceGlorification",
            "ViolenceExtremistContent", "ViolenceTrafficking", "ViolenceOther",
            "SexualAbuseContent", "SexualNCII", "SexualDeepfake", "SexualAnimal", "SexualUnlabeled", "SexualOther",
            "ChildSafetyCSAM", "ChildSafetyGroom", "ChildSafetyPrivacy", "ChildSafetyHarassment", "ChildSafetyOther",
            "HarassmentTroll", "HarassmentTargeted", "HarassmentHateSpeech", "HarassmentDoxxing", "HarassmentOther",
            "MisleadingBot", "MisleadingImpersonation", "MisleadingSpam", "MisleadingScam", "MisleadingElections",
            "MisleadingOther",
            "RuleSiteSecurity", "RuleProhibitedSales", "RuleBanEvasion", "RuleOther",
            "SelfHarmContent", "SelfHarmED", "SelfHarmStunts", "SelfHarmSubstances", "SelfHarmOther",
        ].map { "tools.ozone.report.defs#reason\($0)" }
}
