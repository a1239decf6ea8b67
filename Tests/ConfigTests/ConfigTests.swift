import Config
import Foundation
import Testing

private func temporaryDataDirectory() -> String {
    NSTemporaryDirectory() + "pds-config-\(UUID().uuidString.prefix(8))"
}

@Suite struct ConfigTests {
    @Test func zeroConfigurationIsALocalDevServer() throws {
        let config = try PDSConfig(environment: [:])
        #expect(config.hostname == "localhost")
        #expect(config.port == 2583)
        #expect(config.publicURL.absoluteString == "http://localhost:2583")
        #expect(config.bindAddress == "127.0.0.1")
        #expect(config.dataDirectory == FileManager.default.currentDirectoryPath + "/data")
        #expect(config.serviceDID == "did:web:localhost")
        #expect(config.serviceHandleDomains == [".test"])
        #expect(config.ipc.repo == "ipc://\(config.dataDirectory)/ipc/repo.sock")
        #expect(config.didPLCURL.absoluteString == "https://plc.directory")
        #expect(config.inviteRequired == false)
    }

    @Test func referenceVariablesAreRead() throws {
        let config = try PDSConfig(environment: [
            "PDS_HOSTNAME": "pds.example.com", "PDS_PORT": "3000", "PDS_DATA_DIRECTORY": "/srv/pds",
            "PDS_BLOBSTORE_DISK_LOCATION": "/srv/blobs", "PDS_INVITE_REQUIRED": "true",
            "PDS_CRAWLERS": "https://bsky.network, https://relay.example.com",
            "PDS_BSKY_APP_VIEW_URL": "https://api.bsky.app", "PDS_BSKY_APP_VIEW_DID": "did:web:api.bsky.app",
            "PDS_IPC_REPO": "tcp://repo:7001",
        ])
        #expect(config.publicURL.absoluteString == "https://pds.example.com")
        #expect(config.bindAddress == "0.0.0.0")
        #expect(config.port == 3000)
        #expect(config.dataDirectory == "/srv/pds")
        #expect(config.blobstoreDiskLocation == "/srv/blobs")
        #expect(config.inviteRequired)
        #expect(config.crawlers.map(\.host) == ["bsky.network", "relay.example.com"])
        #expect(config.appView?.did == "did:web:api.bsky.app")
        #expect(config.serviceHandleDomains == [".pds.example.com"])
        #expect(config.ipc.repo == "tcp://repo:7001")
        #expect(config.ipc.blob == "ipc:///srv/pds/ipc/blob.sock")
    }

    @Test(arguments: [
        ("PDS_PORT", "eighty", "PDS_PORT=\"eighty\" is not valid: expected a TCP port"),
        ("PDS_PORT", "70000", "PDS_PORT=\"70000\""),
        ("PDS_HOSTNAME", "not a host", "PDS_HOSTNAME"),
        ("PDS_INVITE_REQUIRED", "maybe", "expected true or false"),
        ("PDS_DID_PLC_URL", "ftp://plc", "an http:// or https:// URL"),
        ("PDS_CRAWLERS", "https://ok.example, nope", "PDS_CRAWLERS"),
        ("PDS_IPC_AUTH", "udp://x:1", "ipc:///absolute/path or tcp://host:port"),
        ("PDS_SERVICE_DID", "web:example", "PDS_SERVICE_DID"),
        ("PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX", "abcd", "64 hex digits"),
        ("PDS_JWT_SECRET", "short", "at least 16 characters"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL"),
    ])
    func badValuesAreRejectedWithTheVariableNamed(variable: String, value: String, message: String) {
        do {
            _ = try PDSConfig(environment: [variable: value])
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.description.contains(variable))
        }
    }

    @Test func appViewNeedsBothURLAndDID() {
        #expect(throws: ConfigError.self) { try PDSConfig(environment: ["PDS_BSKY_APP_VIEW_URL": "https://api.bsky.app"]) }
    }

    @Test func secretsAreGeneratedOnceAndKeptPrivate() throws {
        let dir = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try PDSConfig.load(environment: ["PDS_DATA_DIRECTORY": dir])
        #expect(first.secrets.jwtSecret.count == 32)
        #expect(first.secrets.plcRotationKeyHex.count == 64)
        let second = try PDSConfig.load(environment: ["PDS_DATA_DIRECTORY": dir])
        #expect(second.secrets == first.secrets)
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/secrets.env")[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        // The environment wins over the file, and is not written to it.
        let overridden = try PDSConfig.load(environment: ["PDS_DATA_DIRECTORY": dir, "PDS_ADMIN_PASSWORD": "from-env"])
        #expect(overridden.secrets.adminPassword == "from-env")
        #expect(overridden.secrets.jwtSecret == first.secrets.jwtSecret)
        #expect(!(try String(contentsOfFile: dir + "/secrets.env", encoding: .utf8)).contains("from-env"))
    }

    @Test func concurrentFirstStartsAgreeOnSecrets() async throws {
        let dir = temporaryDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secrets = try await withThrowingTaskGroup(of: Secrets.self) { group in
            for _ in 0..<6 { group.addTask { try PDSConfig.load(environment: ["PDS_DATA_DIRECTORY": dir]).secrets } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(secrets.map(\.jwtSecret)).count == 1)
    }

    @Test func backupEncryptionKeyIsCheckedAtStart() throws {
        #expect(throws: ConfigError.self) { try PDSConfig(environment: ["PDS_BACKUP_ENCRYPTION_KEY": "not a key"]) }
        let hex = try PDSConfig(environment: ["PDS_BACKUP_ENCRYPTION_KEY": String(repeating: "0f", count: 32)])
        #expect(hex.backupEncryptionKey?.count == 64)
        #expect(try PDSConfig(environment: ["PDS_BACKUP_ENCRYPTION_KEY": Data(count: 32).base64EncodedString()]).backupEncryptionKey != nil)
        // The key and a key file both set: which one is meant is not guessed.
        #expect { try PDSConfig(environment: ["PDS_BACKUP_ENCRYPTION_KEY": String(repeating: "0f", count: 32),
                                              "PDS_BACKUP_ENCRYPTION_KEY_FILE": "/run/secrets/backup.key"]) } throws: {
            "\($0)".contains("PDS_BACKUP_ENCRYPTION_KEY_FILE")
        }
        // The file is read where it is used (pds up, the BackupService), not by every process.
        #expect(try PDSConfig(environment: ["PDS_BACKUP_ENCRYPTION_KEY_FILE": "/nonexistent/backup.key"]).backupEncryptionKeyFile != nil)
        #expect { try BackupEncryptionKey.resolve(key: nil, file: "/nonexistent/backup.key") } throws: { "\($0)".contains("/nonexistent/backup.key") }
    }
}
