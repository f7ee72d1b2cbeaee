import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// Good Faith Estimates on the patient's account page and in the API: one form reader for both.
extension BillingController {
    @Sendable func addEstimate(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context.parameters.get("patient"), clinic: clinic)
        let fields = try await WebResponses.formFields(of: request)
        do {
            let estimate = try await EstimateForm.record(fields, requested: fields["requested"] == "on", patientID: patient.id, services: services,
                                                         clinic: clinic)
            try await GoodFaithEstimateRepository(database: services.database).record(estimate, clinicID: clinic.id, stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/billing/patients/\(patient.id.uuidString.lowercased())",
                                         flash: Flash(.success, "Good Faith Estimate of \(estimate.total) recorded"
                                                      + (estimate.givenLate ? "; it was given after the day it was due." : ".")))
        } catch let errors as FieldErrors {
            return try await accountPage(request, context: context, values: [:], errors: FieldErrors(), estimateValues: fields, estimateErrors: errors,
                                         status: .unprocessableContent)
        }
    }
}

extension BillingAPIController {
    /// An estimate as sent.
    struct EstimateBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["sessions", "codes", "firstServiceOn", "lastServiceOn", "scheduledOn", "requested", "givenOn"]
        let sessions: Int
        let codes: [String]
        let firstServiceOn: String
        let lastServiceOn: String
        let scheduledOn: String
        let requested: Bool?
        let givenOn: String?
    }

    @Sendable func estimates(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context, clinic: clinic)
        let standings = try await GoodFaithEstimateRepository(database: services.database).standings(of: patient.id, clinicID: clinic.id)
        try await services.audit.record(AuditEvent(.view, entityType: "good_faith_estimate", entityID: patient.id.uuidString, patientID: patient.id,
                                                   summary: "API Good Faith Estimates"), stamp: context.stamp(at: services.now()))
        return try APIResponse.json(APIResources.Items(standings))
    }

    @Sendable func addEstimate(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context, clinic: clinic)
        let body = try await StrictJSON.decode(EstimateBody.self, from: request)
        let fields = ["sessions": String(body.sessions), "codes": body.codes.joined(separator: " "), "firstServiceOn": body.firstServiceOn,
                      "lastServiceOn": body.lastServiceOn, "scheduledOn": body.scheduledOn, "givenOn": body.givenOn ?? ""]
        let estimate = try await EstimateForm.record(fields, requested: body.requested ?? false, patientID: patient.id, services: services, clinic: clinic)
        try await GoodFaithEstimateRepository(database: services.database).record(estimate, clinicID: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(estimate, status: .created)
    }
}

/// Reads an estimate's fields (dates YYYY-MM-DD, codes as staff type them) into a validated record.
enum EstimateForm {
    static func record(_ fields: [String: String], requested: Bool, patientID: UUID, services: ClinicServices, clinic: Clinic) async throws
        -> GoodFaithEstimateRecord {
        let today = services.today(for: clinic)
        var errors = FieldErrors()
        let sessions = Int((fields["sessions"] ?? "").trimmingCharacters(in: .whitespaces))
        if sessions == nil { errors.add("sessions", "Enter the sessions planned as a whole number.") }
        let lines = GoodFaithEstimate.lines(fields["codes"] ?? "")
        if lines == nil { errors.add("codes", "Name 1 to 12 codes or services per session, e.g. 96365 J3490 (units: 96366x1).") }
        var days: [String: CalendarDate] = [:]
        for name in ["firstServiceOn", "lastServiceOn", "scheduledOn"] {
            if (fields[name] ?? "").isEmpty { errors.add(name, "Enter the day.") }
            days[name] = BillingAPIController.date(fields[name], name, &errors)
        }
        let given = BillingAPIController.date(fields["givenOn"], "givenOn", &errors) ?? today
        try errors.throwIfAny()
        return try GoodFaithEstimateRecord.make(patientID: patientID, sessions: sessions!, lines: lines!, firstServiceOn: days["firstServiceOn"]!,
                                                lastServiceOn: days["lastServiceOn"]!, scheduledOn: days["scheduledOn"]!, requested: requested,
                                                givenOn: given, fees: try await BillingRepository(database: services.database).feeSchedule(of: clinic.id),
                                                today: today)
    }
}
