import ATCrypto
import Foundation
import Identity
import IPLD
import Testing

@Suite struct PLCTests {
    let rotation = K256PrivateKey()
    let recovery = P256PrivateKey()
    let signing = K256PrivateKey()

    func genesis(handle: String = "alice.test") throws -> (PLCOperation, String) {
        let state = PLCState.account(rotationKeys: [recovery.didKey, rotation.didKey], signingKey: signing.didKey,
                                     handle: handle, pdsEndpoint: "https://pds.example.com")
        let op = try PLCOperation.sign(.update(state), prev: nil, with: rotation)
        return (op, op.genesisDID)
    }

    @Test func genesisDerivesItsDIDAndRoundTripsThroughJSON() throws {
        let (op, did) = try genesis()
        #expect(did.hasPrefix("did:plc:"))
        #expect(did.count == 8 + 24)
        #expect(did.dropFirst(8).allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) })
        // The signed op's JSON form parses back to the same operation and CID.
        let json = DataModelJSON.serialize(op.value)
        let parsed = try PLCOperation(try DataModelJSON.parse(json))
        #expect(parsed == op)
        #expect(parsed.cid == op.cid)
        #expect(op.isSigned(by: rotation.publicKey))
        #expect(!op.isSigned(by: signing.publicKey))
        // Different content, different DID.
        #expect(try genesis(handle: "bob.test").1 != did)
        let log = try PLCLog.genesis(op, did: did)
        let doc = DIDDocument(did: did, state: log.state!)
        #expect(doc.handle == "alice.test")
        #expect(doc.pdsEndpoint == "https://pds.example.com")
        #expect(doc.signingKey?.didKey == signing.didKey)
        #expect(doc.value["verificationMethod"]?.arrayValue?.first?["publicKeyMultibase"] == .string(signing.publicKey.multibase))
    }

    @Test func genesisMustMatchDIDAndBeSelfSigned() throws {
        let (op, did) = try genesis()
        #expect(throws: PLCError.self) { try PLCLog.genesis(op, did: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa") }
        let state = PLCState.account(rotationKeys: [rotation.didKey], signingKey: signing.didKey, handle: "a.test", pdsEndpoint: "https://x")
        let badlySigned = try PLCOperation.sign(.update(state), prev: nil, with: signing)
        #expect(throws: PLCError.self) { try PLCLog.genesis(badlySigned, did: badlySigned.genesisDID) }
        _ = did
    }

    @Test func updatesChainAndRecoveryOverridesWithinTheWindow() throws {
        let (g, did) = try genesis()
        var log = try PLCLog.genesis(g, did: did, at: Date(timeIntervalSince1970: 1_000_000))
        guard case .update(var state) = g.kind else { Issue.record("not an update"); return }
        state.alsoKnownAs = ["at://alice2.test"]
        // An update by the lower-priority rotation key.
        let update = try PLCOperation.sign(.update(state), prev: g.cid, with: rotation)
        try log.append(update, at: Date(timeIntervalSince1970: 1_000_100))
        #expect(log.state?.alsoKnownAs == ["at://alice2.test"])
        // Not signed by a rotation key: refused.
        let rogue = try PLCOperation.sign(.update(state), prev: update.cid, with: signing)
        #expect(throws: PLCError.self) { try log.append(rogue) }
        // Stale prev by the same key: refused (no override without higher priority).
        var other = state
        other.alsoKnownAs = ["at://mallory.test"]
        let fork = try PLCOperation.sign(.update(other), prev: g.cid, with: rotation)
        #expect(throws: PLCError.self) { try log.append(fork, at: Date(timeIntervalSince1970: 1_000_200)) }
        // The higher-priority recovery key may fork from genesis within 72 h, nullifying the update.
        var recovered = state
        recovered.alsoKnownAs = ["at://alice.test"]
        let recovery = try PLCOperation.sign(.update(recovered), prev: g.cid, with: self.recovery)
        var late = log
        #expect(throws: PLCError.self) { try late.append(recovery, at: Date(timeIntervalSince1970: 1_000_100 + 73 * 3600)) }
        try log.append(recovery, at: Date(timeIntervalSince1970: 1_000_300))
        #expect(log.state?.alsoKnownAs == ["at://alice.test"])
        #expect(log.entries.filter(\.nullified).map(\.cid) == [update.cid])
        // A tombstone ends it.
        let tomb = try PLCOperation.sign(.tombstone, prev: recovery.cid, with: rotation)
        try log.append(tomb)
        #expect(log.state == nil)
        #expect(throws: PLCError.self) { try log.append(try PLCOperation.sign(.update(state), prev: tomb.cid, with: rotation)) }
    }

    @Test func malformedOperationsRejected() throws {
        for json in [#"{"type":"plc_operation","sig":"x","prev":null}"#,
                     #"{"type":"create","sig":"x","prev":null}"#,
                     #"{"type":"plc_tombstone","sig":"x","prev":null}"#,
                     #"{"type":"plc_operation","sig":"x","prev":null,"rotationKeys":[],"verificationMethods":{},"alsoKnownAs":[],"services":{}}"#,
                     #"{"type":"plc_operation","sig":"x","prev":null,"rotationKeys":["did:key:nope"],"verificationMethods":{},"alsoKnownAs":[],"services":{}}"#] {
            #expect(throws: PLCError.self, "\(json)") { try PLCOperation(try DataModelJSON.parse(json)) }
        }
    }

    @Test func base64URL() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf, 0x00, 0x01]
        let s = Base64URL.encode(bytes)
        #expect(!s.contains("+") && !s.contains("/") && !s.contains("="))
        #expect(Base64URL.decode(s) == bytes)
        #expect(Base64URL.decode("a+b") == nil)
    }
}
