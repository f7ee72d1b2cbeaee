import Foundation

/// The clinic's choices in turning a session into charge lines, where the sources leave a choice
/// to the clinic. Stored with the fee schedule; defaults documented in docs/billing.md.
public struct ChargeCapturePolicy: Codable, Equatable, Sendable {
    /// Which drug line an esketamine session adds beside its G-code.
    public enum EsketamineDrugCode: String, Codable, CaseIterable, Sendable {
        /// S0013 for services before 2026-01-01, J0013 from then: the CMS 2026 HCPCS update [B3].
        case byServiceDate = "by-service-date"
        /// S0013 always, for payers whose systems had not taken J0013 (reported in [B3]).
        case s0013 = "S0013"
        /// J0013 always.
        case j0013 = "J0013"
        /// No drug line: the G-code's payment bundles the drug (Medicare [B4]).
        case bundled

        /// The name shown to users.
        public var displayName: String {
            switch self {
            case .byServiceDate: "S0013 before 2026-01-01, J0013 from then [B3]"
            case .s0013: "Always S0013"
            case .j0013: "Always J0013"
            case .bundled: "None: the G-code includes the drug (Medicare) [B4]"
            }
        }
    }

    /// The esketamine drug line.
    public var esketamineDrugCode: EsketamineDrugCode
    /// Bill the clinic's missed-session fee (service ``ChargeCapture/missedSessionService``) for a
    /// no-show or a session cancelled or stopped before any dose. Clinic policy, default off.
    public var billMissedSessions: Bool

    /// Creates a policy.
    public init(esketamineDrugCode: EsketamineDrugCode = .byServiceDate, billMissedSessions: Bool = false) {
        self.esketamineDrugCode = esketamineDrugCode
        self.billMissedSessions = billMissedSessions
    }

    /// The shipped defaults: the drug code by date of service, nothing for missed sessions.
    public static let defaults = ChargeCapturePolicy()
}

/// What billing needs from a signed session: taken from its record and the chart, never typed.
public struct SessionBillingFacts: Equatable, Sendable {
    /// The session.
    public var sessionID: UUID
    /// The patient.
    public var patientID: UUID
    /// The day of service (the session's day in the clinic's time zone).
    public var serviceDate: CalendarDate
    /// The treatment.
    public var treatment: Treatment
    /// How the session ended.
    public var state: TreatmentSessionState
    /// The dose given, mg; nil when no dose was given.
    public var doseMg: Double?
    /// Infusion minutes (start of dosing to its end, pauses excluded); nil for no infusion.
    public var infusionMinutes: Int?
    /// The chart's current diagnoses (ICD-10-CM), in chart order.
    public var diagnoses: [String]

    /// Creates facts.
    public init(sessionID: UUID, patientID: UUID, serviceDate: CalendarDate, treatment: Treatment, state: TreatmentSessionState,
                doseMg: Double?, infusionMinutes: Int?, diagnoses: [String]) {
        self.sessionID = sessionID
        self.patientID = patientID
        self.serviceDate = serviceDate
        self.treatment = treatment
        self.state = state
        self.doseMg = doseMg
        self.infusionMinutes = infusionMinutes
        self.diagnoses = diagnoses
    }

    /// The facts of a closed session's record with the chart's diagnoses. The infusion runs from
    /// the start of dosing to its end (or to the stop, for a session stopped during dosing), less
    /// pauses.
    public init(record: TreatmentSessionRecord, diagnoses: [String]) {
        let started = record.session.state.isFinal ? record.doseStartedAt : nil
        var minutes: Int?
        if record.treatment == .ivKetamine, let started, let ended = record.doseEndedAt ?? record.closedAt, ended > started {
            let paused = InfusionChange.pausedSeconds(record.infusionChanges, until: ended)
            let seconds = max(0, ended.timeIntervalSince(started) - paused)
            minutes = seconds.isFinite && seconds < 86_400 ? Int(saturating: seconds / 60) : nil
        }
        self.init(sessionID: record.session.id, patientID: record.session.patientID, serviceDate: record.session.date,
                  treatment: record.treatment, state: record.session.state,
                  doseMg: started == nil ? nil : record.administration?.details.doseMg,
                  infusionMinutes: minutes, diagnoses: diagnoses)
    }
}

/// One line a session produces: a code and units, with the rule that produced it and its source.
public struct CapturedLine: Equatable, Codable, Sendable {
    /// The code's system.
    public var system: CodeSystem
    /// The code; nil for the clinic's own missed-session fee, which no claim carries.
    public var code: String?
    /// The fee schedule service when the line is priced by service rather than by code.
    public var service: String?
    /// Units (mg for the esketamine drug code, hours for 96366).
    public var units: Int
    /// 1-based pointers into the session's diagnoses (at most four per line).
    public var diagnosisPointers: [Int]
    /// Why the rule chose this line, with its source key, for the charge's audit and the page.
    public var rule: String

    /// Creates a line.
    public init(system: CodeSystem = .hcpcs, code: String?, service: String? = nil, units: Int, diagnosisPointers: [Int], rule: String) {
        self.system = system
        self.code = code
        self.service = service
        self.units = units
        self.diagnosisPointers = diagnosisPointers
        self.rule = rule
    }
}

/// Why a session has no charge lines.
public enum ChargeCaptureSkip: Equatable, Sendable {
    /// The session is not closed yet: only a signed (closed) session is billed.
    case notClosed(TreatmentSessionState)
    /// No dose was given and the clinic's policy bills nothing for a missed session.
    case noDoseGiven(TreatmentSessionState)
    /// The chart has no diagnosis for the lines to point to.
    case noDiagnosis
    /// The recorded dose is outside any plausible figure; the record needs correcting first.
    case implausibleDose(Double)

    /// The message staff see.
    public var message: String {
        switch self {
        case .notClosed(let state): "The session is \(state.displayName.lowercased()); charges are captured when it is closed."
        case .noDoseGiven(let state): "No dose was given (\(state.displayName.lowercased())); the clinic's policy bills nothing for it."
        case .noDiagnosis: "The chart has no diagnosis for the charge lines to point to; add it to the intake record."
        case .implausibleDose(let dose): "The recorded dose (\(dose) mg) is not plausible; correct the administration record first."
        }
    }
}

/// The charge-capture rules: a closed session's facts in, its charge lines out. Pure and
/// table-driven; every threshold names its source (docs/billing-references.md).
public enum ChargeCapture {
    /// The fee schedule service a missed session is billed under when the policy says so.
    public static let missedSessionService = "missed-session"
    /// An esketamine dose above this is billed G2083, at or below G2082 [B1][B2].
    public static let esketamineG2082LimitMg = 56.0
    /// An infusion of this many minutes or less is an IV push (96374), not an infusion [B5].
    public static let pushMaximumMinutes = 15
    /// The initial-hour code covers up to this many minutes [B5].
    public static let initialHourMaximumMinutes = 90
    /// Each further hour of 96366 needs more than 30 minutes past the last full hour [B5].
    public static let additionalHourThresholdMinutes = 30

    /// The lines for `facts` under `policy`, or why there are none.
    public static func lines(for facts: SessionBillingFacts, policy: ChargeCapturePolicy) -> Result<[CapturedLine], CaptureRefusal> {
        guard facts.state.isFinal else { return .failure(CaptureRefusal(.notClosed(facts.state))) }
        let pointers = Array(1...max(1, min(4, facts.diagnoses.count)))
        guard let dose = facts.doseMg, dose.isFinite, dose > 0 else {
            guard policy.billMissedSessions else { return .failure(CaptureRefusal(.noDoseGiven(facts.state))) }
            return .success([CapturedLine(code: nil, service: missedSessionService, units: 1, diagnosisPointers: [],
                                          rule: "\(facts.state.displayName): the clinic's missed-session fee (clinic policy)")])
        }
        // Administration records accept at most 1,000 mg; anything above is not a dose to bill.
        guard dose <= 1000 else { return .failure(CaptureRefusal(.implausibleDose(dose))) }
        guard !facts.diagnoses.isEmpty else { return .failure(CaptureRefusal(.noDiagnosis)) }
        switch facts.treatment {
        case .esketamine:
            var lines = [dose > esketamineG2082LimitMg
                ? CapturedLine(code: "G2083", units: 1, diagnosisPointers: pointers, rule: "Esketamine \(format(dose)) mg > 56 mg → G2083 [B2]")
                : CapturedLine(code: "G2082", units: 1, diagnosisPointers: pointers, rule: "Esketamine \(format(dose)) mg ≤ 56 mg → G2082 [B1]")]
            let units = Int(rounding: dose, .up)
            switch policy.esketamineDrugCode {
            case .bundled:
                break
            case .s0013:
                lines.append(CapturedLine(code: "S0013", units: units, diagnosisPointers: pointers, rule: "Drug: \(units) × 1 mg, S0013 by clinic choice [B3]"))
            case .j0013:
                lines.append(CapturedLine(code: "J0013", units: units, diagnosisPointers: pointers, rule: "Drug: \(units) × 1 mg, J0013 by clinic choice [B3]"))
            case .byServiceDate:
                let code = facts.serviceDate < BillingCodeCatalog.esketamineJCodeStart ? "S0013" : "J0013"
                lines.append(CapturedLine(code: code, units: units, diagnosisPointers: pointers,
                                          rule: "Drug: \(units) × 1 mg; \(code) for service on \(facts.serviceDate.iso) [B3]"))
            }
            return .success(lines)
        case .ivKetamine:
            let minutes = facts.infusionMinutes ?? 0
            var lines: [CapturedLine] = []
            if minutes <= pushMaximumMinutes {
                lines.append(CapturedLine(system: .cpt, code: "96374", units: 1, diagnosisPointers: pointers,
                                          rule: "IV over \(minutes) min (≤ 15) → push 96374 [B5]"))
            } else {
                lines.append(CapturedLine(system: .cpt, code: "96365", units: 1, diagnosisPointers: pointers,
                                          rule: "IV infusion \(minutes) min → initial hour 96365 [B5]"))
                let extra = additionalHours(minutes)
                if extra > 0 {
                    lines.append(CapturedLine(system: .cpt, code: "96366", units: extra, diagnosisPointers: pointers,
                                              rule: "\(minutes) min: \(extra) additional hour(s) of more than 30 min → 96366 × \(extra) [B5]"))
                }
            }
            lines.append(CapturedLine(code: "J3490", units: 1, diagnosisPointers: pointers, rule: "Ketamine: unclassified drug J3490 [B6]"))
            return .success(lines)
        case .imKetamine:
            return .success([CapturedLine(code: "J3490", units: 1, diagnosisPointers: pointers,
                                          rule: "Ketamine IM: unclassified drug J3490 [B6]; the clinic prices the visit in its fee schedule")])
        }
    }

    /// Units of 96366 for an infusion of `minutes`: none up to 90, then one for each hour or part
    /// of more than 30 minutes (91–150 → 1, 151–210 → 2) [B5].
    public static func additionalHours(_ minutes: Int) -> Int {
        guard minutes > initialHourMaximumMinutes else { return 0 }
        let beyond = minutes - 60
        return beyond / 60 + (beyond % 60 > additionalHourThresholdMinutes ? 1 : 0)
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// The reason ``ChargeCapture`` produced no lines, as an error.
public struct CaptureRefusal: Error, Equatable, Sendable {
    /// Why.
    public let skip: ChargeCaptureSkip
    /// Wraps `skip`.
    public init(_ skip: ChargeCaptureSkip) { self.skip = skip }
}
