import Foundation

/// The dose a plan targets: weight-based for racemic ketamine, devices for esketamine.
public enum PlanDoseTarget: Codable, Equatable, Sendable {
    /// mg/kg of dosing weight, every session.
    case mgPerKg(Double)
    /// 28 mg devices from session 2 on; session 1 uses the label's starting dose.
    case devices(Int)
}

/// The patient facts a course's doses depend on.
public struct PlanPatient: Equatable, Sendable {
    /// Latest measured weight.
    public var weight: Kilograms?
    /// Latest measured height.
    public var height: Centimetres?
    /// Sex at birth (for ideal weight).
    public var sex: SexAtBirth?
    /// Age in whole years on the course's start date (for the EU older-adult start [R22]).
    public var ageYears: Int?

    /// Creates the facts.
    public init(weight: Kilograms? = nil, height: Centimetres? = nil, sex: SexAtBirth? = nil, ageYears: Int? = nil) {
        self.weight = weight
        self.height = height
        self.sex = sex
        self.ageYears = ageYears
    }
}

extension PlanPatient {
    /// The facts from a patient's record: latest weight, height, sex at birth, and age on `date`
    /// (the course's start).
    public init(record: PatientRecord, on date: CalendarDate) {
        self.init(weight: record.latestWeight.map { Kilograms($0.kilograms) },
                  height: record.height.map { Centimetres($0.centimetres) },
                  sex: record.registration.sexAtBirth,
                  ageYears: record.registration.dateOfBirth.age(on: date))
    }
}

/// A proposed course: dates from ``CoursePlanner`` with the dose of each session, its change from
/// the session before, and the running totals.
public struct CourseProposal: Equatable, Sendable {
    /// One proposed session with its dose.
    public struct Session: Codable, Equatable, Sendable {
        /// 1 for the first session.
        public let number: Int
        /// The day.
        public let date: CalendarDate
        /// The phase's name.
        public let phaseName: String
        /// mg/kg (racemic ketamine).
        public let mgPerKg: Double?
        /// Devices (esketamine).
        public let devices: Int?
        /// The dose in mg, when it is known (racemic ketamine needs the weight).
        public let doseMg: Milligrams?
        /// The change from the previous session's dose.
        public let change: String
        /// Course total up to and including this session, mg.
        public let courseTotalMg: Milligrams?
        /// Total of this session and those in the 6 days before it, mg.
        public let rollingSevenDayMg: Milligrams?
        /// Label or limit warnings for this session's dose.
        public let warnings: [DoseWarning]

        /// Creates a session (the planner builds them; stored plans and tests rebuild them).
        public init(number: Int, date: CalendarDate, phaseName: String, mgPerKg: Double?, devices: Int?, doseMg: Milligrams?, change: String,
                    courseTotalMg: Milligrams?, rollingSevenDayMg: Milligrams?, warnings: [DoseWarning]) {
            self.number = number
            self.date = date
            self.phaseName = phaseName
            self.mgPerKg = mgPerKg
            self.devices = devices
            self.doseMg = doseMg
            self.change = change
            self.courseTotalMg = courseTotalMg
            self.rollingSevenDayMg = rollingSevenDayMg
            self.warnings = warnings
        }
    }

    /// The protocol version the course follows.
    public let treatmentProtocol: TreatmentProtocol
    /// The sessions.
    public let sessions: [Session]
    /// The dose calculation for a weight-based session, when the weight is known.
    public let weightBasedDose: WeightBasedDose?

    /// Proposes `count` sessions of `treatmentProtocol` from `start`.
    public init(protocol treatmentProtocol: TreatmentProtocol, start: CalendarDate, count: Int,
                frequencies: [CourseFrequency]? = nil, workingDays: Set<Weekday>, target: PlanDoseTarget,
                minutes: Double? = nil, patient: PlanPatient = PlanPatient(), previousSessions: [CalendarDate] = [])
        throws(CourseProposalError) {
        self.treatmentProtocol = treatmentProtocol
        let dates: [ProposedSession]
        do {
            dates = try CoursePlanner.propose(schedule: treatmentProtocol.schedule, frequencies: frequencies, start: start,
                                              count: count, workingDays: workingDays, previous: previousSessions)
        } catch {
            throw .planning(error)
        }
        var doseResult: WeightBasedDose?
        var perSession: [(mgPerKg: Double?, devices: Int?, dose: Milligrams?, warnings: [DoseWarning])] = []
        switch target {
        case .mgPerKg(let mgPerKg):
            guard let dosing = treatmentProtocol.weightBased, let route = treatmentProtocol.route else { throw .targetDoesNotFit }
            if let weight = patient.weight {
                let request = WeightBasedDoseRequest(
                    route: route, weight: weight, height: patient.height, sex: patient.sex, weightBasis: dosing.weightBasis,
                    dosePerKilogram: MilligramsPerKilogram(mgPerKg),
                    duration: route == .intravenous ? Minutes(minutes ?? dosing.minutes ?? 40) : nil,
                    vial: dosing.vial, bagVolume: dosing.bagMl.map(Millilitres.init),
                    drugVolumeCountsInTotal: dosing.drugVolumeCountsInTotal,
                    useActualWeightWhenLower: dosing.useActualWeightWhenLower)
                do { doseResult = try WeightBasedDose(request, limits: dosing.limits) } catch { throw .dose(error) }
            }
            perSession = dates.map { _ in (mgPerKg, nil, doseResult?.dose, []) }
        case .devices(let devices):
            guard let rules = treatmentProtocol.esketamine else { throw .targetDoesNotFit }
            // A course that continues an earlier one has had its day 1: no start dose again.
            let continuing = !previousSessions.isEmpty
            perSession = dates.map { session in
                let isFirst = session.number == 1 && !continuing
                let count = isFirst ? rules.startDevices(ageYears: patient.ageYears) : devices
                let dose = EsketamineDose(devices: count, isFirstSession: isFirst, ageYears: patient.ageYears, rules: rules)
                return (nil, count, dose.dose, dose.warnings)
            }
        }
        weightBasedDose = doseResult
        var entries: [CumulativeDose.Entry] = []
        var previous: Milligrams?
        var built: [Session] = []
        for (session, dose) in zip(dates, perSession) {
            if let mg = dose.dose { entries.append(.init(date: session.date, dose: mg)) }
            let totals = dose.dose.map { _ in CumulativeDose(entries, asOf: session.date) }
            let change = dose.dose.map { DoseChange(previous: previous, current: $0, reason: nil).summary } ?? "—"
            built.append(Session(number: session.number, date: session.date, phaseName: session.phaseName,
                                 mgPerKg: dose.mgPerKg, devices: dose.devices, doseMg: dose.dose, change: change,
                                 courseTotalMg: totals?.course, rollingSevenDayMg: totals?.rollingSevenDays,
                                 warnings: dose.warnings))
            previous = dose.dose ?? previous
        }
        sessions = built
    }

    /// Every warning of the course: the dose calculation's and each session's, without repeats.
    public var warnings: [DoseWarning] {
        var seen = Set<String>()
        var all: [DoseWarning] = []
        for warning in (weightBasedDose?.warnings ?? []) + sessions.flatMap(\.warnings) where seen.insert(warning.message).inserted {
            all.append(warning)
        }
        return all.sorted { $0.level > $1.level }
    }

    /// The dose of each session after the first (the first may be the label's start dose), when known.
    public var sessionDose: Milligrams? { sessions.dropFirst().first?.doseMg ?? sessions.first?.doseMg }

    /// Course total, mg, when doses are known.
    public var courseTotal: Milligrams? { sessions.last?.courseTotalMg }

    /// The largest total in any 7 days of the course, mg, when doses are known.
    public var largestSevenDayTotal: Milligrams? {
        sessions.compactMap(\.rollingSevenDayMg).max()
    }
}

/// Why a course cannot be proposed.
public enum CourseProposalError: Error, Equatable, CustomStringConvertible {
    /// The dates cannot be laid out.
    case planning(CoursePlanner.PlanningError)
    /// The dose request is invalid.
    case dose(FieldErrors)
    /// A weight-based target for an esketamine protocol, or devices for ketamine.
    case targetDoesNotFit

    /// Says what is wrong.
    public var description: String {
        switch self {
        case .planning(let error): error.description
        case .dose(let errors): errors.entries.map(\.message).joined(separator: " ")
        case .targetDoesNotFit: "That dose does not fit the protocol: esketamine is dosed in devices, ketamine in mg/kg."
        }
    }
}
