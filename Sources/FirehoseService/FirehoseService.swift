/// The FirehoseService process: see ../shared/DESIGN.md (Processes). Built out by its own issue.
public enum FirehoseServiceInfo {
    /// The name the supervisor and logs use for this process.
    public static let processName = "FirehoseService"
}
