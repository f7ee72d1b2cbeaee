import Foundation

/// Age at the start of a course, in the bands the outcomes page groups by. 65 is where the
/// esketamine label changes its starting dose [R22]; the other cut points are ten-year bands
/// (clinic policy: the reference names no bands for outcome reporting).
public enum AgeBand: String, Equatable, Sendable, Codable, CaseIterable {
    case under18 = "under-18"
    case from18to24 = "18-24"
    case from25to34 = "25-34"
    case from35to44 = "35-44"
    case from45to54 = "45-54"
    case from55to64 = "55-64"
    case from65 = "65+"

    /// The band for an age in whole years.
    public init(age: Int) {
        switch age {
        case ..<18: self = .under18
        case 18...24: self = .from18to24
        case 25...34: self = .from25to34
        case 35...44: self = .from35to44
        case 45...54: self = .from45to54
        case 55...64: self = .from55to64
        default: self = .from65
        }
    }

    /// Words for people.
    public var label: String { self == .under18 ? "Under 18" : self == .from65 ? "65 and over" : rawValue.replacingOccurrences(of: "-", with: "–") }
}

/// What a cohort can be split or filtered by.
public enum OutcomeDimension: String, Equatable, Sendable, Codable, CaseIterable {
    case startMonth = "start-month"
    case treatment
    case protocolID = "protocol"
    case diagnosis
    case trdStage = "trd-stage"
    case ageBand = "age-band"
    case sex
    case clinic

    /// Words for people.
    public var label: String {
        switch self {
        case .startMonth: "Course start month"
        case .treatment: "Treatment"
        case .protocolID: "Protocol"
        case .diagnosis: "Diagnosis"
        case .trdStage: "TRD stage (Maudsley)"
        case .ageBand: "Age band"
        case .sex: "Sex at birth"
        case .clinic: "Clinic"
        }
    }
}

/// The cohort keys of one course: what the outcomes page filters and groups by.
public struct CourseCohortKeys: Equatable, Sendable, Codable {
    /// The clinic that gave the course.
    public let clinicID: UUID
    /// The first session's day.
    public let start: CalendarDate
    /// The treatment of the course's protocol.
    public let treatment: Treatment
    /// The protocol id.
    public let protocolID: String
    /// The ICD-10 family of the patient's first diagnosis on the chart, or "none".
    public let diagnosis: String
    /// The Maudsley band at the screening the plan relied on [R53], or "not-scored".
    public let trdStage: String
    /// Age at the start.
    public let ageBand: AgeBand
    /// Sex at birth.
    public let sex: SexAtBirth

    /// Keys from their values.
    public init(clinicID: UUID, start: CalendarDate, treatment: Treatment, protocolID: String, diagnosis: String,
                trdStage: String, ageBand: AgeBand, sex: SexAtBirth) {
        self.clinicID = clinicID
        self.start = start
        self.treatment = treatment
        self.protocolID = protocolID
        self.diagnosis = diagnosis
        self.trdStage = trdStage
        self.ageBand = ageBand
        self.sex = sex
    }

    /// The value of a dimension, as stored and as the filter spells it.
    public func value(of dimension: OutcomeDimension) -> String {
        switch dimension {
        case .startMonth: String(start.iso.prefix(7))
        case .treatment: treatment.rawValue
        case .protocolID: protocolID
        case .diagnosis: diagnosis
        case .trdStage: trdStage
        case .ageBand: ageBand.rawValue
        case .sex: sex.rawValue
        case .clinic: clinicID.uuidString
        }
    }
}

/// Two cohorts to compare with a log-rank test: the same dimension, two values.
public struct CohortComparison: Equatable, Sendable, Codable {
    /// What the cohorts differ in.
    public let dimension: OutcomeDimension
    /// The first cohort's value.
    public let first: String
    /// The second cohort's value.
    public let second: String

    /// A comparison.
    public init(dimension: OutcomeDimension, first: String, second: String) {
        self.dimension = dimension
        self.first = first
        self.second = second
    }

    /// IV ketamine against esketamine: the comparison the page opens with.
    public static let treatments = CohortComparison(dimension: .treatment, first: Treatment.ivKetamine.rawValue,
                                                    second: Treatment.esketamine.rawValue)
}

/// Which courses a report covers: those whose first session fell in a period, narrowed by any of
/// the cohort keys. Parsed and checked here so the page, the API and the CLI refuse the same
/// things with the same words.
public struct OutcomeCohortFilter: Equatable, Sendable, Codable {
    /// First day of the period (inclusive).
    public var from: CalendarDate
    /// Last day of the period (inclusive).
    public var to: CalendarDate
    /// Only this treatment.
    public var treatment: Treatment?
    /// Only this protocol.
    public var protocolID: String?
    /// Only this diagnosis family (ICD-10 family code, e.g. `F33`), or `none`.
    public var diagnosis: String?
    /// Only this TRD stage (`mild`, `moderate`, `severe`, `not-scored`).
    public var trdStage: String?
    /// Only this age band.
    public var ageBand: AgeBand?
    /// Only this sex at birth.
    public var sex: SexAtBirth?
    /// Only this clinic (a network on PostgreSQL); nil: the signed-in user's clinic.
    public var clinicID: UUID?
    /// The two cohorts the log-rank test compares.
    public var comparison: CohortComparison
    /// Minutes from "ready for discharge" to discharge beyond which a session counts as a delayed
    /// discharge (clinic policy).
    public var dischargeDelayMinutes: Int

    /// Default discharge delay: 30 minutes past readiness (clinic policy; the reference gives no number).
    public static let defaultDischargeDelayMinutes = 30
    /// Accepted discharge delays: an input bound.
    public static let dischargeDelayRange = 5...480
    /// The longest period one report covers: an input bound that keeps a typing mistake ("2205")
    /// from asking for centuries.
    public static let longestPeriodDays = 3_660
    /// Diagnosis values the filter accepts: the families KetaClinic treats [R59], or `none`.
    public static let diagnosisValues = Diagnosis.Family.allCases.map(\.rawValue) + ["none"]
    /// TRD stage values the filter accepts: the Maudsley bands [R53], or `not-scored`.
    public static let trdStageValues = ["mild", "moderate", "severe", "not-scored"]

    /// A filter from its values, unchecked (``parse(_:knownProtocols:today:)`` checks outside input).
    public init(from: CalendarDate, to: CalendarDate, treatment: Treatment? = nil, protocolID: String? = nil,
                diagnosis: String? = nil, trdStage: String? = nil, ageBand: AgeBand? = nil, sex: SexAtBirth? = nil,
                clinicID: UUID? = nil, comparison: CohortComparison = .treatments,
                dischargeDelayMinutes: Int = defaultDischargeDelayMinutes) {
        self.from = from
        self.to = to
        self.treatment = treatment
        self.protocolID = protocolID
        self.diagnosis = diagnosis
        self.trdStage = trdStage
        self.ageBand = ageBand
        self.sex = sex
        self.clinicID = clinicID
        self.comparison = comparison
        self.dischargeDelayMinutes = dischargeDelayMinutes
    }

    /// The filter the page opens with: courses started in the 365 days up to `today`.
    public static func lastYear(today: CalendarDate) -> OutcomeCohortFilter {
        OutcomeCohortFilter(from: today.adding(days: -364), to: today)
    }

    /// The value a dimension is filtered to, if any.
    public func restriction(_ dimension: OutcomeDimension) -> String? {
        switch dimension {
        case .startMonth: nil
        case .treatment: treatment?.rawValue
        case .protocolID: protocolID
        case .diagnosis: diagnosis
        case .trdStage: trdStage
        case .ageBand: ageBand?.rawValue
        case .sex: sex?.rawValue
        case .clinic: clinicID?.uuidString
        }
    }

    /// The fields a form, a query string or the CLI may carry, by name.
    public static let fieldNames: Set<String> = ["from", "to", "treatment", "protocol", "diagnosis", "trdStage", "ageBand", "sex",
                                                 "clinic", "compare", "first", "second", "dischargeDelayMinutes"]

    /// Parses outside input: `from`/`to` as `YYYY-MM-DD` (default: the year up to `today`), the
    /// cohort keys by their stored values, the comparison as a dimension and two values. Unknown
    /// values name their field; an empty value means "any".
    public static func parse(_ fields: [String: String], knownProtocols: [String], today: CalendarDate)
        throws(FieldErrors) -> OutcomeCohortFilter {
        var errors = FieldErrors()
        func text(_ name: String) -> String? {
            guard let value = fields[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func date(_ name: String, _ fallback: CalendarDate) -> CalendarDate {
            guard let raw = text(name) else { return fallback }
            guard let value = CalendarDate(iso: raw) else {
                errors.add(name, "Enter the date as YYYY-MM-DD, for example \(today.iso).")
                return fallback
            }
            return value
        }
        let defaults = lastYear(today: today)
        var filter = defaults
        filter.from = date("from", defaults.from)
        filter.to = date("to", defaults.to)
        if errors.isEmpty {
            if filter.from > filter.to {
                errors.add("from", "The period starts after it ends: \(filter.from.iso) is after \(filter.to.iso). Swap the dates.")
            } else if CalendarDate.daysBetween(filter.from, filter.to) >= longestPeriodDays {
                errors.add("to", "A report covers at most 10 years; narrow the period.")
            }
        }
        if let raw = text("treatment") {
            if let value = Treatment(rawValue: raw) { filter.treatment = value } else {
                errors.add("treatment", "Unknown treatment \u{201C}\(raw)\u{201D}. Use one of: \(Treatment.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }
        if let raw = text("protocol") {
            if knownProtocols.contains(raw) { filter.protocolID = raw } else {
                errors.add("protocol", "Unknown protocol \u{201C}\(raw)\u{201D}. This clinic's protocols: \(knownProtocols.joined(separator: ", ")).")
            }
        }
        if let raw = text("diagnosis") {
            if diagnosisValues.contains(raw) { filter.diagnosis = raw } else {
                errors.add("diagnosis", "Unknown diagnosis family \u{201C}\(raw)\u{201D}. Use one of: \(diagnosisValues.joined(separator: ", ")).")
            }
        }
        if let raw = text("trdStage") {
            if trdStageValues.contains(raw) { filter.trdStage = raw } else {
                errors.add("trdStage", "Unknown TRD stage \u{201C}\(raw)\u{201D}. Use one of: \(trdStageValues.joined(separator: ", ")).")
            }
        }
        if let raw = text("ageBand") {
            if let value = AgeBand(rawValue: raw) { filter.ageBand = value } else {
                errors.add("ageBand", "Unknown age band \u{201C}\(raw)\u{201D}. Use one of: \(AgeBand.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }
        if let raw = text("sex") {
            if let value = SexAtBirth(rawValue: raw) { filter.sex = value } else {
                errors.add("sex", "Unknown sex \u{201C}\(raw)\u{201D}. Use one of: \(SexAtBirth.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }
        if let raw = text("clinic") {
            if let value = UUID(uuidString: raw) { filter.clinicID = value } else { errors.add("clinic", "Enter the clinic's id.") }
        }
        if let raw = text("compare") {
            if let dimension = OutcomeDimension(rawValue: raw), dimension != .startMonth {
                let first = text("first"), second = text("second")
                if let first, let second, first != second {
                    filter.comparison = CohortComparison(dimension: dimension, first: first, second: second)
                } else {
                    errors.add("second", "Name two different \(dimension.label.lowercased()) values to compare.")
                }
            } else {
                errors.add("compare", "Unknown comparison \u{201C}\(raw)\u{201D}. Use one of: "
                           + OutcomeDimension.allCases.filter { $0 != .startMonth }.map(\.rawValue).joined(separator: ", ") + ".")
            }
        }
        func whole(_ name: String, _ range: ClosedRange<Int>, _ fallback: Int, unit: String) -> Int {
            guard let raw = text(name) else { return fallback }
            guard let value = Int(raw), range.contains(value) else {
                errors.add(name, "Enter a whole number of \(unit) from \(range.lowerBound) to \(range.upperBound).")
                return fallback
            }
            return value
        }
        filter.dischargeDelayMinutes = whole("dischargeDelayMinutes", dischargeDelayRange, defaultDischargeDelayMinutes, unit: "minutes")
        try errors.throwIfAny()
        return filter
    }

    /// The filter as query fields: what a link to the same report, or the CSV of it, carries.
    public var fields: [(String, String)] {
        var result: [(String, String)] = [("from", from.iso), ("to", to.iso)]
        if let treatment { result.append(("treatment", treatment.rawValue)) }
        if let protocolID { result.append(("protocol", protocolID)) }
        if let diagnosis { result.append(("diagnosis", diagnosis)) }
        if let trdStage { result.append(("trdStage", trdStage)) }
        if let ageBand { result.append(("ageBand", ageBand.rawValue)) }
        if let sex { result.append(("sex", sex.rawValue)) }
        if let clinicID { result.append(("clinic", clinicID.uuidString)) }
        if comparison != .treatments {
            result += [("compare", comparison.dimension.rawValue), ("first", comparison.first), ("second", comparison.second)]
        }
        if dischargeDelayMinutes != Self.defaultDischargeDelayMinutes { result.append(("dischargeDelayMinutes", String(dischargeDelayMinutes))) }
        return result
    }
}
