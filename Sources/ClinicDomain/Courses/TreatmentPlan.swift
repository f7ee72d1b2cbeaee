import Foundation

/// What a prescriber chooses for a patient's course.
public struct TreatmentPlanRequest: Equatable, Sendable {
    /// The protocol's id.
    public var protocolID: String
    /// The first session's day (nil when the typed date could not be read).
    public var start: CalendarDate?
    /// Sessions to schedule now.
    public var sessionCount: Int
    /// One frequency per protocol phase (empty keeps the protocol's).
    public var frequencies: [CourseFrequency]
    /// The target dose.
    public var target: PlanDoseTarget
    /// Infusion duration, minutes (intravenous; nil keeps the protocol's).
    public var minutes: Double?
    /// Why the dose goes past a soft limit, when it does.
    public var limitReason: String?
    /// Why the dose differs from the current plan's, when it does (titration).
    public var titrationReason: String?
    /// Anything else the prescriber wants on the plan.
    public var note: String?

    /// Creates a request.
    public init(protocolID: String, start: CalendarDate?, sessionCount: Int, frequencies: [CourseFrequency] = [],
                target: PlanDoseTarget, minutes: Double? = nil, limitReason: String? = nil, titrationReason: String? = nil,
                note: String? = nil) {
        self.protocolID = protocolID
        self.start = start
        self.sessionCount = sessionCount
        self.frequencies = frequencies
        self.target = target
        self.minutes = minutes
        self.limitReason = limitReason?.trimmed.isEmpty == false ? limitReason?.trimmed : nil
        self.titrationReason = titrationReason?.trimmed.isEmpty == false ? titrationReason?.trimmed : nil
        self.note = note?.trimmed.isEmpty == false ? note?.trimmed : nil
    }
}

/// A plan checked against its protocol, the patient's record and screening: the proposal to show
/// and, unless it is ready to sign, every reason it is not.
public struct TreatmentPlanReview: Equatable, Sendable {
    /// The proposed course, when one could be laid out.
    public let proposal: CourseProposal?
    /// Everything that stops signing, by form field.
    public let errors: FieldErrors
    /// The screening decision for the protocol's treatment, when a screening is signed.
    public let screeningDecision: ScreeningDecision?
    /// The change from the current plan's per-session dose, when there is a current plan and the
    /// new dose is known.
    public let titration: DoseChange?
    /// The plan this one would supersede, as seen when checking; signing refuses if another plan
    /// was signed in the meantime.
    public let currentPlanID: UUID?

    /// Most sessions a plan schedules at once (a year of weekly boosters).
    public static let maximumSessions = 52

    /// Checks `request` for a patient.
    /// - Parameters:
    ///   - screening: the patient's latest signed screening, if any;
    ///   - recordRevision: the patient's current record revision (to tell whether the screening is stale);
    ///   - today: today in the clinic's time zone; the course cannot start earlier;
    ///   - currentPlan: the plan the new one would supersede; a different per-session dose needs a reason.
    public init(_ request: TreatmentPlanRequest, protocol treatmentProtocol: TreatmentProtocol, patient: PlanPatient,
                screening: SignedScreening?, recordRevision: Int64, today: CalendarDate, workingDays: Set<Weekday>,
                currentPlan: TreatmentPlan? = nil) {
        var errors = FieldErrors()
        let treatment = treatmentProtocol.treatment
        if treatmentProtocol.isRetired {
            errors.add("protocolID", "\(treatmentProtocol.name) is retired; choose a current protocol.")
        }
        if let start = request.start {
            if start < today { errors.add("start", "The course cannot start before today (\(today.iso)).") }
        } else {
            errors.add("start", "Enter the first session's date as YYYY-MM-DD.")
        }
        if !(1...Self.maximumSessions).contains(request.sessionCount) {
            errors.add("sessions", "Schedule 1 to \(Self.maximumSessions) sessions.")
        }
        for (index, frequency) in request.frequencies.enumerated() {
            guard treatmentProtocol.schedule.phases.indices.contains(index) else {
                errors.add("frequency\(index)", "The protocol has no phase \(index + 1).")
                continue
            }
            let phase = treatmentProtocol.schedule.phases[index]
            if !phase.allowedFrequencies.contains(frequency) {
                errors.add("frequency\(index)", "\(phase.name) runs \(phase.allowedFrequencies.map(\.description).joined(separator: " or ")).")
            }
        }
        switch request.target {
        case .mgPerKg:
            if treatmentProtocol.weightBased == nil { errors.add("devices", "Choose the number of devices for esketamine.") }
            if patient.weight == nil {
                errors.add("mgPerKg", "Record the patient's weight in the intake record first; the dose depends on it.")
            }
        case .devices(let devices):
            if treatmentProtocol.esketamine == nil { errors.add("mgPerKg", "Enter a dose in mg/kg for ketamine.") }
            if !(1...3).contains(devices) { errors.add("devices", "Choose 1, 2 or 3 devices (28, 56 or 84 mg) [R14].") }
        }

        if let screening {
            screeningDecision = screening.decision(for: treatment)
            if screening.isStale(currentRevision: recordRevision) {
                errors.add("screening", "The record changed after the screening was signed; review and sign the screening again.")
            } else if screeningDecision == nil {
                errors.add("screening", "The signed screening does not cover \(treatment.displayName); sign one that does.")
            } else if screeningDecision == .notEligible {
                errors.add("screening", "The signed screening says the patient is not eligible for \(treatment.displayName).")
            }
        } else {
            screeningDecision = nil
            errors.add("screening", "Sign a screening for \(treatment.displayName) before planning a course.")
        }

        var proposal: CourseProposal?
        if let start = request.start, errors["sessions"] == nil, errors["mgPerKg"] == nil, errors["devices"] == nil,
           !errors.entries.contains(where: { $0.field.hasPrefix("frequency") }) {
            do {
                // Sessions of the plan being replaced that have already taken place keep their spacing.
                let previous = currentPlan?.sessions.map(\.date).filter { $0 < today } ?? []
                proposal = try CourseProposal(protocol: treatmentProtocol, start: start, count: request.sessionCount,
                                              frequencies: request.frequencies.isEmpty ? nil : request.frequencies,
                                              workingDays: workingDays, target: request.target, minutes: request.minutes,
                                              patient: patient, previousSessions: previous)
            } catch {
                switch error {
                case .dose(let doseErrors):
                    for entry in doseErrors.entries {
                        errors.add(["weightKg", "heightCm", "sex"].contains(entry.field) ? "mgPerKg" : entry.field, entry.message)
                    }
                case .planning, .targetDoesNotFit:
                    errors.add("start", error.description)
                }
            }
        }
        if let proposal {
            let field = treatmentProtocol.esketamine != nil ? "devices" : "mgPerKg"
            for warning in proposal.warnings where warning.level == .hardLimit && errors[field] == nil {
                errors.add(warning.code == "hard-limit-duration" ? "minutes" : field, "Refused: \(warning.message)")
            }
            if proposal.warnings.hasSoftLimit && !proposal.warnings.hasHardLimit && request.limitReason == nil {
                errors.add("limitReason", "The dose is past a soft limit; write the reason to go ahead.")
            }
        }
        var titration: DoseChange?
        if let previous = currentPlan?.sessionDose, let current = proposal?.sessionDose {
            titration = DoseChange(previous: previous, current: current, reason: request.titrationReason)
            if titration?.isChange == true && titration?.reason == nil {
                errors.add("titrationReason", "The dose differs from the current plan's (\(titration!.summary)); say why.")
            }
        }
        self.titration = titration
        self.currentPlanID = currentPlan?.id
        self.proposal = proposal
        self.errors = errors
    }

    /// True when nothing stops the prescriber from signing.
    public var isReadyToSign: Bool { errors.isEmpty && proposal != nil }
}

/// A signed treatment plan. Immutable: a change is a new plan that supersedes this one.
public struct TreatmentPlan: Codable, Equatable, Sendable {
    /// The plan's id.
    public let id: UUID
    /// The patient.
    public let patientID: UUID
    /// 1 for the patient's first plan.
    public let version: Int
    /// The protocol version the plan was signed on, copied whole.
    public let treatmentProtocol: TreatmentProtocol
    /// The first session's day.
    public let start: CalendarDate
    /// One frequency per phase, as signed.
    public let frequencies: [CourseFrequency]
    /// The target dose.
    public let target: PlanDoseTarget
    /// The dose order for weight-based protocols.
    public let dose: DoseOrder?
    /// The sessions as proposed and signed.
    public let sessions: [CourseProposal.Session]
    /// The warnings the prescriber saw.
    public let warnings: [DoseWarning]
    /// Why the dose goes past a soft limit.
    public let limitReason: String?
    /// The change from the superseded plan's per-session dose, with its reason (nil for a first plan).
    public let titration: DoseChange?
    /// The prescriber's note.
    public let note: String?
    /// The screening version the plan relied on.
    public let screeningVersion: Int
    /// Its decision for the protocol's treatment.
    public let screeningDecision: ScreeningDecision
    /// The plan this one replaces, if any.
    public let supersedes: UUID?
    /// Who signed.
    public let signedByName: String
    /// When.
    public let signedAt: Date

    /// Creates a signed plan from a review that is ready to sign.
    public init(id: UUID, patientID: UUID, version: Int, request: TreatmentPlanRequest, review: TreatmentPlanReview,
                screeningVersion: Int, supersedes: UUID?, signedByName: String, signedAt: Date) {
        let proposal = review.proposal!
        self.id = id
        self.patientID = patientID
        self.version = version
        treatmentProtocol = proposal.treatmentProtocol
        start = request.start!
        frequencies = request.frequencies.isEmpty ? proposal.treatmentProtocol.schedule.phases.map(\.frequency) : request.frequencies
        target = request.target
        dose = proposal.weightBasedDose?.order
        sessions = proposal.sessions
        warnings = proposal.warnings
        limitReason = review.proposal?.warnings.hasSoftLimit == true ? request.limitReason : nil
        titration = review.titration
        note = request.note
        self.screeningVersion = screeningVersion
        screeningDecision = review.screeningDecision!
        self.supersedes = supersedes
        self.signedByName = signedByName
        self.signedAt = signedAt
    }

    /// The dose of each session after the first: the weight-based dose, or the target devices in mg.
    public var sessionDose: Milligrams? {
        switch target {
        case .mgPerKg: dose.map { Milligrams($0.doseMg) }
        case .devices(let count): Milligrams(Double(count) * (treatmentProtocol.esketamine?.deviceMg ?? 28))
        }
    }

    /// The target in words: "0.5 mg/kg" or "2 devices (56 mg)".
    public var targetSummary: String {
        switch target {
        case .mgPerKg(let value): MilligramsPerKilogram(value).description
        case .devices(let count): "\(count) device\(count == 1 ? "" : "s") (\(Milligrams(Double(count) * (treatmentProtocol.esketamine?.deviceMg ?? 28))))"
        }
    }
}
