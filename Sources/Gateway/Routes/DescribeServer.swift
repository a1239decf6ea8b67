import Config
import Foundation
import NIOCore
import Syntax

/// `com.atproto.server.describeServer`: what accounts this PDS offers. The answer depends only
/// on configuration, so it is encoded once at start.
enum DescribeServer {
    struct Output: Encodable {
        struct Links: Encodable {
            var privacyPolicy: String?
            var termsOfService: String?
        }
        struct Contact: Encodable {
            var email: String?
        }
        var did: String
        var availableUserDomains: [String]
        var inviteCodeRequired: Bool
        var phoneVerificationRequired: Bool
        var links: Links
        var contact: Contact
    }

    static func register(in routes: inout XRPCRoutes, config: PDSConfig) throws {
        let output = Output(
            did: config.serviceDID,
            availableUserDomains: config.serviceHandleDomains,
            inviteCodeRequired: config.inviteRequired,
            phoneVerificationRequired: false,
            links: .init(privacyPolicy: config.privacyPolicyURL?.absoluteString, termsOfService: config.termsOfServiceURL?.absoluteString),
            contact: .init(email: config.contactEmailAddress))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = ByteBuffer(bytes: try encoder.encode(output))
        routes.add(.query(try NSID("com.atproto.server.describeServer")) { _ throws(XRPCError) in
            .json(preEncoded: body)
        })
    }
}
