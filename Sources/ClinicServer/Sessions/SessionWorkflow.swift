import ClinicDomain
import ClinicStorage
import Foundation

/// A session loaded for a page or an API answer: its record, the patient, the clinic and the
/// policy in force.
struct LoadedSession: Sendable {
    /// The record.
    let record: TreatmentSessionRecord
    /// The patient.
    let patient: PatientSummary
    /// The clinic.
    let clinic: Clinic
    /// The clinic's session policy.
    let policy: SessionPolicy

    /// The monitoring schedule for this session's treatment.
    var schedule: MonitoringSchedule { policy.monitoringSchedule(for: record.treatment) }
}

/// Runs treatment sessions for the pages and the API: loads the record, judges the checklist and
/// discharge, applies lifecycle commands through the state machine (hard stops and prescriber
/// overrides included), appends entries and readings, and announces every change to the board.
struct SessionWorkflow: Sendable {
    let services: ClinicServices

    // MARK: Loading

    /// The session `sessionID` with its patient, or 404. With `monitorSummary`, a gateway's
    /// monitor readings are summarised as for the board (every reading a rule reads is kept): for
    /// the pages and resources that show the vital signs through `vitalsOverview`.
    func load(_ sessionID: UUID, clinic: Clinic, monitorSummary: Bool = false) async throws -> LoadedSession {
        guard let record = try await services.sessionRecords.record(of: sessionID, monitorSummary: monitorSummary),
              let patient = try await services.patients.find(record.session.patientID, in: clinic.id) else {
            throw Problem.notFound("There is no such treatment session.")
        }
        return LoadedSession(record: record, patient: patient, clinic: clinic, policy: try await services.sessionPolicies.policy(of: clinic.id))
    }

    /// The sessions of `date` with their patients, by chair then name, for the day lists; each
    /// patient listed is an audited view.
    func day(_ date: CalendarDate, clinic: Clinic, summary: String, context: StaffRequestContext) async throws
        -> [(record: TreatmentSessionRecord, patient: PatientSummary)] {
        var rows: [(record: TreatmentSessionRecord, patient: PatientSummary)] = []
        for session in try await services.plans.sessions(on: date) {
            guard let patient = try await services.patients.find(session.patientID, in: clinic.id),
                  let record = try await services.sessionRecords.record(of: session.id, monitorSummary: true) else { continue }
            rows.append((record, patient))
        }
        rows.sort { ($0.record.chair ?? "~", $0.patient.listName) < ($1.record.chair ?? "~", $1.patient.listName) }
        if !rows.isEmpty {
            try await services.audit.record(rows.map {
                AuditEvent(.view, entityType: "treatment_session", entityID: $0.record.session.id.uuidString, patientID: $0.patient.id,
                           summary: summary)
            }, stamp: context.stamp(at: services.now()))
        }
        return rows
    }

    /// The facts the pre-treatment checklist is judged against.
    func checklistFacts(_ loaded: LoadedSession) async throws -> ChecklistFacts {
        let record = loaded.record
        let today = services.today(for: loaded.clinic)
        let treatment = record.treatment
        var screeningProblem: String? = "Sign a screening for \(treatment.displayName)."
        if let chart = try await services.records.chart(loaded.patient.id, in: loaded.clinic.id),
           let screening = try await services.screenings.latest(patientID: loaded.patient.id) {
            if screening.isStale(currentRevision: chart.revision) {
                screeningProblem = "The record changed after the screening was signed; sign it again."
            } else if let decision = screening.decision(for: treatment) {
                screeningProblem = decision == .notEligible ? "The signed screening says the patient is not eligible." : nil
            } else {
                screeningProblem = "The signed screening does not cover \(treatment.displayName)."
            }
        }
        let outstanding = try await ScaleService(services: services).due(patientID: loaded.patient.id, clinic: loaded.clinic)
            .filter { $0.sessionNumber == record.session.number && $0.dueOn <= today && $0.status != .done }
            .map(\.instrument.rawValue).map { $0.uppercased() }
        let registration = loaded.patient.registration
        return ChecklistFacts(
            treatment: treatment, fastingInstruction: loaded.policy.fastingInstruction(for: treatment),
            pregnancyRelevant: registration.sexAtBirth != .male, preDoseReading: record.preDoseReading?.values,
            ageYears: registration.dateOfBirth.age(on: today), bloodPressureRule: loaded.policy.bloodPressureRule(for: treatment),
            screeningProblem: screeningProblem, scalesOutstanding: Array(Set(outstanding)).sorted(),
            remsRequired: treatment == .esketamine && loaded.clinic.settings.jurisdiction.region == .unitedStates)
    }

    /// The current checklist judged against the facts (an empty checklist when none is recorded).
    func checklistEvaluation(_ loaded: LoadedSession) async throws -> ChecklistEvaluation {
        ChecklistEvaluation(loaded.record.checklist ?? .empty, facts: try await checklistFacts(loaded))
    }

    // MARK: Lifecycle

    /// Applies `command`; `reason` is the stop/cancel reason or, for a hard stop, the prescriber's
    /// override. Returns the new state or throws ``SessionRefusal``.
    @discardableResult
    func apply(_ command: SessionCommand, to loaded: LoadedSession, reason: String?, identity: Identity, stamp: AuditStamp) async throws
        -> TreatmentSessionState {
        let now = services.now()
        let override = reason?.nilIfEmpty.map {
            SessionOverride(byName: identity.user.displayName, byPrescriber: identity.can(.sessionsOverride), reason: $0)
        }
        if command == .checkIn, loaded.record.session.date > services.today(for: loaded.clinic) {
            throw SessionRefusal(reason: "This session is booked for \(loaded.record.session.date.iso); check the patient in on the day.")
        }
        if command == .checkIn {
            // A hard stop: no REMS enrolment for esketamine [R19][R21], no current signed screening for IV or IM (clinic policy).
            let missing = try await ScheduleRepository(database: services.database).checkInRefusals(
                patientID: loaded.patient.id, treatment: loaded.record.treatment, on: services.today(for: loaded.clinic), in: loaded.clinic)
            if !missing.isEmpty { throw CheckInRefused(missing: missing) }
        }
        // The checklist's facts outside the session (screening, scales) are read first; everything the
        // session's own record decides is judged inside the transaction, on the locked row.
        let facts = command == .startDosing ? try await checklistFacts(loaded) : nil
        let policy = loaded.policy, schedule = loaded.schedule
        let next = try await services.sessionStates.apply(to: loaded.record.session.id, stamp: stamp) { record in
            try Self.event(for: command, record: record, facts: facts, policy: policy, schedule: schedule, reason: reason,
                           override: override, now: now)
        }
        let record = loaded.record
        await announce(BoardEvent(kind: .phaseChanged, sessionID: record.session.id, storedAt: services.now(), state: next))
        return next
    }

    /// The state machine's event for `command`, judged on `record` as it stands now.
    static func event(for command: SessionCommand, record: TreatmentSessionRecord, facts: ChecklistFacts?, policy: SessionPolicy,
                      schedule: MonitoringSchedule, reason: String?, override: SessionOverride?, now: Date) throws -> SessionEvent {
        switch command {
        case .checkIn: return .checkIn
        case .beginChecks: return .beginChecks
        case .noShow: return .markNoShow
        case .cancel: return .cancel(reason: reason ?? "")
        case .stopEarly: return .stopEarly(reason: reason ?? "")
        case .startDosing:
            if record.session.state == .preTreatmentChecks, record.administration == nil {
                throw SessionRefusal(reason: "Record the administration (product, lot, dose, who gives and who checks it) before dosing starts.")
            }
            var checklistFacts = facts
            checklistFacts?.preDoseReading = record.preDoseReading?.values
            let passed = record.checklist.map { checklist in checklistFacts.map { ChecklistEvaluation(checklist, facts: $0).passed } ?? false } ?? false
            return .startDosing(checklistPassed: passed, override: override)
        case .endDosing:
            if record.session.state == .dosing, record.treatment == .esketamine, record.devices.isEmpty {
                throw SessionRefusal(reason: "Record each device the patient used before ending dosing.")
            }
            return .endDosing
        case .readyForDischarge:
            return .markReadyForDischarge(criteriaMet: record.dischargeReadiness(policy: policy, now: now).ready, override: override)
        case .discharge:
            // Readings keep arriving after "ready": the criteria are judged again at the door.
            let complete = record.missingPoints(schedule: schedule, now: now).isEmpty && record.dischargeReadiness(policy: policy, now: now).ready
            return .discharge(requiredPointsComplete: complete, override: override)
        }
    }

    // MARK: Entries

    /// Appends `content` after checking it fits the session's phase; announces it to the board.
    @discardableResult
    func append(_ content: SessionEntryContent, to loaded: LoadedSession, amends: UUID? = nil, reason: String? = nil,
                identity: Identity, stamp: AuditStamp) async throws -> SessionEntry {
        let record = loaded.record
        if amends != nil, reason?.nilIfEmpty == nil { throw SessionRefusal(reason: "Say why the entry is corrected.") }
        if case .checklist = content, record.session.state == .checkedIn {
            try await services.sessionStates.apply(.beginChecks, to: record.session.id, stamp: stamp)
        }
        try await checkRegister(content, record: record)
        let now = services.now()
        let entry = try await services.sessionRecords.append(content, to: record.session.id, amends: amends, reason: reason, stamp: stamp) {
            current in
            if let refusal = Self.refusal(for: content, record: current, amending: amends != nil, now: now) { throw SessionRefusal(reason: refusal) }
        }
        await announce(BoardEvent(kind: .recordChanged, sessionID: record.session.id, storedAt: services.now()))
        return entry
    }

    /// The register's part in an entry: the administration's draw must be one of this session's
    /// draws, and the note is signed only once the draw is reconciled (drawn = administered + wasted).
    func checkRegister(_ content: SessionEntryContent, record: TreatmentSessionRecord) async throws {
        let register = RegisterRepository(database: services.database)
        switch content {
        case .administration(let details):
            guard let drawID = details.registerDrawID else { return }
            guard let draw = try await register.entry(drawID), draw.kind == .draw, draw.sessionID == record.session.id else {
                var errors = FieldErrors()
                errors.add("registerDrawID", "Choose one of this session's register draws.")
                throw errors
            }
        case .note:
            if let problem = try await register.dischargeProblem(of: record) {
                throw SessionRefusal(reason: problem + " The note is signed once the draw is reconciled.")
            }
        default:
            return
        }
    }

    /// Why `content` cannot be recorded now, or nil when it can.
    static func refusal(for content: SessionEntryContent, record: TreatmentSessionRecord, amending: Bool, now: Date) -> String? {
        let state = record.session.state
        let underCare = state.isActive
        let dosed = record.doseStartedAt != nil
        switch content {
        case .chair:
            return underCare ? nil : "A chair is assigned while the patient is in the clinic."
        case .checklist:
            return [.checkedIn, .preTreatmentChecks].contains(state) ? nil : "The checklist is completed before dosing starts."
        case .administration:
            if record.administration != nil, !amending {
                return "The administration is already recorded; correct it (with a reason) instead of recording it again."
            }
            if [.preTreatmentChecks, .dosing, .observation, .readyForDischarge].contains(state) || (amending && state.isFinal) { return nil }
            return "The administration is recorded from the pre-treatment checks on."
        case .infusionChange:
            guard record.treatment != .esketamine else { return "Rate changes and pauses apply to infusions." }
            guard state == .dosing, let started = record.enteredAt(.dosing) else { return "The infusion can be changed only while dosing." }
            if case .infusionChange(let change) = content {
                let last = record.infusionChanges.last?.at ?? started
                if change.at < last { return "A change cannot be timed before the infusion's start or its last change." }
                if change.at > now.addingTimeInterval(60) { return "A change cannot be timed in the future." }
            }
            return nil
        case .device(let device):
            guard record.treatment == .esketamine else { return "Devices are recorded for esketamine sessions." }
            guard state == .dosing, let started = record.enteredAt(.dosing) else { return "Devices are recorded while dosing." }
            if device.at < started { return "A device cannot be timed before dosing started." }
            return DeviceUse.refusal(at: device.at, after: record.devices, planned: record.session.planned.devices)
        case .sideEffects, .adverseEvent:
            return dosed || underCare ? nil : "Side effects are recorded once the patient is in the clinic."
        case .discharge:
            return [.observation, .readyForDischarge].contains(state) ? nil : "The discharge assessment is made after the dose, during observation."
        case .note:
            if record.note != nil { return "The session note is signed and cannot be changed; append an amendment." }
            return state.isFinal ? nil : "The session note is signed once the session is closed."
        case .noteAmendment:
            return record.note == nil ? "There is no signed note to amend." : nil
        case .remsSubmission:
            guard record.treatment == .esketamine, dosed else { return "REMS monitoring forms are for esketamine sessions that were dosed." }
            return state.isFinal ? nil : "The form is submitted after the session ends."
        }
    }

    // MARK: Readings and alerts

    /// Stores a reading and its alerts, and announces both to the board.
    @discardableResult
    func recordReading(_ values: VitalReading, takenAt: Date?, source: ReadingSource, sessionID: UUID, clinic: Clinic,
                       amends: UUID? = nil, reason: String? = nil, stamp: AuditStamp) async throws -> StoredReadingResult {
        let now = services.now()
        var original: Date?
        if let amends, takenAt == nil {
            // A correction keeps the time of the reading it corrects, so its point stays done.
            original = try await services.sessionRecords.reading(amends, of: sessionID)?.takenAt
        }
        let taken = takenAt ?? original ?? now
        var errors = FieldErrors()
        if let problem = ReadingTime(takenAt: taken, now: now).fieldError { errors.add("takenAt", problem) }
        if amends != nil, reason?.nilIfEmpty == nil { errors.add("reason", "Say why the reading is corrected.") }
        let clean: VitalReading
        if amends != nil, values.isEmpty {
            clean = values   // striking a reading entered in error
        } else {
            do { clean = try values.validated() } catch let fieldErrors { for entry in fieldErrors.entries { errors.add(entry.field, entry.message) }; clean = values }
        }
        try errors.throwIfAny()
        let policy = try await services.sessionPolicies.policy(of: clinic.id)
        let result = try await services.sessionRecords.recordReading(clean, takenAt: taken, source: source, sessionID: sessionID,
                                                                      policy: policy.alerts, amends: amends, reason: reason, stamp: stamp)
        let storedAt = services.now()
        if amends == nil {
            await announce(BoardEvent(kind: .reading, sessionID: sessionID, storedAt: storedAt,
                                      reading: .init(takenAt: result.reading.takenAt, values: result.reading.values)))
        } else {
            // A correction may change which reading is latest: the board redraws the card.
            await announce(BoardEvent(kind: .recordChanged, sessionID: sessionID, storedAt: storedAt))
        }
        for alert in result.alerts {
            await announce(BoardEvent(kind: .alertRaised, sessionID: sessionID, storedAt: storedAt,
                                      alert: .init(id: alert.id, code: alert.code, message: alert.message)))
        }
        return result
    }

    /// Stores a gateway's batch of readings for one session in one transaction (each its own
    /// flowsheet row, alert check and audit entry) and announces them to the board. Errors name the
    /// reading, e.g. `readings[3].takenAt`; nothing is stored unless every reading is sound.
    func recordReadings(_ readings: [(values: VitalReading, takenAt: Date?)], source: ReadingSource, sessionID: UUID, clinic: Clinic,
                        stamp: AuditStamp) async throws -> [StoredReadingResult] {
        let now = services.now()
        var errors = FieldErrors()
        var clean: [(values: VitalReading, takenAt: Date)] = []
        for (index, reading) in readings.enumerated() {
            let taken = reading.takenAt ?? now
            if let problem = ReadingTime(takenAt: taken, now: now).fieldError { errors.add("readings[\(index)].takenAt", problem) }
            do { clean.append((try reading.values.validated(), taken)) } catch let fieldErrors {
                for entry in fieldErrors.entries { errors.add("readings[\(index)].\(entry.field)", entry.message) }
            }
        }
        try errors.throwIfAny()
        let policy = try await services.sessionPolicies.policy(of: clinic.id)
        let results = try await services.sessionRecords.recordReadings(clean, source: source, sessionID: sessionID, policy: policy.alerts,
                                                                       stamp: stamp)
        let storedAt = services.now()
        for result in results {
            await announce(BoardEvent(kind: .reading, sessionID: sessionID, storedAt: storedAt,
                                      reading: .init(takenAt: result.reading.takenAt, values: result.reading.values)))
            for alert in result.alerts {
                await announce(BoardEvent(kind: .alertRaised, sessionID: sessionID, storedAt: storedAt,
                                          alert: .init(id: alert.id, code: alert.code, message: alert.message)))
            }
        }
        return results
    }

    /// Acknowledges an alert with the action taken, and announces it.
    @discardableResult
    func acknowledge(alert alertID: UUID, sessionID: UUID, action: VitalAlertAction, note: String?, stamp: AuditStamp) async throws
        -> SessionVitalAlert {
        let alert = try await services.sessionRecords.acknowledge(alert: alertID, of: sessionID, action: action, note: note, stamp: stamp)
        await announce(BoardEvent(kind: .alertAcknowledged, sessionID: sessionID, storedAt: services.now(),
                                  alert: .init(id: alert.id, code: alert.code, message: alert.message)))
        return alert
    }

    /// Escalates vital-sign alerts left unacknowledged past the clinic's time: marks them, tells
    /// the safety policy's escalation recipients, and announces them to the board.
    @discardableResult
    func escalateDue() async throws -> [SessionVitalAlert] {
        guard let clinic = try await services.clinics.primaryClinic() else { return [] }
        let policy = try await services.sessionPolicies.policy(of: clinic.id)
        let safety = try await services.safetyPolicies.policy(of: clinic.id)
        let now = services.now()
        let escalated = try await services.sessionRecords.escalate(
            raisedBefore: now.addingTimeInterval(-Double(policy.escalateAlertsAfterMinutes) * 60), stamp: .system("alert escalation", at: now))
        guard !escalated.isEmpty else { return [] }
        let to = try await SafetyAlertService(services: services).recipients(safety.escalationRecipients, fallbackRoles: [.prescriber])
        for alert in escalated {
            await announce(BoardEvent(kind: .alertEscalated, sessionID: alert.sessionID, storedAt: services.now(),
                                      alert: .init(id: alert.id, code: alert.code, message: alert.message)))
            for address in to {
                await services.outbox.send(OutboxMessage(
                    channel: .email, recipient: address, subject: "ESCALATED vital-sign alert",
                    body: "A vital-sign alert raised \(policy.escalateAlertsAfterMinutes)+ minutes ago is not acknowledged: \(alert.message) "
                        + "Open: /sessions/\(alert.sessionID.uuidString.lowercased())#alert-\(alert.id.uuidString.lowercased())"))
            }
        }
        return escalated
    }

    /// Tells the board; a failure to announce never loses the stored change.
    func announce(_ event: BoardEvent) async {
        do { try await services.board.publish(event) } catch {
            // The change is stored; the board catches up on its next refresh.
        }
    }
}
