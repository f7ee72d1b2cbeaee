import ArgumentParser
import ClinicStorage
import Foundation

/// `ketaclinic secrets rotate`: a new key for two-factor secrets, with every secret re-sealed.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets", abstract: "Manage the server's secret keys file.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new two-factor encryption key and re-seal every two-factor secret with it.",
            discussion: """
                Adds a new current key to the secrets file (the old one stays until every secret is \
                re-sealed, so a crash half-way loses nothing), re-seals the secrets in one transaction, \
                then removes the old key. Secrets stored in clear by older versions are sealed too. \
                Stop the servers first or restart them afterwards so they read the new file.
                """)
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let settings = try options.resolve()
                let path = settings.resolvedSecretsFile
                guard FileManager.default.fileExists(atPath: path) else {
                    throw CommandSupport.fail("secrets file \(path) does not exist: start the server once, or give --secrets-file.", code: 2)
                }
                let rotated = try ServerKeys.load(from: path).addingTOTPKey()
                try rotated.write(to: path)
                let count = try await CommandSupport.withDatabase(options) { database, _ in
                    try await SQLUserRepository(database: database)
                        .resealTwoFactorSecrets(with: rotated, stamp: CommandSupport.operatorStamp("secrets rotate"))
                }
                try rotated.droppingOldTOTPKeys().write(to: path)
                print("Two-factor key rotated to \(rotated.totpKeys[0].id): \(count) secrets re-sealed. Restart the servers to load \(path).")
            }
        }
    }
}
