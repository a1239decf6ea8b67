// swift-tools-version:6.1
// Benchmarks live in their own package so the main build and CI do not pay for them.
// Run: cd Benchmarks && swift run -c release pds-bench [all|data|crypto|repo]
import PackageDescription

let package = Package(
    name: "PDSwiftBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "PDSwift", path: "..")],
    targets: [
        .executableTarget(name: "pds-bench", dependencies: [
            .product(name: "IPLD", package: "PDSwift"),
            .product(name: "ATCrypto", package: "PDSwift"),
            .product(name: "Repo", package: "PDSwift"),
            .product(name: "Syntax", package: "PDSwift"),
        ]),
    ]
)
