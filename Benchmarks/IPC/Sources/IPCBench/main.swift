import Foundation
import IPC

// Measures request/reply over ipc:// through the real RPCServer and RPCClient: one caller
// strictly sequential, then N callers each keeping one call in flight (pipelined by the client's
// socket thread). Prints round trips per second and latency percentiles.

struct Payload: Codable, Sendable { var n: Int }
let echo = RPCMethod<Payload, Payload>("echo")
let echoInline = RPCMethod<Payload, Payload>("echoInline")

func percentile(_ sorted: [UInt64], _ p: Double) -> Double {
    Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
}

/// CPU time (user + system, µs) and context switches (voluntary + involuntary) of the process.
func usage() -> (cpu: Double, switches: Int) {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    let cpu = Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec)
    return (cpu, u.ru_nvcsw + u.ru_nivcsw)
}

func run(client: RPCClient, method: RPCMethod<Payload, Payload>, callers: Int, seconds: Double) async throws -> (Double, Double, Double, Double, Double) {
    let before = usage()
    let start = monotonic()
    let end = start + UInt64(seconds * 1e9)
    let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for _ in 0..<callers {
            group.addTask {
                var samples: [UInt64] = []
                samples.reserveCapacity(1 << 18)
                var i = 0
                while true {
                    let t0 = monotonic()
                    if t0 >= end { break }
                    _ = try await client.call(method, Payload(n: i))
                    samples.append(monotonic() - t0)
                    i += 1
                }
                return samples
            }
        }
        var all: [UInt64] = []
        for try await part in group { all += part }
        return all
    }
    let elapsed = Double(monotonic() - start) / 1e9
    let after = usage()
    let sorted = latencies.sorted()
    let n = Double(sorted.count)
    return (n / elapsed, percentile(sorted, 0.50), percentile(sorted, 0.99),
            (after.cpu - before.cpu) / n, Double(after.switches - before.switches) / n)
}

func monotonic() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let args = CommandLine.arguments
let seconds = args.count > 1 ? Double(args[1]) ?? 5 : 5
let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ipc-bench-\(getpid())")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
let address = "ipc://" + dir.appendingPathComponent("bench.sock").path

var handlers = RPCHandlers()
handlers.register(echo) { request async throws(IPCError) in request }
handlers.registerImmediate(echoInline) { request throws(IPCError) in request }
let server = try await RPCServer(endpoint: address, handlers: handlers)
let client = try await RPCClient(endpoint: address, defaultTimeout: .seconds(5))
_ = try await run(client: client, method: echo, callers: 1, seconds: 0.5)  // warm-up

print("IPC round trips over \(address), \(seconds) s each")
print("handler    callers   round-trips/s      p50 µs    p99 µs   CPU µs/rt  switches/rt")
// Optional filters: `ipc-bench SECONDS [CALLERS] [METHOD]`, e.g. `ipc-bench 5 16 echo`.
let onlyCallers = args.count > 2 ? Int(args[2]) : nil
let onlyMethod = args.count > 3 ? args[3] : nil
for method in [echo, echoInline] where onlyMethod == nil || onlyMethod == method.name {
    for callers in [1, 16, 64] where onlyCallers == nil || onlyCallers == callers {
        let (rate, p50, p99, cpu, switches) = try await run(client: client, method: method, callers: callers, seconds: seconds)
        print(String(format: "%-10@ %7d %15.0f %11.1f %9.1f %11.2f %12.2f", method.name as NSString, callers, rate, p50, p99, cpu, switches))
    }
}
await client.stop()
await server.stop()
try? FileManager.default.removeItem(at: dir)
