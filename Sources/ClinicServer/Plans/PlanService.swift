import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// Treatment plans, shared by the plan pages and the API: the patient facts a dose depends on,
/// checking a request against the protocol, the record and the screening, and signing it.
struct PlanService: Sendable {
    let services: ClinicServices

    /// The protocol a request names (latest version), or a field error.
    func treatmentProtocol(_ id: String, clinic: Clinic) async throws -> TreatmentProtocol {
        guard let found = try await services.protocols.find(clinicID: clinic.id, id: id.trimmed) else {
            var errors = FieldErrors()
            errors.add("protocolID", "Choose a protocol from the library.")
            throw errors
        }
        return found
    }

    /// `request` checked for the patient of `chart`.
    func review(_ request: TreatmentPlanRequest, protocol treatmentProtocol: TreatmentProtocol, chart: PatientChart,
                clinic: Clinic) async throws -> (TreatmentPlanReview, SignedScreening?) {
        let screening = try await services.screenings.latest(patientID: chart.summary.id)
        let today = services.today(for: clinic)
        let review = TreatmentPlanReview(request, protocol: treatmentProtocol,
                                         patient: PlanPatient(record: chart.record, on: request.start ?? today),
                                         screening: screening, recordRevision: chart.revision, today: today,
                                         workingDays: clinic.settings.workingDays,
                                         currentPlan: try await services.plans.latest(patientID: chart.summary.id))
        return (review, screening)
    }

    /// Signs `request` when its review is ready; otherwise throws the review's field errors.
    /// `revision` is the record revision the prescriber reviewed; it is required.
    func sign(_ request: TreatmentPlanRequest, chart: PatientChart, revision: Int64?, clinic: Clinic,
              context: StaffRequestContext) async throws -> TreatmentPlan {
        let treatmentProtocol = try await treatmentProtocol(request.protocolID, clinic: clinic)
        let (review, screening) = try await review(request, protocol: treatmentProtocol, chart: chart, clinic: clinic)
        var errors = review.errors
        if revision == nil {
            errors.add("recordRevision", "Give the record revision you reviewed (recordRevision), so a change made meanwhile is not signed unseen.")
        } else if revision != chart.revision {
            errors.add("recordRevision", "The record changed while you were planning; check the plan again and sign.")
        }
        guard errors.isEmpty, review.isReadyToSign, let screening else { throw errors }
        do {
            return try await services.plans.sign(patientID: chart.summary.id, recordRevision: chart.revision, request: request,
                                                 review: review, screeningVersion: screening.version,
                                                 stamp: context.stamp(at: services.now()))
        } catch is RecordChangedError {
            var changed = FieldErrors()
            changed.add("recordRevision", "The record changed while you were planning; check the plan again and sign.")
            throw changed
        } catch is PlanChangedError {
            var changed = FieldErrors()
            changed.add("recordRevision", "Another treatment plan was signed for this patient meanwhile; check the plan again and sign.")
            throw changed
        }
    }

    /// The signed version named in the path, with a view entry in the trail; 404 when there is none.
    func signedVersion(_ context: StaffRequestContext, chart: PatientChart, via channel: String) async throws -> TreatmentPlan {
        guard let number = context.parameters.get("version").flatMap(Int.init),
              let plan = try await services.plans.find(patientID: chart.summary.id, version: number) else {
            throw Problem.notFound("This patient has no treatment plan with that version.")
        }
        try await services.recordView(of: chart, "treatment_plan", entityID: plan.id.uuidString, "\(channel)treatment plan version \(number)", context: context)
        return plan
    }
}

extension TreatmentPlanRequest {
    /// A request from form or query fields: `protocolID`, `start`, `sessions`, `mgPerKg` or
    /// `devices`, `minutes`, `frequency0`…, `limitReason`, `note`. Unreadable numbers become
    /// field errors; with no `sessions` the protocol's default count is used.
    static func parse(_ fields: [String: String], protocol treatmentProtocol: TreatmentProtocol) throws(FieldErrors) -> TreatmentPlanRequest {
        var errors = FieldErrors()
        func number(_ name: String) -> Double? { DoseRequestFields.number(name, in: fields, &errors) }
        let startText = fields["start"]?.trimmed ?? ""
        let start = CalendarDate(iso: startText)
        if start == nil { errors.add("start", "Enter the first session's date as YYYY-MM-DD.") }
        var count = treatmentProtocol.schedule.defaultSessionCount
        if let sessions = number("sessions") {
            if let whole = Int(exactly: sessions) { count = whole } else { errors.add("sessions", "Enter a whole number of sessions.") }
        }
        var frequencies: [CourseFrequency] = []
        for index in treatmentProtocol.schedule.phases.indices {
            guard let code = fields["frequency\(index)"], !code.trimmed.isEmpty else {
                frequencies.append(treatmentProtocol.schedule.phases[index].frequency)
                continue
            }
            if let frequency = CourseFrequency(code: code) { frequencies.append(frequency) } else {
                errors.add("frequency\(index)", "Choose a frequency.")
            }
        }
        let target: PlanDoseTarget
        if treatmentProtocol.esketamine != nil {
            let devices = number("devices") ?? 2
            if Int(exactly: devices) == nil { errors.add("devices", "Choose 1, 2 or 3 devices.") }
            target = .devices(Int(exactly: devices) ?? 2)
        } else {
            target = .mgPerKg(number("mgPerKg") ?? treatmentProtocol.weightBased?.mgPerKg ?? 0.5)
        }
        let minutes = number("minutes")
        try errors.throwIfAny()
        return TreatmentPlanRequest(protocolID: treatmentProtocol.id, start: start, sessionCount: count, frequencies: frequencies,
                                    target: target, minutes: minutes, limitReason: fields["limitReason"],
                                    titrationReason: fields["titrationReason"], note: fields["note"])
    }
}
