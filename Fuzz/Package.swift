// swift-tools-version:6.1
// libFuzzer targets for PDSwift's decoders of hostile bytes: one executable per target, built
// by `scripts/fuzz.sh` (swift build -c release --sanitize fuzzer --sanitize address
// -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library: libFuzzer's main is the only
// one). See docs/fuzzing.md.
import PackageDescription

/// A fuzz target: an executable whose only entry is `LLVMFuzzerTestOneInput`.
func fuzzTarget(_ name: String, _ products: [String], crypto: Bool = false) -> Target {
    var dependencies: [Target.Dependency] = ["FuzzSupport"] + products.map { .product(name: $0, package: "PDSwift") }
    if crypto { dependencies.append(.product(name: "Crypto", package: "swift-crypto")) }
    return .executableTarget(name: name, dependencies: dependencies)
}

let package = Package(
    name: "PDSwiftFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "PDSwift", path: ".."),
        // Already built for the main package; named so the JOSE target can sign proofs.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .target(name: "FuzzSupport"),
        fuzzTarget("FuzzDAGCBOR", ["IPLD"]),
        fuzzTarget("FuzzCID", ["IPLD", "Syntax"]),
        fuzzTarget("FuzzCAR", ["IPLD"]),
        fuzzTarget("FuzzRepoVerify", ["IPLD", "Repo", "Lexicon", "Syntax"]),
        fuzzTarget("FuzzMSTNode", ["IPLD", "Repo"]),
        fuzzTarget("FuzzIPC", ["IPC"]),
        fuzzTarget("FuzzJSONLexicon", ["IPLD", "Lexicon"]),
        fuzzTarget("FuzzFirehose", ["IPLD", "EventStream"]),
        fuzzTarget("FuzzSyntax", ["Syntax"]),
        fuzzTarget("FuzzDIDDocument", ["IPLD", "ATCrypto", "Identity"]),
        fuzzTarget("FuzzJOSE", ["IPLD", "ATCrypto", "JOSE"], crypto: true),
    ]
)
