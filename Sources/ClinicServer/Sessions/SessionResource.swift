import ClinicDomain
import Foundation

/// A treatment session as the API shows it: the whole record and what follows from it.
struct SessionResource: Codable {
    struct Transition: Codable {
        let sequence: Int, event: String, from: TreatmentSessionState, to: TreatmentSessionState, at: Date, by: String, detail: String
        let override: SessionOverride?
    }
    struct Checklist: Codable {
        let answers: PreTreatmentChecklist?, items: [ChecklistItem], passed: Bool
    }
    struct Entry<Value: Codable>: Codable {
        let id: UUID, recordedAt: Date, recordedBy: String, amends: UUID?, reason: String?, value: Value
    }
    struct Reading: Codable {
        let id: UUID, takenAt: Date, recordedAt: Date, source: ReadingSource, values: VitalReading, recordedBy: String
        let amends: UUID?, reason: String?

        init(_ stored: StoredVitalReading) {
            self.init(id: stored.id, takenAt: stored.takenAt, recordedAt: stored.recordedAt, source: stored.source, values: stored.values,
                      recordedBy: stored.recordedByName, amends: stored.amends, reason: stored.reason)
        }

        init(id: UUID, takenAt: Date, recordedAt: Date, source: ReadingSource, values: VitalReading, recordedBy: String,
             amends: UUID?, reason: String?) {
            self.id = id
            self.takenAt = takenAt
            self.recordedAt = recordedAt
            self.source = source
            self.values = values
            self.recordedBy = recordedBy
            self.amends = amends
            self.reason = reason
        }
    }
    struct Alert: Codable {
        struct Acknowledgement: Codable { let at: Date, by: String, action: VitalAlertAction, note: String? }
        let id: UUID, readingID: UUID, code: String, message: String, raisedAt: Date, escalatedAt: Date?, acknowledgement: Acknowledgement?
    }
    struct Point: Codable { let label: String, dueAt: Date?, status: String }
    struct SideEffects: Codable {
        let observation: SideEffectObservation, dissociation: Bool, sedation: Bool
    }
    struct Discharge: Codable { let assessment: DischargeAssessment?, readiness: DischargeReadiness }
    struct Note: Codable {
        struct Amendment: Codable { let text: String, at: Date, by: String, reason: String? }
        let text: String, signedAt: Date, signedBy: String, amendments: [Amendment]
    }

    let id: UUID, patientID: UUID, number: Int, date: CalendarDate, state: TreatmentSessionState, treatment: Treatment
    let chair: String?, plannedDose: String, plannedInfusionMinutes: Int?
    let checkedInAt: Date?, doseStartedAt: Date?, doseEndedAt: Date?, readyAt: Date?, closedAt: Date?
    let availableCommands: [String]
    let transitions: [Transition]
    let checklist: Checklist
    let administration: Entry<AdministrationDetails>?
    let infusionChanges: [InfusionChange], paused: Bool, infusionProgress: Double?
    let devices: [DeviceUse]
    /// The vital signs at a glance: the summary over every reading and the series at the clinic's
    /// charting interval; the raw stream is `GET /api/v1/sessions/{id}/vitals?raw=1` (paged).
    struct Vitals: Codable {
        let chartingIntervalSeconds: Int
        let summary: VitalSeries.Summary
        let series: [VitalSeries.Point]
        let rawReadings: Int
        let raw: String

        init(_ overview: VitalSeries.Overview, interval: Int, sessionID: UUID) {
            chartingIntervalSeconds = interval
            summary = overview.summary
            series = overview.series
            rawReadings = overview.stored
            raw = "/api/v1/sessions/\(sessionID.uuidString.lowercased())/vitals?raw=1"
        }
    }

    /// The flowsheet's readings (entered, with blood pressure, alerting, corrected, the latest);
    /// `readingsNotListed` counts the monitor readings left to `vitals` and the raw stream.
    let readings: [Reading], readingsNotListed: Int, baselineReadingID: UUID?
    let vitals: Vitals
    let alerts: [Alert]
    let requiredPoints: [Point]
    let sideEffects: [SideEffects]
    let adverseEvents: [SessionAdverseEvent]
    let discharge: Discharge
    let note: Note?

    init(_ loaded: LoadedSession, checklist evaluation: ChecklistEvaluation, vitals overview: VitalSeries.Overview, now: Date) {
        let record = loaded.record
        id = record.session.id
        patientID = record.session.patientID
        number = record.session.number
        date = record.session.date
        state = record.session.state
        treatment = record.treatment
        chair = record.chair
        plannedDose = record.plannedDoseSummary
        plannedInfusionMinutes = record.plannedInfusionMinutes
        checkedInAt = record.checkedInAt
        doseStartedAt = record.doseStartedAt
        doseEndedAt = record.doseEndedAt
        readyAt = record.readyAt
        closedAt = record.closedAt
        availableCommands = SessionCommand.available(in: record.session.state).map(\.rawValue)
        transitions = record.transitions.map {
            Transition(sequence: $0.sequence, event: $0.event, from: $0.from, to: $0.to, at: $0.at, by: $0.actorName, detail: $0.detail,
                       override: $0.override)
        }
        checklist = Checklist(answers: record.checklist, items: evaluation.items, passed: record.checklist != nil && evaluation.passed)
        administration = record.administration.map {
            Entry(id: $0.entry.id, recordedAt: $0.entry.recordedAt, recordedBy: $0.entry.recordedByName, amends: $0.entry.amends,
                  reason: $0.entry.reason, value: $0.details)
        }
        infusionChanges = record.infusionChanges
        paused = record.isPaused
        infusionProgress = record.infusionProgress(now: now)
        devices = record.devices
        let listed = record.flowsheetReadings
        readings = listed.map(Reading.init)
        readingsNotListed = max(0, overview.stored - listed.count)
        baselineReadingID = record.baseline?.id
        vitals = Vitals(overview, interval: loaded.policy.chartingIntervalSeconds, sessionID: record.session.id)
        alerts = record.alerts.map { alert in
            Alert(id: alert.id, readingID: alert.readingID, code: alert.code, message: alert.message, raisedAt: alert.raisedAt,
                  escalatedAt: alert.escalatedAt,
                  acknowledgement: alert.acknowledgement.map { .init(at: $0.at, by: $0.byName, action: $0.action, note: $0.note) })
        }
        requiredPoints = record.requiredPoints(schedule: loaded.schedule, now: now).map {
            Point(label: $0.label, dueAt: $0.dueAt, status: $0.status.rawValue)
        }
        sideEffects = record.sideEffects.map { SideEffects(observation: $0, dissociation: $0.dissociation, sedation: $0.sedation) }
        adverseEvents = record.adverseEvents
        discharge = Discharge(assessment: record.dischargeAssessment, readiness: record.dischargeReadiness(policy: loaded.policy, now: now))
        note = record.note.map { note in
            Note(text: note.text, signedAt: note.entry.recordedAt, signedBy: note.entry.recordedByName,
                 amendments: record.noteAmendments.map { .init(text: $0.text, at: $0.entry.recordedAt, by: $0.entry.recordedByName,
                                                               reason: $0.entry.reason) })
        }
    }
}
