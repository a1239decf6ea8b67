/// The Gateway process: see ../shared/DESIGN.md (Processes). Built out by its own issue.
public enum GatewayInfo {
    /// The name the supervisor and logs use for this process.
    public static let processName = "Gateway"
}
