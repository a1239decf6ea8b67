extension PDSConfig {
    /// A secret as the running PDS sees it: from this configuration (the environment) when
    /// set, else from `<data>/secrets.env`. Never generates one: operator tools must use the
    /// server's secret, not invent a new one.
    public func storedSecret(_ variable: String) -> String? {
        let fromEnvironment = secrets[variable]
        if !fromEnvironment.isEmpty { return fromEnvironment }
        guard let value = (try? SecretsFile(directory: dataDirectory).read())?[variable], !value.isEmpty else { return nil }
        return value
    }
}
