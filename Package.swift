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
        .library(name: "EventStream", targets: ["EventStream"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Lexicon", targets: ["Lexicon"]),
        .library(name: "IPC", targets: ["IPC"]),
        .library(name: "Config", targets: ["Config"]),
        .library(name: "S3", targets: ["S3"]),
        .library(name: "JOSE", targets: ["JOSE"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // S3 blob storage: streaming request/response bodies over HTTP/1.1 with TLS (AWS, R2, B2 are HTTPS-only).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // Already built for Hummingbird; named so the gateway can add a channel handler (100-continue).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // Already built for async-http-client; named so AuthService can speak SMTP (STARTTLS, implicit TLS).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
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
        .target(name: "Storage", dependencies: [.product(name: "GRDB", package: "GRDB.swift"),
                                                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                                                .product(name: "Crypto", package: "swift-crypto")],
                path: "Sources/Shared/Storage"),
        .target(name: "EventStream", dependencies: ["IPLD"], path: "Sources/Shared/EventStream"),
        .target(name: "Identity", dependencies: ["IPLD", "ATCrypto", "Syntax"], path: "Sources/Shared/Identity"),
        .target(name: "PLCDirectory", dependencies: [
            "Identity", "IPLD",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ], path: "Sources/Shared/PLCDirectory"),
        .target(name: "Repo", dependencies: ["Syntax", "IPLD", "ATCrypto", .product(name: "Crypto", package: "swift-crypto")],
                path: "Sources/Shared/Repo"),
        .target(name: "Lexicon", dependencies: ["Syntax", "IPLD"], path: "Sources/Shared/Lexicon"),

        // JWKs, compact JWS and DPoP proof checks: AuthService and the gateway both verify proofs.
        .target(name: "JOSE", dependencies: ["IPLD", .product(name: "Crypto", package: "swift-crypto")],
                path: "Sources/Shared/JOSE"),
        .target(name: "IPC", dependencies: ["CZeroMQ", .product(name: "Logging", package: "swift-log")],
                path: "Sources/Shared/IPC"),
        .target(name: "Config", dependencies: ["ATCrypto", "Syntax"], path: "Sources/Shared/Config"),
        // The S3 client of the blob store and the backups: SigV4, streamed bodies, multipart.
        .target(name: "S3", dependencies: [.product(name: "Crypto", package: "swift-crypto"),
                                           .product(name: "AsyncHTTPClient", package: "async-http-client")],
                path: "Sources/Shared/S3"),

        // Services: one library each; they meet only through IPC.
        .target(name: "Gateway", dependencies: [
            "Syntax", "IPLD", "IPC", "Config", "EventStream", "Identity", "JOSE",
            // The service proxy's upstream calls and DID-document fetches.
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ], path: "Sources/Gateway"),
        .target(name: "RepoService", dependencies: ["Storage", "Repo", "EventStream", "Syntax", "IPLD", "ATCrypto", "Lexicon", "IPC", "Config",
                                                    .product(name: "Logging", package: "swift-log"),
                                                    .product(name: "Crypto", package: "swift-crypto"),
                                                    .product(name: "GRDB", package: "GRDB.swift")],
                path: "Sources/RepoService"),
        .target(name: "FirehoseService", dependencies: ["Storage", "Repo", "IPLD", "EventStream", "IPC", "Config", "Identity",
                                                        .product(name: "GRDB", package: "GRDB.swift"),
                                                        .product(name: "Logging", package: "swift-log")],
                path: "Sources/FirehoseService"),
        .target(name: "BlobService", dependencies: ["IPLD", "Syntax", "IPC", "Config", "Storage", "S3",
                                                    .product(name: "Logging", package: "swift-log"),
                                                    .product(name: "Crypto", package: "swift-crypto"),
                                                    .product(name: "GRDB", package: "GRDB.swift"),
                                                    .product(name: "AsyncHTTPClient", package: "async-http-client")],
                path: "Sources/BlobService"),
        .target(name: "AuthService", dependencies: [
            "Syntax", "IPLD", "ATCrypto", "Identity", "Storage", "IPC", "Config", "JOSE",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            // OAuth client metadata documents are fetched with a hard size limit and no redirects.
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ], path: "Sources/AuthService"),
        .target(name: "BackupService", dependencies: ["Storage", "IPC", "IPLD", "Repo", "ATCrypto", "Config", "S3",
                                                      .product(name: "Crypto", package: "swift-crypto"),
                                                      .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                      .product(name: "GRDB", package: "GRDB.swift"),
                                                      .product(name: "Logging", package: "swift-log")],
                path: "Sources/BackupService"),

        // The one executable.
        .executableTarget(name: "pds", dependencies: [
            "Syntax", "IPLD", "ATCrypto", "Repo",
            "Gateway", "RepoService", "FirehoseService", "BlobService", "AuthService", "BackupService", "PLCDirectory",
            .product(name: "Hummingbird", package: "hummingbird"),
            "IPC", "Config",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            // `pds drill crash` subscribes to the firehose like a relay.
            "EventStream", .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Sources/pds"),

        // Tests.
        .target(name: "TestSupport", dependencies: ["S3", .product(name: "AsyncHTTPClient", package: "async-http-client")],
                path: "Tests/TestSupport"),
        .testTarget(name: "SyntaxTests", dependencies: ["Syntax", "TestSupport"]),
        .testTarget(name: "IPLDTests", dependencies: ["IPLD", "TestSupport"]),
        .testTarget(name: "ATCryptoTests", dependencies: ["ATCrypto", "IPLD", "TestSupport"]),
        .testTarget(name: "RepoTests", dependencies: ["Repo", "IPLD", "ATCrypto", "Syntax", "TestSupport"]),
        .testTarget(name: "AuthServiceTests", dependencies: [
            "AuthService", "ATCrypto", "IPLD", "Identity", "IPC", "Config", "JOSE", "TestSupport",
            // A real RepoService and PLC directory in process, for the account-creation crash tests.
            "RepoService", "PLCDirectory", .product(name: "Hummingbird", package: "hummingbird"),
            // DPoP proofs and client keys made independently of the code under test.
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "FirehoseServiceTests", dependencies: ["FirehoseService", "EventStream", "IPLD", "TestSupport"]),
        .testTarget(name: "BackupServiceTests", dependencies: ["BackupService", "Storage", "BlobService", "IPLD", "Config", "S3", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "EventStreamTests", dependencies: ["EventStream", "IPLD", "TestSupport"]),
        .testTarget(name: "PLCDirectoryTests", dependencies: [
            "PLCDirectory", "Identity", "IPLD", "ATCrypto",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "IPLD", "ATCrypto", "TestSupport"]),
        .testTarget(name: "RepoServiceTests", dependencies: ["RepoService", "FirehoseService", "Lexicon", "Repo", "IPLD", "ATCrypto", "Syntax", "TestSupport", "Config", "Storage"]),
        .testTarget(name: "LexiconTests", dependencies: ["Lexicon", "IPLD", "Syntax", "TestSupport"]),
        .testTarget(name: "IPCTests", dependencies: ["IPC", "Config"]),
        .testTarget(name: "GatewayTests", dependencies: [
            "Gateway", "IPC", "Config", "IPLD", "BlobService", "TestSupport", "Identity", "ATCrypto",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        // Runs the built `pds` binary; depending on the executable makes `swift test` build it first.
        .testTarget(name: "PDSCommandTests", dependencies: ["pds"]),
        .testTarget(name: "ProcessTests", dependencies: ["pds", "Gateway", "Config", "IPC", "IPLD", "Repo", "TestSupport", "BackupService",
                                                     .product(name: "Crypto", package: "swift-crypto"),
                                                     .product(name: "GRDB", package: "GRDB.swift"),
                                                     .product(name: "HummingbirdWSClient", package: "hummingbird-websocket")]),
        // Config validation, and the compose files checked against the config and the `pds` binary.
        .testTarget(name: "ConfigTests", dependencies: ["Config", "pds"]),
        .testTarget(name: "BlobServiceTests", dependencies: ["BlobService", "IPLD", "S3", "TestSupport",
                                                             .product(name: "Crypto", package: "swift-crypto"),
                                                             .product(name: "AsyncHTTPClient", package: "async-http-client")]),
    ]
)
