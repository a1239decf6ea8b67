// swift-tools-version:6.1
// IPC round-trip benchmark: `cd Benchmarks/IPC && swift run -c release ipc-bench`.
import PackageDescription

let package = Package(
    name: "IPCBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "PDSwift", path: "../..")],
    targets: [
        .executableTarget(name: "ipc-bench", dependencies: [.product(name: "IPC", package: "PDSwift")],
                          path: "Sources/IPCBench"),
    ]
)
