import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation

/// Fills the home page's work lists for the signed-in user, each only when their role may act on
/// it: open vital-sign alerts (`alerts.acknowledge`), today's chairs (`sessions.run`), screenings
/// and plans to sign (`screening.sign`, `plans.sign`), arrivals and no-shows (`sessions.check_in`
/// without `sessions.run`: the front desk), REMS forms due (US clinics; front desk and
/// administrators). Every patient named is an audited view, as on the lists these come from.
struct HomeWorklists: Sendable {
    let services: ClinicServices
    /// How many signatures of each kind the home page lists.
    static let signatureLimit = 15

    func lists(for context: StaffRequestContext, clinic: Clinic) async throws -> HomePage.Worklists {
        let identity = context.identity
        var lists = HomePage.Worklists()
        let wantsToday = identity.can(.alertsAcknowledge) || identity.can(.sessionsRun) || identity.can(.sessionsCheckIn)
        if wantsToday, identity.can(.patientsRead) {
            let today = try await SessionWorkflow(services: services)
                .day(services.today(for: clinic), clinic: clinic, summary: "home page: today's sessions", context: context)
            let rows = today.map { entry in
                HomePage.SessionRow(sessionID: entry.record.session.id, patientName: entry.patient.listName, chair: entry.record.chair,
                                    number: entry.record.session.number, state: entry.record.session.state,
                                    openAlerts: entry.record.alerts.filter { $0.acknowledgement == nil }.count,
                                    checkedInAt: entry.record.checkedInAt)
            }
            if identity.can(.alertsAcknowledge), identity.can(.patientsClinical) {
                lists.vitalAlerts = today.flatMap { entry in
                    entry.record.alerts.filter { $0.acknowledgement == nil }.map {
                        HomePage.VitalAlertRow(sessionID: entry.record.session.id, patientName: entry.patient.listName,
                                               chair: entry.record.chair, message: $0.message, raisedAt: $0.raisedAt,
                                               escalated: $0.escalatedAt != nil)
                    }
                }.sorted { $0.raisedAt < $1.raisedAt }
            }
            if identity.can(.sessionsRun) {
                lists.chairs = rows.filter { ![.cancelled, .noShow].contains($0.state) }
            } else if identity.can(.sessionsCheckIn) {
                lists.arrivals = rows.filter { ![.cancelled, .noShow].contains($0.state) }
                    .sorted { ($0.checkedInAt == nil ? 0 : 1, $0.patientName) < ($1.checkedInAt == nil ? 0 : 1, $1.patientName) }
                lists.noShows = rows.filter { $0.state == .noShow }
            }
        }
        if identity.can(.screeningSign) || identity.can(.plansSign) {
            let worklist = SignatureWorklistRepository(database: services.database)
            var viewed: [UUID] = []
            if identity.can(.screeningSign) {
                var rows: [HomePage.SignatureRow] = []
                for (patientID, everScreened) in try await worklist.screeningsToSign(clinicID: clinic.id, limit: Self.signatureLimit) {
                    guard let patient = try await services.patients.find(patientID, in: clinic.id) else { continue }
                    viewed.append(patientID)
                    rows.append(.init(patientID: patientID, patientName: patient.listName,
                                      reason: everScreened ? "the record was amended after the last signed screening"
                                          : "the intake record has never been screened",
                                      path: "/patients/\(patientID.uuidString.lowercased())/screening"))
                }
                lists.screeningsToSign = rows
            }
            if identity.can(.plansSign) {
                var rows: [HomePage.SignatureRow] = []
                for patientID in try await worklist.plansToSign(clinicID: clinic.id, limit: Self.signatureLimit) {
                    guard let patient = try await services.patients.find(patientID, in: clinic.id),
                          let screening = try await services.screenings.latest(patientID: patientID) else { continue }
                    let eligible = Treatment.allCases.filter { screening.decision(for: $0).map { $0 != .notEligible } ?? false }
                    guard !eligible.isEmpty else { continue }
                    viewed.append(patientID)
                    rows.append(.init(patientID: patientID, patientName: patient.listName,
                                      reason: "screening signed \(Instant.text(screening.signedAt, in: clinic.settings.resolvedTimeZone).prefix(10)) for \(eligible.map(\.displayName).joined(separator: ", ")); no plan signed since",
                                      path: "/patients/\(patientID.uuidString.lowercased())/plans/new"))
                }
                lists.plansToSign = rows
            }
            if !viewed.isEmpty {
                try await services.audit.record(Set(viewed).sorted { $0.uuidString < $1.uuidString }.map {
                    AuditEvent(.view, entityType: "patient", entityID: $0.uuidString, patientID: $0, summary: "home page: signatures waiting")
                }, stamp: context.stamp(at: services.now()))
            }
        }
        if clinic.settings.jurisdiction.region == .unitedStates, identity.can(.patientsRead), !identity.can(.sessionsRun) {
            let items = try await RemsService(services: services).repository.queue(clinic: clinic, today: services.today(for: clinic))
                .filter { $0.submitted == nil }
            try await services.recordQueueViews(items, "home page: REMS forms due", context: context)
            lists.remsDue = items.sorted { $0.daysLeft < $1.daysLeft }.map {
                HomePage.RemsRow(sessionID: $0.form.sessionID, patientName: $0.patientName, status: $0.statusText, overdue: $0.isOverdue)
            }
        }
        return lists
    }
}
