@testable import Gateway
import IPC
import Testing

/// What a client is told when a service fails inside: no file paths or SQL, and the two
/// failures worth retrying (full disk, a file locked by another process) as 503s.
@Suite struct InternalErrorAnswerTests {
    @Test func internalFailuresAreAnsweredWithoutInternals() {
        let full = XRPCError(IPCError.remote(name: "InternalServerError",
                                             message: "SQLite error 13: database or disk is full - while executing `COMMIT TRANSACTION`"))
        #expect(full.status == .serviceUnavailable && full.error == "InsufficientStorage")
        let enospc = XRPCError(IPCError.remote(name: "InternalServerError", message: "write /data/blocks/tmp/upload-1: No space left on device"))
        #expect(enospc.error == "InsufficientStorage" && !enospc.message.contains("/"))
        let locked = XRPCError(IPCError.remote(name: "InternalServerError", message: "SQLite error 5: database is locked"))
        #expect(locked.status == .serviceUnavailable && locked.error == "ServiceUnavailable")
        let other = XRPCError(IPCError.remote(name: "InternalServerError", message: "cannot open /data/repos/ab/did:plc:x.sqlite"))
        #expect(other.status == .internalServerError && other.message == "Internal Server Error")
        let sql = XRPCError(IPCError.remote(name: "InternalServerError", message: "SQLite error 19: UNIQUE constraint failed: account.did"))
        #expect(sql.message == "Internal Server Error")
        // A message written for clients stays.
        let mail = XRPCError(IPCError.remote(name: "InternalServerError", message: "Email could not be sent"))
        #expect(mail.status == .internalServerError && mail.message == "Email could not be sent")
    }

    @Test func errorsMeantForClientsPassThrough() {
        let notFound = XRPCError(IPCError.remote(name: "RecordNotFound", message: "Could not locate record: at://did:plc:x/a.b/c"))
        #expect(notFound.error == "RecordNotFound" && notFound.message.contains("at://did:plc:x/a.b/c"))
        let invalid = XRPCError(IPCError.remote(name: "InvalidRequest", message: "Invalid record: a record must have a string $type"))
        #expect(invalid.status == .badRequest && invalid.message.hasPrefix("Invalid record"))
    }
}
