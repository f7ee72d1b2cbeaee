import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird

/// A signed-in user for HTTP tests: a browser session (cookie and CSRF token) and an API token
/// carrying every permission of the role.
public struct TestUser: Sendable {
    /// The account.
    public let account: UserAccount
    /// The password it was created with.
    public let password: String
    /// The session cookie's token.
    public let sessionToken: String
    /// The session's CSRF token.
    public let csrf: String
    /// A Bearer token with all of the role's permissions.
    public let apiToken: String

    /// Headers of a page request.
    public var page: HTTPFields { [.cookie: "kc_session=\(sessionToken)"] }
    /// Headers of a form post.
    public var form: HTTPFields { [.cookie: "kc_session=\(sessionToken)", .contentType: "application/x-www-form-urlencoded"] }
    /// Headers of an API request.
    public var api: HTTPFields { [.authorization: "Bearer \(apiToken)"] }
    /// Headers of an API request with a JSON body.
    public var json: HTTPFields { [.authorization: "Bearer \(apiToken)", .contentType: "application/json"] }

    /// `fields` as a form body, with this session's CSRF token added.
    public func formBody(_ fields: String) -> ByteBuffer {
        ByteBuffer(string: (fields.isEmpty ? "" : fields + "&") + "_csrf=" + csrf)
    }
}

/// Creates users directly in the database, bypassing the sign-in form.
public enum TestUsers {
    /// The password every test user has.
    public static let password = "correct horse battery staple 42"

    /// A user of `role`, signed in.
    public static func make(_ services: ClinicServices, role: Role, email: String? = nil) async throws -> TestUser {
        let address = EmailAddress(email ?? "\(role.rawValue).\(UUID().uuidString.prefix(6).lowercased())@test.clinic")!
        let stamp = Fixtures.stamp
        let account = try await services.users.create(
            NewUser(email: address, displayName: "Test \(role.title)", role: role),
            passwordHash: try await services.passwords.hash(password), mustChangePassword: false, stamp: stamp)
        let session = try await services.sessions.start(userID: account.id, stage: .active, lifetime: 3600,
                                                        ipAddress: "127.0.0.1", userAgent: "tests", stamp: stamp)
        let token = try await services.tokens.create(userID: account.id, name: "tests",
                                                     scopes: AccessMatrix.permissions(of: role), stamp: stamp)
        return TestUser(account: account, password: password, sessionToken: session.token, csrf: session.session.csrfToken,
                        apiToken: token.value)
    }
}

extension HTTPFields {
    /// These fields with `other`'s added (replacing same-named ones).
    public func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}
