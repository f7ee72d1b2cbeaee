import ClinicDomain
import ClinicStorage
import Foundation

/// One mapped FHIR resource with what searches match it on.
public struct FHIRResource: Sendable {
    /// The resource type, e.g. `Observation`.
    public let type: String
    /// The logical id.
    public let id: String
    /// The resource itself.
    public let json: FHIRJSON
    /// Its codes as `system|code`, for the `code` search parameter.
    public let codes: [String]

    /// A resource.
    public init(type: String, id: String, json: FHIRJSON, codes: [String] = []) {
        self.type = type
        self.id = id
        self.json = json
        self.codes = codes
    }
}

/// What a mapping needs besides the row: the clinic the export is for and its time zone.
public struct FHIRMappingContext: Sendable {
    /// The clinic (managing organization, practitioner roles).
    public let clinicID: UUID
    /// For calendar days written as dateTimes.
    public let timeZone: TimeZone
    /// The RxCUIs the clinic entered for its medications (none by default).
    public let medicationCodes: MedicationCodes

    /// A context.
    public init(clinicID: UUID, timeZone: TimeZone, medicationCodes: MedicationCodes = .defaults) {
        self.clinicID = clinicID
        self.timeZone = timeZone
        self.medicationCodes = medicationCodes
    }
}

extension FHIRMappingContext {
    /// The context for `clinic`: its time zone and the medication codes it entered.
    public static func of(_ clinic: Clinic, database: ClinicDatabase) async throws -> FHIRMappingContext {
        FHIRMappingContext(clinicID: clinic.id, timeZone: clinic.settings.resolvedTimeZone,
                           medicationCodes: try await MedicationCodeRepository(database: database).policy(of: clinic.id))
    }
}

/// FHIR date and time text, written without a formatter (the export writes millions of them).
public enum FHIRTime {
    /// An `instant`: UTC with milliseconds, e.g. `2026-03-02T09:15:00.000Z`.
    public static func instant(milliseconds: Int64) -> String {
        let (seconds, millis) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        var time = time_t(seconds - (millis < 0 ? 1 : 0))
        var parts = tm()
        gmtime_r(&time, &parts)
        let ms = millis < 0 ? millis + 1000 : millis
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-" + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2)
            + "." + pad(Int(ms), 3) + "Z"
    }

    /// An instant as FHIR text.
    public static func instant(_ date: Date) -> String { instant(milliseconds: date.millisecondsSince1970) }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
