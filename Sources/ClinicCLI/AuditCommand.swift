import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic audit verify|export`: checks the hash chain and exports the trail as CSV.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify or export the audit trail.", subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every link of the audit trail's hash chain.",
            discussion: "Exits 0 when the chain holds; otherwise names the first broken entry and exits 1.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let started = Date()
                let result = try await CommandSupport.withDatabase(options) { database, _ in
                    try await AuditTrail(database: database).verify()
                }
                let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
                if let broken = result.firstBreak {
                    throw CommandSupport.fail("audit trail broken at entry \(broken.sequence): \(broken.reason). "
                                              + "The \(result.entriesChecked) entries before it hold.", code: 1)
                }
                print("Audit trail intact: \(result.entriesChecked) entries verified in \(seconds) s. Last hash: \(result.lastHash)")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the audit trail (or part of it) as CSV.")
        @OptionGroup var options: ServerOptions
        @Option(help: "File to write (default: standard output).") var output: String?
        @Option(help: "Only entries by the user with this email.") var user: String?
        @Option(help: "Only this action: \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).") var action: String?

        func run() async throws {
            try await CommandSupport.reportingErrors {
                var filter = AuditFilter()
                if let action {
                    guard let parsed = AuditAction(rawValue: action) else {
                        throw CommandSupport.fail("action: use one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).", code: 2)
                    }
                    filter.action = parsed
                }
                try await CommandSupport.withDatabase(options) { database, _ in
                    if let user {
                        guard let email = EmailAddress(user), let found = try await SQLUserRepository(database: database).find(email: email) else {
                            throw CommandSupport.fail("user: no user has the email \(user).", code: 2)
                        }
                        filter.userID = found.account.id
                    }
                    let trail = AuditTrail(database: database)
                    try await trail.record(AuditEvent(.export, entityType: "audit_trail", entityID: "csv",
                                                      summary: "command line" + (output.map { " to \($0)" } ?? "")),
                                           stamp: CommandSupport.operatorStamp("audit export"))
                    let handle: FileHandle
                    if let output {
                        guard FileManager.default.createFile(atPath: output, contents: nil),
                              let file = FileHandle(forWritingAtPath: output) else {
                            throw CommandSupport.fail("output: cannot write \(output).", code: 2)
                        }
                        handle = file
                    } else {
                        handle = FileHandle.standardOutput
                    }
                    handle.write(Data(AuditCSV.header.utf8))
                    try await trail.forEachChunk(filter) { chunk in handle.write(Data(chunk.map(AuditCSV.line).joined().utf8)) }
                    if output != nil { try handle.close() }
                }
            }
        }
    }
}
