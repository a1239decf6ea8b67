/// The RepoService process: see ../shared/DESIGN.md (Processes). Built out by its own issue.
public enum RepoServiceInfo {
    /// The name the supervisor and logs use for this process.
    public static let processName = "RepoService"
}
