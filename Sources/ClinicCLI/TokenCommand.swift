import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic token …`: API tokens for integrations (a monitor gateway, a reporting job).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token for a user; its value is printed once.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The owner's email; the token acts as them.") var email: String
        @Option(help: "What it is for.") var name: String
        @Option(help: "Comma-separated permissions, e.g. patients.read,patients.register.") var scope: String

        func run() async throws {
            try await UserCommand.change(options, email: email, command: "token create") { user, database, stamp in
                var scopes = Set<Permission>()
                for part in scope.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    guard let permission = Permission(rawValue: part) else {
                        throw CommandSupport.fail("scope: '\(part)' is not a permission; known: \(Permission.allCases.map(\.rawValue).joined(separator: ", ")).", code: 2)
                    }
                    guard AccessMatrix.allows(user.role, permission) else {
                        throw CommandSupport.fail("scope: the \(user.role.title.lowercased()) role does not have \(part).", code: 2)
                    }
                    scopes.insert(permission)
                }
                guard !scopes.isEmpty, !name.trimmed.isEmpty else { throw CommandSupport.fail("give a --name and at least one --scope.", code: 2) }
                let created = try await APITokenRepository(database: database).create(userID: user.id, name: name.trimmed, scopes: scopes, stamp: stamp)
                print(created.value)
                FileHandle.standardError.write(Data("Token \(created.record.id.uuidString.lowercased()) created; the value above is shown only once.\n".utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's tokens.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The owner's email.") var email: String

        func run() async throws {
            try await UserCommand.change(options, email: email, command: "token list") { user, database, _ in
                for token in try await APITokenRepository(database: database).all(for: user.id) {
                    let state = token.revokedAt == nil ? "active" : "revoked"
                    print("\(token.id.uuidString.lowercased())\t\(token.prefix)…\t\(state)\t\(token.scopes.sorted().map(\.rawValue).joined(separator: ","))\t\(token.name)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token for good.")
        @OptionGroup var options: ServerOptions
        @Option(help: "The token's id (from `token list`).") var id: String

        func run() async throws {
            try await CommandSupport.reportingErrors {
                guard let tokenID = UUID(uuidString: id) else { throw CommandSupport.fail("id: '\(id)' is not a token id.", code: 2) }
                try await CommandSupport.withDatabase(options) { database, _ in
                    let tokens = APITokenRepository(database: database)
                    guard try await tokens.find(tokenID) != nil else { throw CommandSupport.fail("no token has id \(id).", code: 2) }
                    let revoked = try await tokens.revoke(tokenID, stamp: CommandSupport.operatorStamp("token revoke"))
                    print(revoked ? "Revoked." : "It was already revoked.")
                }
            }
        }
    }
}
