import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic audit verify|export`: checks the hash chain and exports the trail as CSV.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify, checkpoint or export the audit trail.",
        subcommands: [Verify.self, Checkpoint.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every link of the audit trail's hash chain, its MACs and its signed checkpoints.",
            discussion: """
                Exits 0 when the chain holds; otherwise names the first broken entry and exits 1. With the server's secrets file, every entry's MAC is checked too (an insider cannot recompute the chain or append an entry without the key); with --checkpoints, a cut tail or a rewrite before the last checkpoint is caught.
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "A file of signed checkpoints (the server's audit-checkpoint-file) to check the trail against.")
        var checkpoints: String?

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let started = Date()
                var marks: [AuditCheckpoint] = []
                if let checkpoints {
                    do { marks = try AuditCheckpoint.read(fromFile: checkpoints) } catch {
                        throw CommandSupport.fail("checkpoints: \(error)", code: 2)
                    }
                }
                let (result, keyed) = try await CommandSupport.withDatabase(options, createKeys: false) { database, _ in
                    if !marks.isEmpty, database.configuredKeys == nil {
                        throw CommandSupport.fail("checkpoints need the server's secrets file (--secrets-file).", code: 2)
                    }
                    return (try await AuditTrail(database: database).verify(checkpoints: marks), database.configuredKeys != nil)
                }
                let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
                if let broken = result.firstBreak {
                    throw CommandSupport.fail("audit trail broken at entry \(broken.sequence): \(broken.reason). "
                                              + "The \(result.entriesChecked) entries before it hold.", code: 1)
                }
                print("Audit trail intact: \(result.entriesChecked) entries verified in \(seconds) s"
                      + (keyed ? ", MACs checked" : ", MACs not checked (no secrets file)")
                      + (marks.isEmpty ? "" : ", \(marks.count) checkpoints agree") + ". Last hash: \(result.lastHash)")
            }
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the chain head now and append it to the checkpoint file.",
            discussion: "Keep the file away from the database (another disk, a log collector): it is what catches a cut tail.")
        @OptionGroup var options: ServerOptions
        @Option(help: "File to append to (default: the audit-checkpoint-file setting).") var out: String?

        func run() async throws {
            try await CommandSupport.reportingErrors {
                let settings = try options.resolve()
                let path = out ?? settings.resolvedAuditCheckpointFile
                let checkpoint = try await CommandSupport.withDatabase(options) { database, _ in
                    try await AuditTrail(database: database).checkpoint(at: Date())
                }
                try AuditCheckpoint.append(checkpoint, toFile: path)
                print("Checkpoint of entry \(checkpoint.sequence) appended to \(path).")
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
