import Dispatch
import FuzzSupport
import IPC

/// The IPC wire format: the envelope frame (`Envelope(decoding:)`), then its body through the
/// RPC body codec (the binary `BinaryCodec`, or JSON when the body does not start with its
/// marker) into real request types, via the public handler table and in-process caller (the
/// same decode and encode calls the socket server makes). An envelope must re-encode to the
/// input; a decoded body, re-encoded as the reply, must decode to an equal value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    guard let envelope = try? Envelope(decoding: bytes) else { return 0 }
    Invariant.check(envelope.encoded() == bytes, "envelope re-encoding differs: \(Hex.dump(bytes))")
    let done = DispatchSemaphore(value: 0)
    Task {
        await roundTrip(envelope)
        done.signal()
    }
    done.wait()
    return 0
}

let echo = Echo()

/// Sends the envelope's body to the method it names (or one picked by its id), then sends the
/// reply's body back and compares the two decoded values.
func roundTrip(_ envelope: Envelope) async {
    let method = echo.names.contains(envelope.method) ? envelope.method : echo.names[Int(envelope.id % UInt64(echo.names.count))]
    let request = Envelope(kind: .request, id: envelope.id, method: method, body: envelope.body)
    guard let reply = try? await echo.caller.send(request, timeout: .seconds(5)) else { return }
    guard let first = echo.take() else { Invariant.fail("a reply came back but no handler decoded the request") }
    let again = Envelope(kind: .request, id: envelope.id, method: method, body: reply.body)
    guard let reply2 = try? await echo.caller.send(again, timeout: .seconds(5)) else {
        Invariant.fail("the reply body of \(method) does not decode: \(Hex.dump(reply.body))")
    }
    guard let second = echo.take() else { Invariant.fail("no handler decoded the re-encoded request") }
    switch (first, second) {
    case let (a as Probe, b as Probe): Invariant.check(a == b, "probe differs after a round trip")
    case let (a as [RepoTypes.Write], b as [RepoTypes.Write]): Invariant.check(a == b, "writes differ after a round trip")
    default: break
    }
    if !(first is Probe) || (first as? Probe)?.counts == nil {
        Invariant.check(reply2.body == reply.body, "\(method) encoding is not stable")
    }
}
