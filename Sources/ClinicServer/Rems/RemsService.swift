import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// What the REMS pages and the API share: finding a session's form (a problem when there is none),
/// auditing each view of it, and recording a submission.
struct RemsService: Sendable {
    let services: ClinicServices
    var repository: RemsRepository { RemsRepository(database: services.database) }

    /// The form of the session named in the path, or a problem: 404 for no such session, 409 for a
    /// session that has no form (not esketamine, not dosed) or a clinic that submits none.
    func document(_ context: StaffRequestContext, clinic: Clinic) async throws -> RemsFormDocument {
        guard let id = context.parameters.get("session").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        let details = try await repository.settingDetails(of: clinic.id)
        guard RemsMonitoringForm.applies(to: clinic.settings.jurisdiction, setting: details) else {
            throw Problem.conflict("REMS monitoring forms apply to outpatient settings in the United States [R21].")
        }
        do {
            guard let document = try await repository.form(of: id, clinic: clinic) else { throw Problem.notFound("There is no such session.") }
            return document
        } catch let unavailable as RemsFormUnavailable {
            throw Problem.conflict(unavailable.reason)
        }
    }

    /// Audits a view of the form: it shows the patient's record.
    func recordView(_ document: RemsFormDocument, context: StaffRequestContext) async throws {
        try await services.audit.record(AuditEvent(.view, entityType: "rems_form", entityID: document.record.session.id.uuidString,
                                                   patientID: document.patient.id,
                                                   summary: "REMS monitoring form of session \(document.record.session.id.uuidString)"),
                                        stamp: context.stamp(at: services.now()))
    }

    /// Parses and records a submission (a correction when one exists, with `reason`); field errors
    /// for bad input, a 409 problem when the record refuses it.
    func submit(submittedOn: String?, channel: String?, confirmation: String?, reason: String?, document: RemsFormDocument,
                clinic: Clinic, context: StaffRequestContext) async throws {
        var submission: RemsSubmission?
        var errors = FieldErrors()
        do {
            submission = try RemsSubmission.parse(submittedOn: submittedOn, channel: channel, confirmation: confirmation,
                                                  treatmentDate: document.form.treatmentDate, today: services.today(for: clinic))
        } catch { errors = error }
        if document.submitted != nil, reason?.trimmed.nilIfEmpty == nil {
            errors.add("reason", "Say why the earlier submission is corrected.")
        }
        try errors.throwIfAny()
        do {
            try await repository.recordSubmission(submission!, for: document.record.session.id, clinic: clinic, reason: reason,
                                                  stamp: context.stamp(at: services.now()))
        } catch let refusal as SessionRefusal {
            throw Problem.conflict(refusal.reason)
        }
    }
}
