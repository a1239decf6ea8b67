/// The BlobService process: see ../shared/DESIGN.md (Processes).
public enum BlobServiceInfo {
    /// The name the supervisor and logs use for this process.
    public static let processName = "BlobService"
}
