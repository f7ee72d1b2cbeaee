import Foundation

/// A second member of staff who confirmed an act (a witnessed waste, a destruction, a dose
/// check) with their own credentials in the same request. The server builds it only after
/// checking those credentials; the domain and storage record who it was.
public struct ConfirmingPerson: Codable, Equatable, Sendable {
    /// Their account.
    public let userID: UUID
    /// Their name, as the register and the record show it.
    public let displayName: String
    /// Their sign-in email.
    public let email: String
    /// Their role when they confirmed.
    public let role: Role

    /// Creates the value.
    public init(userID: UUID, displayName: String, email: String, role: Role) {
        self.userID = userID
        self.displayName = displayName
        self.email = email
        self.role = role
    }

    /// "Nurse Ng (nurse)".
    public var signature: String { "\(displayName) (\(role.title.lowercased()))" }
}
