import Foundation

/// Instrument identifiers as the CLI, API and storage spell them.
///
/// The raw values are stored with every score, so they never change once released.
public enum InstrumentID: String, CaseIterable, Codable, Sendable {
    /// Patient Health Questionnaire-9 (depression, self-report).
    case phq9
    /// Generalized Anxiety Disorder-7 (anxiety, self-report).
    case gad7
    /// Quick Inventory of Depressive Symptomatology, 16-item self-report.
    case qidsSR16 = "qids-sr16"
    /// PTSD Checklist for DSM-5 (self-report).
    case pcl5
    /// Montgomery–Åsberg Depression Rating Scale (clinician-rated).
    case madrs
    /// Hamilton Depression Rating Scale, 17 items (clinician-rated).
    case hamd17
    /// Clinician-Administered Dissociative States Scale, 23-item version (clinician-rated).
    case cadss
    /// Columbia Suicide Severity Rating Scale, screener version (clinician-administered).
    case cssrs
}

/// One allowed answer to an item: the value that is scored and what it means.
public struct AnswerOption: Equatable, Sendable, Codable {
    /// The scored value.
    public let value: Int
    /// What a patient or clinician sees beside the value.
    public let label: String

    /// An answer worth `value`, shown as `label`.
    public init(value: Int, label: String) {
        self.value = value
        self.label = label
    }
}

/// One item (question) of an instrument, with the answers it allows.
public struct InstrumentItem: Equatable, Sendable {
    /// The item's number, 1-based, as printed on the instrument.
    public let number: Int
    /// The full wording for free instruments (PHQ-9, GAD-7, PCL-5; QIDS-SR16 as a neutral paraphrase);
    /// nil for licensed ones, which show "Item N" and ``shortLabel`` instead.
    public let text: String?
    /// A short neutral name for the item, e.g. "Thoughts of self-harm".
    public let shortLabel: String
    /// The allowed values with their labels, lowest first.
    public let options: [AnswerOption]
    /// The item's LOINC code where the clinical reference gives one (§8.1), else nil.
    public let loinc: String?

    /// An item; instruments build their items in their own files.
    public init(number: Int, text: String?, shortLabel: String, options: [AnswerOption], loinc: String? = nil) {
        self.number = number
        self.text = text
        self.shortLabel = shortLabel
        self.options = options
        self.loinc = loinc
    }

    /// The smallest and largest allowed value.
    public var valueRange: ClosedRange<Int> {
        let values = options.map(\.value)
        return (values.min() ?? 0)...(values.max() ?? 0)
    }

    /// True when `value` is one of the allowed answers.
    public func allows(_ value: Int) -> Bool { options.contains { $0.value == value } }
}

/// A range of totals and its severity label, e.g. 10–14 "moderate" for the PHQ-9.
public struct SeverityBand: Equatable, Sendable, Codable {
    /// The totals in the band, both ends included.
    public let range: ClosedRange<Int>
    /// The band's label as the source names it.
    public let label: String

    /// A band covering `range`, called `label`.
    public init(range: ClosedRange<Int>, label: String) {
        self.range = range
        self.label = label
    }
}

/// A rating scale: its items, answers, bands, cut-offs, codes and sources.
///
/// Every number comes from shared/reference/clinical.md §5 and §8.1 with its source key; the
/// instruments themselves are defined in the `Instruments+…` files and scored by ``InstrumentScoring``.
public struct Instrument: Sendable {
    /// The identifier used by the CLI, the API and storage.
    public let id: InstrumentID
    /// The full name, e.g. "Patient Health Questionnaire-9".
    public let name: String
    /// The short name, e.g. "PHQ-9".
    public let shortName: String
    /// True for instruments a patient answers (on a phone, say); false when a clinician enters item scores.
    public let isSelfReport: Bool
    /// The stem shown to patients (self-report instruments only).
    public let instructions: String?
    /// The items in order.
    public let items: [InstrumentItem]
    /// The range of the total score; nil when the instrument has no total (C-SSRS).
    public let totalRange: ClosedRange<Int>?
    /// The severity bands in ascending order; empty when the reference gives none.
    public let bands: [SeverityBand]
    /// A total at or below this is remission, where §5.2 defines it; else nil.
    public let remissionAtOrBelow: Int?
    /// The fractional reduction from baseline that counts as response (0.5), where §5.2 defines it; else nil.
    public let responseFraction: Double?
    /// The LOINC code of the total score (for the C-SSRS, of the risk level), where §8.1 gives one.
    public let totalLOINC: String?
    /// The LOINC code of the instrument's panel, where §8.1 gives one.
    public let panelLOINC: String?
    /// The source keys of clinical.md behind the instrument's numbers.
    public let sources: [String]
    /// True only when the instrument defines a rule for prorating missing items; the reference defines
    /// none for any instrument here, so every total with a missing item is nil.
    public let allowsProrating: Bool

    /// The instrument called `id`.
    public static func named(_ id: InstrumentID) -> Instrument {
        switch id {
        case .phq9: phq9
        case .gad7: gad7
        case .qidsSR16: qidsSR16
        case .pcl5: pcl5
        case .madrs: madrs
        case .hamd17: hamd17
        case .cadss: cadss
        case .cssrs: cssrs
        }
    }

    /// Every instrument, in the order of ``InstrumentID/allCases``.
    public static let all: [Instrument] = InstrumentID.allCases.map(named)

    /// The band that contains `total`, if any.
    public func band(for total: Int) -> SeverityBand? {
        bands.first { $0.range.contains(total) }
    }
}

extension Instrument {
    /// Options 0…`maximum` labelled with their number only: for licensed instruments, whose anchor
    /// descriptions are not reproduced.
    static func numericOptions(_ maximum: Int) -> [AnswerOption] {
        (0...maximum).map { AnswerOption(value: $0, label: String($0)) }
    }

    /// Items of a licensed instrument: no wording, a neutral short label and numeric options.
    static func licensedItems(_ labels: [String], maximum: (Int) -> Int, loinc: [String?] = []) -> [InstrumentItem] {
        labels.enumerated().map { index, label in
            InstrumentItem(number: index + 1, text: nil, shortLabel: label, options: numericOptions(maximum(index + 1)),
                           loinc: index < loinc.count ? loinc[index] : nil)
        }
    }
}
