import ArgumentParser
import ClinicDomain
import ClinicStorage
import Foundation

/// `ketaclinic rems queue|form|setting`: the Spravato REMS Patient Monitoring Forms due, one
/// session's form, and the clinic's REMS details the forms need.
struct RemsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rems", abstract: "Spravato REMS Patient Monitoring Forms (US outpatient settings).",
        subcommands: [Queue.self, Form.self, Setting.self])

    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the forms due: esketamine sessions of the last 7 days and older forms not yet submitted.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                let today = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
                let items = try await RemsRepository(database: database).queue(clinic: clinic, today: today)
                if !items.isEmpty {
                    try await AuditTrail(database: database).record(items.map {
                        AuditEvent(.view, entityType: "rems_form", entityID: $0.form.sessionID.uuidString, patientID: $0.form.patientID,
                                   summary: "REMS form queue (command line)")
                    }, stamp: CommandSupport.operatorStamp("rems queue"))
                }
                if json { return print(try RemsCommand.json(["items": items])) }
                if items.isEmpty { return print("No REMS monitoring forms are due.") }
                for item in items {
                    let form = item.form
                    print("\(form.treatmentDate.iso)  \(item.patientName)  due \(form.dueOn.iso)  \(item.statusText)  "
                          + (form.isComplete ? "complete" : "\(form.missingFields.count) field(s) to complete")
                          + "  session \(form.sessionID.uuidString.lowercased())")
                }
            }
        }
    }

    struct Form: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one esketamine session's monitoring form (an audited view).")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The session's id.") var sessionID: String
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard UUID(uuidString: sessionID) != nil else { throw ValidationError("session-id: '\(sessionID)' is not a session id (a UUID).") }
        }

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                let document: RemsFormDocument
                do {
                    guard let found = try await RemsRepository(database: database).form(of: UUID(uuidString: sessionID)!, clinic: clinic)
                    else { throw CommandSupport.fail("There is no session \(sessionID).") }
                    document = found
                } catch let unavailable as RemsFormUnavailable {
                    throw CommandSupport.fail(unavailable.reason)
                }
                try await AuditTrail(database: database).record(
                    AuditEvent(.view, entityType: "rems_form", entityID: document.record.session.id.uuidString, patientID: document.patient.id,
                               summary: "REMS monitoring form of session \(document.record.session.id.uuidString) (command line)"),
                    stamp: CommandSupport.operatorStamp("rems form"))
                let today = CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
                let item = RemsQueueItem(form: document.form, patientName: document.patient.listName, submitted: document.submitted,
                                         today: today)
                print(json ? try RemsCommand.json(item) : RemsCommand.text(item))
            }
        }
    }

    struct Setting: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change the REMS details the forms need (setting address, telephone, monitoring provider).")
        @OptionGroup var options: ServerOptions
        @Option(help: "outpatient or inpatient (inpatient settings submit no forms).") var kind: String?
        @Option(help: "The healthcare setting's name as certified.") var settingName: String?
        @Option(help: "Address line 1.") var address1: String?
        @Option(help: "Address line 2.") var address2: String?
        @Option(help: "City.") var city: String?
        @Option(help: "Two-letter state.") var state: String?
        @Option(help: "ZIP code.") var zip: String?
        @Option(help: "Telephone of the monitoring provider.") var telephone: String?
        @Option(help: "Designated monitoring provider's first name.") var monitoringFirstName: String?
        @Option(help: "Designated monitoring provider's last name.") var monitoringLastName: String?
        @Option(help: "Designated monitoring provider's email.") var monitoringEmail: String?

        func run() async throws {
            try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
                let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
                let repository = RemsRepository(database: database)
                var details = try await repository.settingDetails(of: clinic.id)
                let changes: [(String?, WritableKeyPath<RemsSettingDetails, String>)] = [
                    (settingName, \.settingName), (address1, \.address1), (address2, \.address2), (city, \.city), (state, \.state),
                    (zip, \.zip), (telephone, \.telephone), (monitoringFirstName, \.monitoringFirstName),
                    (monitoringLastName, \.monitoringLastName), (monitoringEmail, \.monitoringEmail),
                ]
                if let kind {
                    guard let parsed = RemsSettingDetails.SettingKind(rawValue: kind) else {
                        throw CommandSupport.fail("kind: use outpatient or inpatient.", code: 2)
                    }
                    details.kind = parsed
                }
                for (value, path) in changes { if let value { details[keyPath: path] = value } }
                if kind != nil || changes.contains(where: { $0.0 != nil }) {
                    let valid = try details.validated()
                    try await repository.updateSettingDetails(valid, of: clinic.id, stamp: CommandSupport.operatorStamp("rems setting"))
                    details = valid
                    print("Saved.")
                }
                print(try RemsCommand.json(details))
            }
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func text(_ item: RemsQueueItem) -> String {
        let f = item.form
        func yn(_ value: Bool?) -> String { value.map { $0 ? "Y" : "N" } ?? "—" }
        func v(_ value: String?) -> String { value ?? "—" }
        var lines = [
            "SPRAVATO REMS Patient Monitoring Form — \(item.patientName), treated \(f.treatmentDate.iso), due \(f.dueOn.iso) (\(item.statusText))",
            "Patient: \(v(f.patientFirstName)) \(v(f.patientLastName)), born \(v(f.birthdate)), sex \(v(f.sex?.rawValue)); "
                + "first treatment \(yn(f.firstTreatment)); enrolled \(yn(f.enrolledInRems))",
            "Concomitant: benzodiazepines \(yn(f.benzodiazepines)), non-benzodiazepine sedative-hypnotics "
                + "\(yn(f.nonBenzodiazepineSedativeHypnotics)), psychostimulants \(yn(f.psychostimulants)), MAOIs \(yn(f.maois)), "
                + "opioids \(yn(f.opioids))",
            "Monitoring HCP: \(v(f.hcpFirstName)) \(v(f.hcpLastName)), \(v(f.hcpTelephone)), \(v(f.hcpEmail))",
            "Setting: \(v(f.settingName)), \(v(f.address1))\(f.address2.map { ", \($0)" } ?? ""), \(v(f.city)), \(v(f.state)) \(v(f.zip))",
            "Dose: \(v(f.dose?.text)); lot \(f.lotNumbers.isEmpty ? "—" : f.lotNumbers.joined(separator: ", "))",
            "Duration: \(f.totalDurationMinutes.map { "\($0) min" } ?? "—")\(f.durationBelowMinimum ? " (below 2 h)" : ""); "
                + "ready without the 2-hour rule: \(f.readyWithoutMinimumMinutes.map { "\($0) min" } ?? "—")",
            "Vitals acceptable: before administration \(yn(f.vitalsAcceptableBeforeAdministration)), before completion "
                + "\(yn(f.vitalsAcceptableBeforeCompletion))",
            "BP: before \(v(f.bloodPressureBeforeAdministration?.text)), 40 min \(v(f.bloodPressureAt40Minutes?.text)), "
                + "before completion \(v(f.bloodPressureBeforeCompletion?.text))",
            "Sedation \(yn(f.sedation)), dissociation \(yn(f.dissociation)), respiratory depression \(yn(f.respiratoryDepression)), "
                + "serious adverse event \(yn(f.seriousAdverseEvent))",
            item.submitted.map { "Submitted \($0.submission.submittedOn.iso) (\($0.submission.channel.rawValue))"
                + ($0.submission.confirmation.map { ", confirmation \($0)" } ?? "") + ", recorded by \($0.recordedByName)" } ?? "Not submitted",
        ]
        if !f.isComplete { lines.append("To complete: " + f.missingFields.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }
}
