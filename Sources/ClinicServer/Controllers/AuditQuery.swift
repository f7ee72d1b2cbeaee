import ClinicDomain
import ClinicStorage
import Foundation

/// Reads audit-trail filters from a query string, for the page, the CSV export and the API.
struct AuditQuery {
    /// The filter, or field errors naming the query parameter at fault.
    static func filter(from values: [String: String], clinic: Clinic, services: ClinicServices) async throws -> AuditFilter {
        var errors = FieldErrors()
        var filter = AuditFilter()
        if let user = values["user"]?.trimmed, !user.isEmpty {
            if let id = UUID(uuidString: user) { filter.userID = id } else { errors.add("user", "Choose a user from the list.") }
        }
        if let patient = values["patient"]?.trimmed, !patient.isEmpty {
            if let id = UUID(uuidString: patient) {
                filter.patientID = id
            } else if let mrn = MedicalRecordNumber(parsing: patient) {
                guard let found = try await services.patients.find(mrn: mrn, in: clinic.id) else {
                    errors.add("patient", "No patient has MRN \(mrn.text).")
                    try errors.throwIfAny()
                    return filter
                }
                filter.patientID = found.id
            } else {
                errors.add("patient", "Enter an MRN such as DEMO-000123-4.")
            }
        }
        if let action = values["action"], !action.isEmpty {
            if let parsed = AuditAction(rawValue: action) { filter.action = parsed } else {
                errors.add("action", "Choose one of: " + AuditAction.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
        }
        let zone = clinic.settings.resolvedTimeZone
        let from = day(values["from"], "from", &errors)
        let to = day(values["to"], "to", &errors)
        if let from, let to, to < from { errors.add("to", "The end date is before the start date.") }
        filter.from = from?.startInstant(in: zone)
        filter.until = to?.adding(days: 1).startInstant(in: zone)
        try errors.throwIfAny()
        return filter
    }

    /// The query string that reproduces a filter form's values (empty ones left out).
    static func queryString(_ values: [String: String]) -> String {
        ["user", "patient", "action", "from", "to"].compactMap { key in
            guard let value = values[key], !value.isEmpty else { return nil }
            return key + "=" + (value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }.joined(separator: "&")
    }

    private static func day(_ text: String?, _ field: String, _ errors: inout FieldErrors) -> CalendarDate? {
        guard let text = text?.trimmed, !text.isEmpty else { return nil }
        guard let date = CalendarDate(iso: text) else {
            errors.add(field, "Use a date such as 2026-11-22.")
            return nil
        }
        return date
    }
}
