extension BuiltInLexicons {
    /// A URI plus the CID of the exact version it points at.
    static let comAtprotoRepoStrongRef = LexiconDocument("com.atproto.repo.strongRef") {
        Object("main") {
            Required("uri", .string(format: .atURI))
            Required("cid", .string(format: .cid))
        }
    }
}
