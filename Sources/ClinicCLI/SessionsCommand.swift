import ArgumentParser
import ClinicDomain
import ClinicStorage
import Foundation

/// `ketaclinic sessions [--date D] [--json]`: the day's treatment sessions with their phase, chair,
/// planned dose, open alerts and missing required readings; each patient listed is an audited view.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List a day's treatment sessions: phase, chair, dose, open alerts, missing readings.")

    @OptionGroup var options: ServerOptions
    @Option(help: "The day, YYYY-MM-DD (default: today where the clinic is).") var date: String?
    @Flag(help: "Print JSON.") var json = false

    /// One session as the command prints it.
    struct Row: Encodable {
        let id: UUID, patient: String, number: Int, state: TreatmentSessionState, chair: String?, treatment: Treatment
        let openAlerts: [String], missingReadings: [String]
    }

    func validate() throws {
        if let date, CalendarDate(iso: date) == nil { throw ValidationError("--date: use a date such as 2026-12-07.") }
    }

    func run() async throws {
        try await CommandSupport.withDatabaseReportingErrors(options) { database, _ in
            let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Date())
            let day = date.flatMap(CalendarDate.init(iso:)) ?? CalendarDate(instant: Date(), in: clinic.settings.resolvedTimeZone)
            let policy = try await SessionPolicyRepository(database: database).policy(of: clinic.id)
            let records = SessionRecordRepository(database: database)
            let patients = SQLPatientRepository(database: database)
            var rows: [Row] = []
            var views: [AuditEvent] = []
            for session in try await TreatmentPlanRepository(database: database).sessions(on: day) {
                guard let record = try await records.record(of: session.id, monitorSummary: true),
                      let patient = try await patients.find(session.patientID, in: clinic.id) else { continue }
                let missing = record.session.state.isActive
                    ? record.missingPoints(schedule: policy.monitoringSchedule(for: record.treatment), now: Date()).map(\.label) : []
                rows.append(Row(id: session.id, patient: patient.listName, number: session.number, state: session.state, chair: record.chair,
                                treatment: record.treatment, openAlerts: record.openAlerts.map(\.message), missingReadings: missing))
                views.append(AuditEvent(.view, entityType: "treatment_session", entityID: session.id.uuidString, patientID: patient.id,
                                        summary: "day list of sessions (command line)"))
            }
            if !views.isEmpty { try await AuditTrail(database: database).record(views, stamp: CommandSupport.operatorStamp("sessions")) }
            if json { return print(try CommandSupport.jsonText(rows)) }
            if rows.isEmpty { return print("No sessions on \(day.iso).") }
            for row in rows.sorted(by: { ($0.chair ?? "~", $0.patient) < ($1.chair ?? "~", $1.patient) }) {
                var line = "\(row.chair ?? "–")  \(row.patient)  session \(row.number)  \(row.treatment.displayName)  \(row.state.displayName)"
                if !row.openAlerts.isEmpty { line += "  ALERTS: " + row.openAlerts.joined(separator: " ") }
                if !row.missingReadings.isEmpty { line += "  missing: " + row.missingReadings.joined(separator: ", ") }
                print(line + "  id \(row.id.uuidString.lowercased())")
            }
        }
    }
}
