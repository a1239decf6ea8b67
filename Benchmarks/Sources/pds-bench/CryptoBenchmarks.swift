import ATCrypto
import IPLD

/// Signing and verification rates on one core (issue: foundation).
enum CryptoBenchmarks {
    static func run() {
        let message = DAGCBOR.encode(RecordMix.record(9))
        for (name, key) in [("k256", KeyAlgorithm.k256.generateSigningKey()), ("p256", KeyAlgorithm.p256.generateSigningKey())] {
            let sig = try! key.sign(message)
            let pub = key.publicKey
            let signRate = Measure.rate { _ = try! key.sign(message) }
            let verifyRate = Measure.rate { precondition(pub.verify(signature: sig, for: message)) }
            Measure.print("\(name) sign (1 core)", signRate, "/s", target: name == "k256" ? "≥ 40,000" : "")
            Measure.print("\(name) verify (1 core)", verifyRate, "/s", target: name == "k256" ? "≥ 25,000" : "≥ 20,000")
        }
    }
}
