import ATCrypto
@testable import AuthService
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FirehoseService
import Hummingbird
import IPC
import PLCDirectory
import RepoService
import Synchronization
import TestSupport
import Testing

/// `createAccount` failing or dying at each step, with a real RepoService (in process, its
/// own SQLite) and a real verifying PLC directory on a loopback port.
@Suite(.serialized) struct AccountCreationCrashTests {
    struct InjectedFailure: Error {}

    /// The DID the failing creation had when it failed.
    final class SeenDID: Sendable {
        let value = Mutex<String?>(nil)
        var did: String? { value.withLock { $0 } }
    }

    final class Fixture {
        let dir: URL
        let store: AuthStore
        let sessions: Sessions
        let repo: RepoServiceImplementation
        /// A real sequencer: the repo's events reach it through RepoService's outbox relay,
        /// the account's through AccountCreation, as in `pds up`.
        let sequencer: Sequencer
        let firehose: FirehoseServiceImplementation
        let plcStore: PLCStore
        let plcURL: URL
        let plcServer: Task<Void, any Error>
        let rotationKey = K256PrivateKey()

        init() async throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdswift-create-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            store = try AuthStore(path: dir.appendingPathComponent("auth.sqlite").path)
            sessions = Sessions(store: store, tokens: await SessionTokens(secret: "test-secret", serviceDID: "did:web:pds.test"))
            sequencer = try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path)
            firehose = FirehoseServiceImplementation(sequencer: sequencer, publisher: nil)
            let stores = ActorStorePool(dataDirectory: dir.appendingPathComponent("repos"))
            repo = RepoServiceImplementation(stores: stores, validator: { _, _ in .unknown },
                                             relay: OutboxRelay(stores: stores, firehose: firehose))
            plcStore = try PLCStore(path: dir.appendingPathComponent("plc.sqlite").path)
            let router = Router()
            PLCDirectoryRoutes.register(on: router, store: plcStore)
            let port = try LoopbackPort.free()
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
            plcServer = Task { try await app.runService() }
            plcURL = URL(string: "http://127.0.0.1:\(port)")!
            for _ in 0..<200 {
                if (try? await URLSession.shared.data(from: plcURL.appendingPathComponent("did:plc:none"))) != nil { return }
                try await Task.sleep(for: .milliseconds(25))
            }
            throw InjectedFailure()
        }

        deinit {
            plcServer.cancel()
            try? FileManager.default.removeItem(at: dir)
        }

        /// A creation pipeline as AuthService builds it; a fresh one is a restarted process.
        func creation(failAt: PendingAccount.Step? = nil, crash: Bool = false, seen: SeenDID? = nil) -> AccountCreation {
            var c = AccountCreation(store: store, sessions: sessions, handles: HandleRules(domains: [".pds.test"]),
                                    plc: PLCClient(directory: plcURL), repo: repo, firehose: firehose, rotationKey: rotationKey,
                                    pdsEndpoint: "https://pds.test", inviteRequired: false)
            if let failAt {
                let store = self.store
                c.failurePoint = { step in
                    guard step == failAt else { return }
                    let did = try await store.pendingAccount(handle: "alice.pds.test")?.did
                    seen?.value.withLock { $0 = did }
                    if crash { throw AccountCreation.Interrupted() } else { throw InjectedFailure() }
                }
            }
            return c
        }

        func request(_ handle: String = "alice.pds.test") -> AuthTypes.CreateAccountRequest {
            AuthTypes.CreateAccountRequest(handle: handle, email: nil, password: "correct horse", inviteCode: nil, recoveryKey: nil)
        }

        /// The firehose's events for `did`, once at least `count` of them are sequenced.
        func events(of did: String, atLeast count: Int) async throws -> [SequencedEvent] {
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let mine = try await sequencer.events(after: 0).filter { $0.did == did }
                if mine.count >= count || ContinuousClock.now > deadline { return mine }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        /// Whether the directory still has `did` as a live (not tombstoned) DID.
        func liveInDirectory(_ did: String) async throws -> Bool {
            try await plcStore.log(did: did)?.state != nil
        }
    }

    /// After the account exists, exactly one repo remains: its own.
    func expectOnlyRepo(of session: AuthTypes.Session, in f: Fixture) async throws {
        let repos = await f.repo.stores.allDIDs()
        #expect(repos == [session.did])
        #expect(try await f.store.pendingAccounts().isEmpty)
        #expect(try await f.store.account(identifier: "alice.pds.test")?.did == session.did)
    }

    @Test(arguments: PendingAccount.Step.allCases)
    func anErrorAtAnyStepIsUndoneAtOnce(step: PendingAccount.Step) async throws {
        let f = try await Fixture()
        let failedDID = SeenDID()
        await #expect(throws: InjectedFailure.self) { try await f.creation(failAt: step, seen: failedDID).create(f.request()) }
        #expect(try await f.store.pendingAccounts().isEmpty, "the handle is let go")
        let repos = await f.repo.stores.allDIDs()
        #expect(repos.isEmpty, "no repo without an account")
        if step >= .plcSubmitting, let did = failedDID.did {
            #expect(try await !f.liveInDirectory(did), "the submitted DID is tombstoned")
        }
        let session = try await f.creation().create(f.request())
        try await expectOnlyRepo(of: session, in: f)
    }

    @Test(arguments: PendingAccount.Step.allCases)
    func aCrashAtAnyStepIsUndoneByTheNextTry(step: PendingAccount.Step) async throws {
        let f = try await Fixture()
        await #expect(throws: AuthError.self) { try await f.creation(failAt: step, crash: true).create(f.request()) }
        // As a crash leaves it: the handle held, the step recorded.
        #expect(try await f.store.pendingAccount(handle: "alice.pds.test")?.step == step)
        let repos = await f.repo.stores.allDIDs()
        if step >= .repoCreating { #expect(repos.count == 1) }
        // The same process (or a restarted one) tries the handle again: the leftovers go first.
        let session = try await f.creation().create(f.request())
        try await expectOnlyRepo(of: session, in: f)
    }

    @Test(arguments: PendingAccount.Step.allCases)
    func aCrashAtAnyStepIsUndoneAtTheNextStart(step: PendingAccount.Step) async throws {
        let f = try await Fixture()
        let crashedDID = SeenDID()
        await #expect(throws: AuthError.self) { try await f.creation(failAt: step, crash: true, seen: crashedDID).create(f.request()) }
        // A restarted AuthService undoes what the crash left.
        await f.creation().recoverPending()
        #expect(try await f.store.pendingAccounts().isEmpty)
        let repos = await f.repo.stores.allDIDs()
        #expect(repos.isEmpty)
        if step >= .plcSubmitting, let did = crashedDID.did {
            #expect(try await !f.liveInDirectory(did))
        }
        let session = try await f.creation().create(f.request())
        try await expectOnlyRepo(of: session, in: f)
    }

    @Test func aSecondCreationOfAHandleInFlightIsRefused() async throws {
        let f = try await Fixture()
        let creation = f.creation()
        // The first creation holds the handle (as if mid-way); the second is told it is taken.
        #expect(creation.inFlight.insert("alice.pds.test"))
        let error = await #expect(throws: AuthError.self) { try await creation.create(f.request()) }
        #expect(error?.xrpcError == "HandleNotAvailable")
        creation.inFlight.remove("alice.pds.test")
        _ = try await creation.create(f.request())
        await #expect(throws: AuthError.self) { try await creation.create(f.request()) }
    }

    /// A crash after the repo's first `#commit` and `#sync` went out: the undo tells relays the
    /// account is gone (`#account active=false status=deleted`), so the firehose never holds
    /// the events of an account that does not exist with nothing after them. A crash before
    /// the repo was created leaves no event at all for that DID.
    @Test(arguments: PendingAccount.Step.allCases)
    func anUndoneCreationEndsOnTheFirehose(step: PendingAccount.Step) async throws {
        let f = try await Fixture()
        let crashed = SeenDID()
        await #expect(throws: AuthError.self) { try await f.creation(failAt: step, crash: true, seen: crashed).create(f.request()) }
        guard let did = crashed.did else {
            #expect(step < .plcSubmitting, "a DID exists from the PLC step on")
            return
        }
        if step >= .repoCreating {
            let before = try await f.events(of: did, atLeast: 2)
            #expect(before.map(\.kind) == [.commit, .sync], "the repo's first events were published")
        }
        await f.creation().recoverPending()
        #expect(try await f.store.pendingAccounts().isEmpty)
        let events = try await f.events(of: did, atLeast: step >= .repoCreating ? 3 : 0)
        if step >= .repoCreating {
            #expect(events.map(\.kind) == [.commit, .sync, .account])
            let last = try #require(events.last)
            #expect(last.body["active"] == .bool(false))
            #expect(last.body["status"] == .string("deleted"))
            // Run again (as after a second crash mid-undo): still one #account.
            try await f.creation().undo(PendingAccount(handle: "alice.pds.test", did: did, step: step))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await f.events(of: did, atLeast: 0).count == 3)
        } else {
            #expect(events.isEmpty)
        }
    }
}
