import Foundation

/// The coding systems a KetaClinic charge or superbill uses.
public enum CodeSystem: String, CaseIterable, Codable, Sendable {
    /// CPT (AMA): procedures and visits, e.g. 96365, 99214.
    case cpt
    /// HCPCS Level II (CMS): G-codes, drugs (J-codes), S-codes, e.g. G2082, J0013.
    case hcpcs
    /// ICD-10-CM: the diagnosis each line points to, e.g. F33.2.
    case icd10cm = "icd10-cm"

    /// The name shown to users.
    public var displayName: String {
        switch self {
        case .cpt: "CPT"
        case .hcpcs: "HCPCS"
        case .icd10cm: "ICD-10-CM"
        }
    }

    /// True when `code` has this system's shape: CPT five digits (or four and F/T for categories
    /// II and III), HCPCS Level II a letter and four digits, ICD-10-CM a letter, a digit, a
    /// character, and up to four more after the dot.
    public func accepts(_ code: String) -> Bool {
        let characters = Array(code)
        func digit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        func upper(_ c: Character) -> Bool { c.isASCII && c.isUppercase }
        switch self {
        case .cpt:
            guard characters.count == 5 else { return false }
            return characters.prefix(4).allSatisfy(digit) && (digit(characters[4]) || characters[4] == "F" || characters[4] == "T")
        case .hcpcs:
            return characters.count == 5 && upper(characters[0]) && characters.dropFirst().allSatisfy(digit)
        case .icd10cm:
            let parts = code.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count) else { return false }
            let head = Array(parts[0])
            guard head.count == 3, upper(head[0]), digit(head[1]), digit(head[2]) || upper(head[2]) else { return false }
            if parts.count == 2 {
                return (1...4).contains(parts[1].count) && parts[1].allSatisfy { digit($0) || upper($0) }
            }
            return true
        }
    }
}

/// One code the clinic bills or diagnoses with, and the days it may be used. The clinic's table
/// starts from ``BillingCodeCatalog/defaults`` (each with its source) and the administrator adds
/// codes and retires them by date; nothing is deleted, so old charges keep their meaning.
public struct BillingCode: Equatable, Hashable, Codable, Sendable {
    /// The system.
    public var system: CodeSystem
    /// The code, upper case, e.g. `G2083`, `F33.2`.
    public var code: String
    /// The descriptor staff and superbills show.
    public var description: String
    /// What one unit is ("per session", "1 mg", "each additional hour"); empty for diagnoses.
    public var unit: String
    /// First day of service the code may be billed; nil when no start is recorded.
    public var validFrom: CalendarDate?
    /// Last day of service; nil while current.
    public var validTo: CalendarDate?
    /// The reference key (e.g. `[B1]`) for a shipped code, or who added it for the clinic's own.
    public var source: String

    /// Creates a code; call ``validated()`` on outside input.
    public init(system: CodeSystem, code: String, description: String, unit: String = "",
                validFrom: CalendarDate? = nil, validTo: CalendarDate? = nil, source: String) {
        self.system = system
        self.code = code
        self.description = description
        self.unit = unit
        self.validFrom = validFrom
        self.validTo = validTo
        self.source = source
    }

    /// True when the code may be billed for a service on `day`.
    public func isValid(on day: CalendarDate) -> Bool {
        if let validFrom, day < validFrom { return false }
        if let validTo, day > validTo { return false }
        return true
    }

    /// The code cleaned (trimmed, upper case), or field errors: a code that does not fit its
    /// system, an empty or overlong description, a validity that ends before it starts.
    public func validated() throws(FieldErrors) -> BillingCode {
        var errors = FieldErrors()
        var clean = self
        clean.code = code.trimmingCharacters(in: .whitespaces).uppercased()
        clean.description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        clean.unit = unit.trimmingCharacters(in: .whitespaces)
        clean.source = source.trimmingCharacters(in: .whitespaces)
        if !system.accepts(clean.code) {
            let example = switch system {
            case .cpt: "five digits, e.g. 96365"
            case .hcpcs: "a letter and four digits, e.g. G2082"
            case .icd10cm: "e.g. F33.2"
            }
            errors.add("code", "\(clean.code.isEmpty ? "Enter the code" : "\(clean.code) is not a \(system.displayName) code"): \(example).")
        }
        if clean.description.isEmpty { errors.add("description", "Enter the code's descriptor.") }
        if clean.description.count > 500 { errors.add("description", "Keep the descriptor under 500 characters.") }
        if clean.unit.count > 60 { errors.add("unit", "Keep the unit under 60 characters.") }
        if clean.source.isEmpty { errors.add("source", "Say where the code comes from (payer bulletin, code book).") }
        if let validFrom, let validTo, validTo < validFrom { errors.add("validTo", "The code's last day is before its first day.") }
        try errors.throwIfAny()
        return clean
    }
}

/// A claim line's modifiers (e.g. `JZ`, `59`): two letters or digits each, at most four, the
/// number of modifier places a professional claim line has.
public enum BillingModifiers {
    /// The modifiers cleaned, or nil when one is malformed or there are more than four.
    public static func parse(_ text: String) -> [String]? {
        let items = text.uppercased().split(whereSeparator: { $0 == "," || $0 == " " || $0 == "-" }).map(String.init)
        guard items.count <= 4, items.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) } }) else {
            return nil
        }
        return items
    }
}

/// The codes KetaClinic ships, each with the source that reports it (docs/billing-references.md).
/// Where sources conflict (the esketamine drug code from 2026-01-01) both codes ship with their
/// dates and ``ChargeCapturePolicy/esketamineDrugCode`` lets the clinic choose.
public enum BillingCodeCatalog {
    /// The day CMS's 2026 HCPCS update discontinued S0013 and added J0013 [B3].
    public static let esketamineJCodeStart = CalendarDate(year: 2026, month: 1, day: 1)!

    /// The shipped table.
    public static let defaults: [BillingCode] = [
        // Esketamine session G-codes, established patient, include 2 h post-administration observation [B1][B2].
        BillingCode(system: .hcpcs, code: "G2082",
                    description: "Office or other outpatient visit for the evaluation and management of an established patient that requires "
                        + "the supervision of a physician or other qualified health care professional and provision of up to 56 mg of "
                        + "esketamine nasal self-administration, includes 2 hours post-administration observation",
                    unit: "per session", validFrom: CalendarDate(year: 2020, month: 1, day: 1), source: "[B1]"),
        BillingCode(system: .hcpcs, code: "G2083",
                    description: "Office or other outpatient visit for the evaluation and management of an established patient that requires "
                        + "the supervision of a physician or other qualified health care professional and provision of greater than 56 mg "
                        + "esketamine nasal self-administration, includes 2 hours post-administration observation",
                    unit: "per session", validFrom: CalendarDate(year: 2020, month: 1, day: 1), source: "[B2]"),
        // Esketamine drug per 1 mg: S0013 (commercial S-code) until 2025-12-31, J0013 from 2026-01-01 [B3].
        BillingCode(system: .hcpcs, code: "S0013", description: "Esketamine, nasal spray, 1 mg",
                    unit: "1 mg", validTo: CalendarDate(year: 2025, month: 12, day: 31), source: "[B3]"),
        BillingCode(system: .hcpcs, code: "J0013", description: "Esketamine, nasal spray, 1 mg",
                    unit: "1 mg", validFrom: esketamineJCodeStart, source: "[B3]"),
        // IV infusion administration [B5].
        BillingCode(system: .cpt, code: "96365",
                    description: "Intravenous infusion, for therapy, prophylaxis, or diagnosis (specify substance or drug); initial, up to 1 hour",
                    unit: "initial hour (16 to 90 minutes)", source: "[B5]"),
        BillingCode(system: .cpt, code: "96366",
                    description: "Intravenous infusion, for therapy, prophylaxis, or diagnosis; each additional hour",
                    unit: "each additional hour (more than 30 minutes past the last)", source: "[B5]"),
        BillingCode(system: .cpt, code: "96374",
                    description: "Therapeutic, prophylactic, or diagnostic injection; intravenous push, single or initial substance/drug",
                    unit: "per push (an infusion of 15 minutes or less)", source: "[B5]"),
        // Racemic ketamine has no drug code of its own in the sources; payers ask for the unclassified drug code [B6].
        BillingCode(system: .hcpcs, code: "J3490", description: "Unclassified drugs (ketamine hydrochloride)",
                    unit: "per administration", source: "[B6]"),
        // E/M visits for consultations and follow-up [B7].
        BillingCode(system: .cpt, code: "99213",
                    description: "Office or other outpatient visit, established patient, low level of medical decision making "
                        + "(20 to 29 minutes total time)",
                    unit: "per visit", source: "[B7]"),
        BillingCode(system: .cpt, code: "99214",
                    description: "Office or other outpatient visit, established patient, moderate level of medical decision making "
                        + "(30 to 39 minutes total time)",
                    unit: "per visit", source: "[B7]"),
        // Diagnoses [B8][R59].
        BillingCode(system: .icd10cm, code: "F32.0", description: "Major depressive disorder, single episode, mild", source: "[B8]"),
        BillingCode(system: .icd10cm, code: "F32.1", description: "Major depressive disorder, single episode, moderate", source: "[B8]"),
        BillingCode(system: .icd10cm, code: "F32.2",
                    description: "Major depressive disorder, single episode, severe without psychotic features", source: "[B8]"),
        BillingCode(system: .icd10cm, code: "F32.3",
                    description: "Major depressive disorder, single episode, severe with psychotic features", source: "[R59]"),
        BillingCode(system: .icd10cm, code: "F33.2",
                    description: "Major depressive disorder, recurrent severe without psychotic features", source: "[B8]"),
        BillingCode(system: .icd10cm, code: "F33.9", description: "Major depressive disorder, recurrent, unspecified", source: "[R59]"),
    ]

    /// The code `code` of `system` valid on `day` among `table`, or nil.
    public static func find(_ code: String, system: CodeSystem, on day: CalendarDate, in table: [BillingCode]) -> BillingCode? {
        table.last { $0.system == system && $0.code == code && $0.isValid(on: day) }
    }
}
