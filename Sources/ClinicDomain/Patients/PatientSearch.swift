import Foundation

/// What a user typed in the patient search box, read as the thing it most likely is: a medical
/// record number, a date of birth, or the start of a name ("smi", "Smith, Jo", "smith jo").
public enum PatientSearch: Equatable, Sendable {
    /// An exact medical record number (its check digit was right).
    case mrn(MedicalRecordNumber)
    /// An exact date of birth, typed as YYYY-MM-DD.
    case dateOfBirth(CalendarDate)
    /// Prefixes of the family name and, optionally, the given name, as search keys.
    case name(family: String, given: String?)

    /// Reads `text`; nil when it is empty or has nothing searchable in it.
    public init?(_ text: String) {
        let query = text.trimmed
        guard !query.isEmpty else { return nil }
        if let mrn = MedicalRecordNumber(parsing: query) {
            self = .mrn(mrn)
        } else if let date = CalendarDate(iso: query) {
            self = .dateOfBirth(date)
        } else {
            let parts = query.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                .map(Self.key).filter { !$0.isEmpty }
            guard let family = parts.first else { return nil }
            self = .name(family: family, given: parts.count > 1 ? parts[1] : nil)
        }
    }

    /// The search key stored beside each name: lower case, accents removed, letters and digits
    /// only ("O'Brien-Müller" → "obrienmuller"), so that both engines compare keys the same way.
    public static func key(_ name: String) -> String {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        return String(folded.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// The smallest key greater than every key that starts with `prefix`: the end of an index range.
    public static func upperBound(ofPrefix prefix: String) -> String {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            if let next = Unicode.Scalar(last.value + 1) { return String(String.UnicodeScalarView(scalars + [next])) }
        }
        return String(Character(Unicode.Scalar(0x10FFFF)!))
    }
}
