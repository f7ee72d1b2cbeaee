import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `ketaclinic user …`: staff accounts from the command line, for the first administrator and
/// for scripts. Every change is written to the audit trail as the operating-system user.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add, list, deactivate and reset staff accounts.",
        subcommands: [Add.self, List.self, Deactivate.self, Reactivate.self, ResetPassword.self, EndSessions.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user. Prompts for the password, or reads it from standard input with --password-stdin.")
        @OptionGroup var options: ServerOptions
        @Option(help: "Sign-in email.") var email: String
        @Option(help: "administrator, prescriber, nurse or front_desk.") var role: String
        @Option(help: "Name shown to others (default: the email's local part).") var name: String?
        @Flag(help: "Read the password from the first line of standard input (for scripts).") var passwordStdin = false

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let new = try NewUser.parse(["email": email, "role": role, "displayName": name ?? ""])
                try await CommandSupport.withDatabase(options) { database, settings in
                    let users = SQLUserRepository(database: database)
                    if try await users.find(email: new.email) != nil {
                        throw CommandSupport.fail("email: a user with this email already exists.", code: 2)
                    }
                    let password = try readPassword(fromStandardInput: passwordStdin)
                    let hasher = PasswordHasher(cost: settings.bcryptCost,
                                                policy: PasswordPolicy(minimumLength: settings.passwordMinimumLength))
                    try hasher.policy.check(password, for: new.email, field: "password")
                    let user = try await users.create(new, passwordHash: try await hasher.hash(password), mustChangePassword: false,
                                                      stamp: CommandSupport.operatorStamp("user add"))
                    print("Added \(user.role.title.lowercased()) \(user.email) (id \(user.id.uuidString.lowercased())).")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every user.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                for user in try await SQLUserRepository(database: database).all() {
                    let state = user.isActive ? "active" : "deactivated"
                    print("\(user.email.text)\t\(user.role.rawValue)\t\(state)\t2fa:\(user.hasTwoFactor ? "on" : "off")\t\(user.displayName)")
                }
            }
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a user and end their sessions. Users are never deleted.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The user's email.") var email: String

        func run() async throws {
            try await UserCommand.change(options, email: email, command: "user deactivate") { user, database, stamp in
                _ = try await SQLUserRepository(database: database).update(user.id, displayName: nil, role: nil, isActive: false, stamp: stamp)
                let ended = try await SessionRepository(database: database).endAll(for: user.id, reason: "user deactivated", stamp: stamp)
                print("Deactivated \(user.email); ended \(ended) session(s).")
            }
        }
    }

    struct Reactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reactivate a deactivated user.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The user's email.") var email: String

        func run() async throws {
            try await UserCommand.change(options, email: email, command: "user reactivate") { user, database, stamp in
                _ = try await SQLUserRepository(database: database).update(user.id, displayName: nil, role: nil, isActive: true, stamp: stamp)
                print("Reactivated \(user.email).")
            }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a user a temporary password (printed once); they must change it at next sign-in.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The user's email.") var email: String

        func run() async throws {
            let settings = try options.resolve()
            try await UserCommand.change(options, email: email, command: "user reset-password") { user, database, stamp in
                let password = TemporaryPassword.generate()
                let hasher = PasswordHasher(cost: settings.bcryptCost, policy: PasswordPolicy())
                try await SQLUserRepository(database: database).setPassword(
                    user.id, hash: try await hasher.hash(password), mustChange: true,
                    reason: "password reset from the command line", stamp: stamp)
                try await SessionRepository(database: database).endAll(for: user.id, reason: "password reset", stamp: stamp)
                print("Temporary password for \(user.email): \(password)\nThey must choose a new one when they sign in.")
            }
        }
    }

    struct EndSessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End all of a user's sessions.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The user's email.") var email: String

        func run() async throws {
            try await UserCommand.change(options, email: email, command: "user end-sessions") { user, database, stamp in
                let ended = try await SessionRepository(database: database).endAll(for: user.id, reason: "ended from the command line", stamp: stamp)
                print("Ended \(ended) session(s) of \(user.email).")
            }
        }
    }

    /// Finds the user by email and runs `body`, with clear errors for an unknown email.
    static func change(_ options: ServerOptions, email: String, command: String,
                       _ body: (UserAccount, ClinicDatabase, AuditStamp) async throws -> Void) async throws {
        try await CommandSupport.reportingErrors {
            guard let address = EmailAddress(email) else { throw CommandSupport.fail("email: '\(email)' is not an email address.", code: 2) }
            try await CommandSupport.withDatabase(options) { database, _ in
                guard let user = try await SQLUserRepository(database: database).find(email: address)?.account else {
                    throw CommandSupport.fail("no user has the email \(address).", code: 2)
                }
                try await body(user, database, CommandSupport.operatorStamp(command))
            }
        }
    }
}

/// Reads a password: from standard input when asked or when it is not a terminal, otherwise
/// twice from the terminal without echo.
func readPassword(fromStandardInput: Bool) throws -> String {
    if fromStandardInput || isatty(STDIN_FILENO) == 0 {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw CommandSupport.fail("password: standard input was empty; send the password on its first line.", code: 2)
        }
        return line
    }
    guard let first = getpass("Password: ").map({ String(cString: $0) }),
          let second = getpass("Password again: ").map({ String(cString: $0) }) else {
        throw CommandSupport.fail("password: could not read it from the terminal.", code: 2)
    }
    guard first == second else { throw CommandSupport.fail("password: the two entries are not the same.", code: 2) }
    return first
}
