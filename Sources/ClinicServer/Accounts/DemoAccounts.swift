import ClinicDomain
import ClinicStorage
import Foundation

/// One demo user per role, created the first time the demo clinic starts, with random passwords
/// printed once (they are stored only as bcrypt hashes).
public enum DemoAccounts {
    /// A demo user's sign-in details.
    public struct Credential: Sendable, Equatable {
        /// The role.
        public let role: Role
        /// The email.
        public let email: String
        /// The password, shown once.
        public let password: String
    }

    /// The demo users' emails, by role.
    public static func email(for role: Role) -> String {
        "\(role.rawValue.replacingOccurrences(of: "_", with: "-"))@demo.ketaclinic.test"
    }

    /// Creates the demo users when the database has no users at all; otherwise creates none.
    public static func create(in database: ClinicDatabase, bcryptCost: Int, now: Date) async throws -> [Credential] {
        let users = SQLUserRepository(database: database)
        guard try await users.count() == 0 else { return [] }
        let hasher = PasswordHasher(cost: bcryptCost, policy: PasswordPolicy())
        let stamp = AuditStamp.system("demo loader", at: now)
        var credentials: [Credential] = []
        for role in Role.allCases {
            let password = TemporaryPassword.generate()
            let email = EmailAddress(email(for: role))!
            _ = try await users.create(NewUser(email: email, displayName: "Demo \(role.title.lowercased())", role: role),
                                       passwordHash: try await hasher.hash(password), mustChangePassword: false, stamp: stamp)
            credentials.append(Credential(role: role, email: email.text, password: password))
        }
        return credentials
    }

    /// The lines printed at first start.
    public static func announcement(_ credentials: [Credential]) -> String {
        guard !credentials.isEmpty else { return "" }
        let rows = credentials.map { "  \($0.role.title.padding(toLength: 14, withPad: " ", startingAt: 0)) \($0.email)  password: \($0.password)" }
        return (["Demo sign-in details (shown only this once; they are stored hashed):"] + rows).joined(separator: "\n") + "\n"
    }
}
