import Testing
@testable import IPC

@Suite struct EnvelopeTests {
    @Test func roundTripsEveryField() throws {
        let envelope = Envelope(kind: .error, id: 0x0102_0304_0506_0708, method: "applyWrites",
                                errorName: "InvalidSwap", errorMessage: "records changed — retry", body: [0, 1, 255])
        let decoded = try Envelope(decoding: envelope.encoded())
        #expect(decoded == envelope)
    }

    @Test func rejectsTruncatedAndForeignFrames() {
        let frame = Envelope(kind: .request, id: 7, method: "ping").encoded()
        #expect(throws: IPCError.self) { try Envelope(decoding: Array(frame.prefix(10))) }
        var otherVersion = frame
        otherVersion[0] = 9
        #expect(throws: IPCError.self) { try Envelope(decoding: otherVersion) }
        var badKind = frame
        badKind[1] = 7
        #expect(throws: IPCError.self) { try Envelope(decoding: badKind) }
    }

    @Test func errorsMapToXRPCNamesAndStatuses() {
        #expect(IPCError.timeout(method: "ping", endpoint: "x").httpStatus == 503)
        #expect(IPCError.unavailable(endpoint: "x").xrpcErrorName == "ServiceUnavailable")
        #expect(IPCError.remote(name: "InvalidRequest", message: "").httpStatus == 400)
        #expect(IPCError.remote(name: "SomethingNew", message: "").httpStatus == 500)
    }

    @Test func tcpHostNamesBindOnEveryInterface() {
        #expect(ServerLoop.bindAddress(for: "tcp://repo:7001") == "tcp://*:7001")
        #expect(ServerLoop.bindAddress(for: "tcp://127.0.0.1:7001") == "tcp://127.0.0.1:7001")
        #expect(ServerLoop.bindAddress(for: "ipc:///data/repo.sock") == "ipc:///data/repo.sock")
    }
}
