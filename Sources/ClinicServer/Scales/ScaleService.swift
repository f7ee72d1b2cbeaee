import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// Rating scales shared by the staff pages, the patient's self-report pages and the API: read
/// answers from a form, score and store them (raising and announcing alerts), and work out the
/// measurements a patient's course asks for.
struct ScaleService: Sendable {
    let services: ClinicServices

    /// The answers for `instrument` from form fields named `prefix + "item" + n`: a number, or
    /// `missingValue` for an item explicitly marked missing. An item left blank is an error.
    static func answers(from fields: [String: String], instrument: Instrument, prefix: String = "",
                        missingValue: String) -> (answers: [Int?], errors: FieldErrors) {
        var errors = FieldErrors()
        var answers: [Int?] = []
        for item in instrument.items {
            let name = "\(prefix)item\(item.number)"
            let text = fields[name]?.trimmed ?? ""
            if text == missingValue {
                answers.append(nil)
            } else if let value = Int(text) {
                answers.append(value)
            } else {
                errors.add(name, text.isEmpty ? "Answer item \(item.number) or mark it missing." : "Choose one of the answers for item \(item.number).")
                answers.append(nil)
            }
        }
        return (answers, errors)
    }

    /// Scores and stores one response (staff or the patient), announces any alert it raises, and
    /// returns it with the alerts. Field errors name the items; a day in the future is refused.
    func record(_ instrument: InstrumentID, answers: [Int?], on day: CalendarDate, patient: PatientSummary, clinic: Clinic,
                source: ResponseSource, stamp: AuditStamp, amends: UUID? = nil, reason: String? = nil) async throws
        -> (response: ScaleResponse, alerts: [SafetyAlert]) {
        var errors = FieldErrors()
        if day > services.today(for: clinic) { errors.add("administeredOn", "The day cannot be in the future.") }
        if let amends, try await services.scales.responses(patientID: patient.id).contains(where: { $0.amends == amends }) {
            errors.add("reason", "This response was already corrected; correct the latest version instead.")
        }
        var score: InstrumentScore?
        do { score = try InstrumentScoring.score(instrument, answers: answers) } catch { errors = errors.merging(error) }
        try errors.throwIfAny()
        let response = ScaleResponse(id: UUID.random(), patientID: patient.id, score: score!, administeredOn: day, recordedAt: stamp.at,
                                     source: source, recordedByName: stamp.actorName, amends: amends, reason: reason)
        let alerts = try await services.scales.record([response], stamp: stamp)
        try await SafetyAlertService(services: services).notify(alerts, patient: patient, clinic: clinic)
        return (response, alerts)
    }

    /// The alert named by the path's `:alert`, if it belongs to a patient of `clinic`; else 404.
    func alert(_ context: StaffRequestContext, clinic: Clinic) async throws -> SafetyAlert {
        guard let id = context.parameters.get("alert").flatMap(UUID.init(uuidString:)),
              let alert = try await services.scales.alert(id),
              try await services.patients.find(alert.patientID, in: clinic.id) != nil else {
            throw Problem.notFound("There is no such alert.")
        }
        return alert
    }

    /// The response named by the path's `:response`, if it is the patient's; else 404.
    func response(_ context: StaffRequestContext, patientID: UUID) async throws -> ScaleResponse {
        guard let id = context.parameters.get("response").flatMap(UUID.init(uuidString:)),
              let found = try await services.scales.response(id), found.patientID == patientID else {
            throw Problem.notFound("This patient has no such response.")
        }
        return found
    }

    /// The measurements the patient's current plan asks for, with their status today. Without
    /// `responses` only each current response's instrument and day are read: the session page's
    /// checklist decoded a two-year patient's every response (items and all) to learn them.
    func due(patientID: UUID, clinic: Clinic, responses: [ScaleResponse]? = nil) async throws -> [MeasurementDue] {
        guard let plan = try await services.plans.latest(patientID: patientID) else { return [] }
        let sessions = try await services.plans.sessions(patientID: patientID).filter { $0.planID == plan.id && $0.state != .cancelled }
        let answered: [InstrumentID: [CalendarDate]]
        if let responses { answered = Self.answered(responses) } else { answered = try await services.scales.answeredDays(patientID: patientID) }
        return Self.due(plan: plan, sessions: sessions, answered: answered, today: services.today(for: clinic))
    }

    /// The days each instrument was answered, from the current `responses` (corrections replace
    /// what they correct).
    static func answered(_ responses: [ScaleResponse]) -> [InstrumentID: [CalendarDate]] {
        var answered: [InstrumentID: [CalendarDate]] = [:]
        for response in ScaleResponse.current(responses) { answered[response.score.instrument, default: []].append(response.administeredOn) }
        return answered
    }

    /// The measurements `plan` asks for around `sessions`, given the days each instrument was answered.
    static func due(plan: TreatmentPlan, sessions: [ScheduledSession], answered: [InstrumentID: [CalendarDate]],
                    today: CalendarDate) -> [MeasurementDue] {
        let phases = plan.treatmentProtocol.schedule.phases
        let plannerSessions = sessions.map { session in
            MeasurementPlanner.Session(number: session.number, date: session.date,
                                       isMaintenance: phases.first { $0.name == session.planned.phaseName }?.kind == .maintenance)
        }
        return MeasurementPlanner.due(plan.treatmentProtocol.measurementSchedule, sessions: plannerSessions, answered: answered, today: today)
    }

    /// The clinic's day list: measurements due today or overdue in the last 14 days, for every
    /// patient with a session in that window or the next day.
    func dayList(clinic: Clinic) async throws -> [(patient: PatientSummary, due: MeasurementDue)] {
        let today = services.today(for: clinic)
        let window = try await services.plans.sessions(from: today.adding(days: -14), through: today.adding(days: 1))
        var rows: [(PatientSummary, MeasurementDue)] = []
        for patientID in Set(window.map(\.patientID)).sorted(by: { $0.uuidString < $1.uuidString }) {
            guard let patient = try await services.patients.find(patientID, in: clinic.id) else { continue }
            let due = try await due(patientID: patientID, clinic: clinic)
                .filter { ($0.status == .due || $0.status == .overdue) && $0.dueOn >= today.adding(days: -14) }
            rows += due.map { (patient, $0) }
        }
        return rows.sorted { ($0.1.status, $0.0.listName) < ($1.1.status, $1.0.listName) }
    }
}
