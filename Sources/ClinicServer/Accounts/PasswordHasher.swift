import ClinicDomain
import HummingbirdBcrypt
import NIOPosix

/// Hashes and checks passwords with bcrypt, off the request threads, and applies the policy.
public struct PasswordHasher: Sendable {
    /// bcrypt cost (log2 rounds).
    public let cost: Int
    /// What a new password must meet.
    public let policy: PasswordPolicy

    /// A hasher with `cost`, checking new passwords against `policy`.
    public init(cost: Int, policy: PasswordPolicy) {
        self.cost = cost
        self.policy = policy
    }

    /// A hash compared against when the account does not exist, so that a wrong email takes as
    /// long as a wrong password and the timing does not reveal which accounts exist.
    private static let decoy = Bcrypt.hash("decoy password for absent accounts", cost: 4)

    /// The bcrypt hash of `password`.
    public func hash(_ password: String) async throws -> String {
        let cost = UInt8(cost)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// True when `password` matches `hash`; with no hash, spends the same effort and returns false.
    public func verify(_ password: String, against hash: String?) async throws -> Bool {
        let target = hash ?? Self.decoy
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return hash != nil && matches
    }
}
