// swift-tools-version:6.1
// PDSwift: an AT Protocol Personal Data Server. Layout and process split: ../shared/DESIGN.md.
import PackageDescription

let package = Package(
    name: "PDSwift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pds", targets: ["pds"]),
        .library(name: "Syntax", targets: ["Syntax"]),
        .library(name: "IPLD", targets: ["IPLD"]),
        .library(name: "ATCrypto", targets: ["ATCrypto"]),
        .library(name: "Repo", targets: ["Repo"]),
        .library(name: "Identity", targets: ["Identity"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // S3 blob storage: streaming request/response bodies over HTTP/1.1 with TLS (AWS, R2, B2 are HTTPS-only).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // System libraries (Debian packages, installed by scripts/setup.sh).
        .systemLibrary(name: "CSecp256k1", path: "Sources/Shared/CSecp256k1", pkgConfig: "libsecp256k1",
                       providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CZeroMQ", path: "Sources/Shared/CZeroMQ",
                       providers: [.apt(["libzmq3-dev"])]),

        // Shared libraries, one per concern.
        .target(name: "Syntax", path: "Sources/Shared/Syntax"),
        .target(name: "IPLD", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                path: "Sources/Shared/IPLD"),
        .target(name: "ATCrypto", dependencies: ["IPLD", "CSecp256k1",
                                                 .product(name: "Crypto", package: "swift-crypto")],
                path: "Sources/Shared/ATCrypto"),
        .target(name: "Identity", dependencies: ["IPLD", "ATCrypto", "Syntax"], path: "Sources/Shared/Identity"),
        .target(name: "Repo", dependencies: ["Syntax", "IPLD", "ATCrypto", .product(name: "Crypto", package: "swift-crypto")],
                path: "Sources/Shared/Repo"),

        // Services: one library each; they meet only through IPC.
        .target(name: "Gateway", dependencies: ["Syntax"], path: "Sources/Gateway"),
        .target(name: "RepoService", dependencies: ["Repo", "Syntax", "IPLD", "ATCrypto",
                                                    .product(name: "Crypto", package: "swift-crypto"),
                                                    .product(name: "GRDB", package: "GRDB.swift")],
                path: "Sources/RepoService"),
        .target(name: "FirehoseService", dependencies: ["Repo", "IPLD", .product(name: "GRDB", package: "GRDB.swift")],
                path: "Sources/FirehoseService"),
        .target(name: "BlobService", dependencies: ["IPLD", "Syntax",
                                                    .product(name: "Crypto", package: "swift-crypto"),
                                                    .product(name: "GRDB", package: "GRDB.swift"),
                                                    .product(name: "AsyncHTTPClient", package: "async-http-client")],
                path: "Sources/BlobService"),
        .target(name: "AuthService", dependencies: [
            "Syntax", "IPLD", "ATCrypto", "Identity",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ], path: "Sources/AuthService"),
        .target(name: "BackupService", dependencies: [], path: "Sources/BackupService"),

        // The one executable.
        .executableTarget(name: "pds", dependencies: [
            "Syntax", "IPLD", "ATCrypto", "Repo",
            "Gateway", "RepoService", "FirehoseService", "BlobService", "AuthService", "BackupService",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/pds"),

        // Tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SyntaxTests", dependencies: ["Syntax", "TestSupport"]),
        .testTarget(name: "IPLDTests", dependencies: ["IPLD", "TestSupport"]),
        .testTarget(name: "ATCryptoTests", dependencies: ["ATCrypto", "IPLD", "TestSupport"]),
        .testTarget(name: "RepoTests", dependencies: ["Repo", "IPLD", "ATCrypto", "Syntax", "TestSupport"]),
        .testTarget(name: "AuthServiceTests", dependencies: ["AuthService", "ATCrypto", "IPLD", "Identity", "TestSupport"]),
        .testTarget(name: "FirehoseServiceTests", dependencies: ["FirehoseService", "IPLD", "TestSupport"]),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "IPLD", "ATCrypto", "TestSupport"]),
        .testTarget(name: "BlobServiceTests", dependencies: ["BlobService", "IPLD", "TestSupport",
                                                             .product(name: "Crypto", package: "swift-crypto"),
                                                             .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .testTarget(name: "RepoServiceTests", dependencies: ["RepoService", "Repo", "IPLD", "ATCrypto", "Syntax", "TestSupport"]),
    ]
)
