import ClinicDomain
import ClinicStorage
import Foundation

extension APIResources {
    /// A staff account, without any secret.
    public struct UserResource: Codable, Sendable, Equatable {
        public var id: UUID
        public var email: String
        public var displayName: String
        public var role: String
        public var isActive: Bool
        public var hasTwoFactor: Bool
        public var mustChangePassword: Bool

        init(_ user: UserAccount) {
            id = user.id
            email = user.email.text
            displayName = user.displayName
            role = user.role.rawValue
            isActive = user.isActive
            hasTwoFactor = user.hasTwoFactor
            mustChangePassword = user.mustChangePassword
        }
    }

    /// Who the caller is and what the request may do (the token's scope within the role).
    public struct MeResource: Codable, Sendable, Equatable {
        public var user: UserResource
        public var permissions: [String]
        public var tokenName: String?
    }

    /// One audit-trail entry, as stored, hashes included so a client can re-check the chain.
    public struct AuditEntryResource: Codable, Sendable, Equatable {
        public var sequence: Int64
        public var occurredAt: Date
        public var userId: UUID?
        public var actor: String
        public var role: String?
        public var action: String
        public var entityType: String
        public var entityId: String
        public var patientId: UUID?
        public var summary: String
        public var requestId: String
        public var ipAddress: String
        public var previousHash: String
        public var hash: String

        init(_ entry: AuditEntry) {
            sequence = entry.sequence
            occurredAt = entry.stamp.at
            userId = entry.stamp.userID
            actor = entry.stamp.actorName
            role = entry.stamp.role?.rawValue
            action = entry.event.action.rawValue
            entityType = entry.event.entityType
            entityId = entry.event.entityID
            patientId = entry.event.patientID
            summary = entry.event.summary
            requestId = entry.stamp.requestID
            ipAddress = entry.stamp.ipAddress
            previousHash = entry.previousHash
            hash = entry.hash
        }
    }

    /// A page of audit entries, newest first; `next` is the `before` value of the following page.
    public struct AuditPageResource: Codable, Sendable, Equatable {
        public var items: [AuditEntryResource]
        public var next: Int64?
    }

    /// The outcome of verifying the chain.
    public struct AuditVerificationResource: Codable, Sendable, Equatable {
        public var intact: Bool
        public var entriesChecked: Int
        public var lastHash: String
        public var firstBrokenEntry: Int64?
        public var reason: String?

        init(_ verification: AuditVerification) {
            intact = verification.isIntact
            entriesChecked = verification.entriesChecked
            lastHash = verification.lastHash
            firstBrokenEntry = verification.firstBreak?.sequence
            reason = verification.firstBreak?.reason
        }
    }
}
