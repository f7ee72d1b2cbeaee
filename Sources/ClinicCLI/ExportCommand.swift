import ArgumentParser
import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic export fhir`: the whole clinic as FHIR R4 NDJSON, one file per resource type, with
/// the same mapping as the FHIR API (docs/fhir.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export the clinic's records in interchange formats.",
        subcommands: [FHIR.self])

    struct FHIR: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fhir",
            abstract: "Write every FHIR R4 resource of the clinic as NDJSON, one file per resource type.",
            discussion: """
                Streams the clinic in batches (flat memory) into DIR/<Type>.ndjson and prints the count per \
                type. DIR is created; it must not already hold files. Writes one audit entry. Exits 2 for bad \
                options or a non-empty DIR.
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "Directory to write the NDJSON files into.") var out: String
        @Option(help: "Only these resource types, comma-separated (default: all).") var types: String?
        @Option(help: "Rows read per query (100–20000).") var batchSize: Int = 5_000

        func run() async throws {
            try await CommandSupport.reportingErrors {
                guard (100...20_000).contains(batchSize) else { throw CommandSupport.fail("--batch-size must be from 100 to 20000.", code: 2) }
                let kinds = try selectedKinds()
                let directory = URL(fileURLWithPath: out)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
                    guard isDirectory.boolValue else { throw CommandSupport.fail("--out \(out) is a file, not a directory.", code: 2) }
                    let existing = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
                    guard existing.isEmpty else { throw CommandSupport.fail("--out \(out) is not empty; choose a new directory.", code: 2) }
                } else {
                    do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
                    catch { throw CommandSupport.fail("cannot create \(out): \(error.localizedDescription)", code: 2) }
                }
                try await CommandSupport.withDatabase(options) { database, _ in
                    guard let clinic = try await SQLClinicRepository(database: database).primaryClinic() else {
                        throw CommandSupport.fail("no clinic in this database yet: run `ketaclinic migrate` and set one up first.", code: 2)
                    }
                    let store = FHIRStore(database: database, context: try await .of(clinic, database: database))
                    var estimate = 0
                    for kind in kinds { estimate += try await store.estimatedRows(kind) }
                    let bar = ProgressBar(label: "export fhir")
                    let started = Date()
                    let total = max(estimate, 1)
                    let files = try await FHIRNDJSONExport(store: store, batchSize: batchSize).write(kinds, to: directory) { rows in
                        bar.update(min(rows, total), total)
                    }
                    bar.update(total, total)
                    let seconds = max(Date().timeIntervalSince(started), 0.001)
                    let count = files.reduce(0) { $0 + $1.count }
                    try await AuditTrail(database: database).record(
                        AuditEvent(.export, entityType: "fhir_export", entityID: clinic.id.uuidString,
                                   summary: "FHIR NDJSON export of \(count) resources to \(directory.path)"),
                        stamp: CommandSupport.operatorStamp("export fhir"))
                    var table = TextTable([.text("type"), .number("resources"), .text("file")])
                    for file in files { table.add([file.type, String(file.count), file.name]) }
                    print(table.text())
                    print("exported \(count) resources in \(String(format: "%.2f", seconds)) s (\(Int(saturating: Double(count) / seconds)) resources/s) to \(directory.path)")
                }
            }
        }

        private func selectedKinds() throws -> [FHIRResourceKind] {
            guard let types else { return FHIRResourceKinds.all }
            return try types.split(separator: ",").map { name in
                let type = name.trimmingCharacters(in: .whitespaces)
                guard let kind = FHIRResourceKinds.named(type) else {
                    throw CommandSupport.fail("--types: unknown resource type \(type); known: \(FHIRResourceKinds.all.map(\.type).joined(separator: ", ")).", code: 2)
                }
                return kind
            }
        }
    }
}
