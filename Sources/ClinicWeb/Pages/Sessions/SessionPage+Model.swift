import ClinicDomain
import Foundation

/// The treatment session page: everything a nurse needs beside the chair, from check-in to the
/// signed note.
public enum SessionPage {
    /// A command button the page offers.
    public struct Command: Sendable {
        /// Stable name posted back (`start-dosing`…).
        public let name: String
        /// The button's label.
        public let label: String
        /// True when a reason is required (stop early, cancel).
        public let needsReason: Bool
        /// Why the hard stop would refuse it now (empty when it would pass).
        public let blockers: [String]
        /// True when the signed-in user may override the hard stop.
        public let canOverride: Bool
        /// True for the steps that end the session short of its course (cancel, stop early,
        /// no-show): shown apart from the next step, never as the primary action.
        public let destructive: Bool

        /// Creates a command.
        public init(name: String, label: String, needsReason: Bool, blockers: [String], canOverride: Bool, destructive: Bool = false) {
            self.destructive = destructive
            self.name = name
            self.label = label
            self.needsReason = needsReason
            self.blockers = blockers
            self.canOverride = canOverride
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The record.
        public var record: TreatmentSessionRecord
        /// The patient.
        public var patient: PatientSummary
        /// The policy in force.
        public var policy: SessionPolicy
        /// The checklist judged against the facts.
        public var checklist: ChecklistEvaluation
        /// The facts (for the fasting instruction and REMS requirement).
        public var facts: ChecklistFacts
        /// The required points and their status.
        public var points: [TreatmentSessionRecord.PointStatus]
        /// Discharge readiness.
        public var readiness: DischargeReadiness
        /// Commands the user may give now.
        public var commands: [Command]
        /// What the user may do.
        public var canRun: Bool, canRecordVitals: Bool, canAcknowledge: Bool, canCheckIn: Bool
        /// False for roles without the clinical record (front desk): only the booking and check-in show.
        public var showsClinical = true
        /// Field errors of the form that was posted, and its values.
        public var errors: FieldErrors
        /// The posted form's values, by field.
        public var values: [String: String]
        /// Which form was posted (to show its errors beside it).
        public var postedForm: String?
        /// A refusal to show at the top.
        public var refusal: String?
        /// Now.
        public var now: Date
        /// The clinic's time zone.
        public var timeZone: TimeZone
        /// The session's controlled-substance draws (id and words) for the administration record's
        /// register link, and the reconciliation in words (nil when nothing was drawn).
        public var registerDraws: [RegisterChoice] = []
        /// The reconciliation of the session's draws, when it drew from the register.
        public var registerReconciliation: SessionDrawReconciliation?

        /// Creates a model.
        public init(record: TreatmentSessionRecord, patient: PatientSummary, policy: SessionPolicy, checklist: ChecklistEvaluation,
                    facts: ChecklistFacts, points: [TreatmentSessionRecord.PointStatus], readiness: DischargeReadiness, commands: [Command],
                    canRun: Bool, canRecordVitals: Bool, canAcknowledge: Bool, canCheckIn: Bool, errors: FieldErrors = FieldErrors(),
                    values: [String: String] = [:], postedForm: String? = nil, refusal: String? = nil, now: Date, timeZone: TimeZone) {
            self.record = record
            self.patient = patient
            self.policy = policy
            self.checklist = checklist
            self.facts = facts
            self.points = points
            self.readiness = readiness
            self.commands = commands
            self.canRun = canRun
            self.canRecordVitals = canRecordVitals
            self.canAcknowledge = canAcknowledge
            self.canCheckIn = canCheckIn
            self.errors = errors
            self.values = values
            self.postedForm = postedForm
            self.refusal = refusal
            self.now = now
            self.timeZone = timeZone
        }

        /// The session's address.
        public var path: String { "/sessions/\(record.session.id.uuidString.lowercased())" }
        /// Errors for `form` only.
        /// The vital signs as storage summarised them (nil: computed from the record's readings).
        public var vitals: VitalSeries.Overview?

        /// True right after a reading was saved: the first vitals field takes the focus for the next one.
        public var focusVitals = false

        func errors(for form: String) -> FieldErrors { postedForm == form ? errors : FieldErrors() }
        /// The value posted for `field` in `form`.
        func value(_ form: String, _ field: String) -> String? { postedForm == form ? values[field] : nil }
        /// "HH:MM" in the clinic's zone.
        func clock(_ date: Date) -> String { String(Instant.text(date, in: timeZone).dropFirst(11).prefix(5)) }
        /// Minutes since the dose started, for the flowsheet.
        func minutesFromDose(_ date: Date) -> String {
            guard let start = record.doseStartedAt else { return "pre" }
            let minutes = Int(rounding: date.timeIntervalSince(start) / 60)
            return minutes < 0 ? "pre" : "+\(minutes)"
        }
    }
}
