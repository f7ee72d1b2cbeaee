import ClinicDomain
import ClinicStorage

extension ClinicServices {
    /// One audited view per patient listed in the REMS queue: their names and sessions were shown.
    func recordQueueViews(_ items: [RemsQueueItem], _ summary: String, context: StaffRequestContext) async throws {
        guard !items.isEmpty else { return }
        try await audit.record(items.map {
            AuditEvent(.view, entityType: "rems_form", entityID: $0.form.sessionID.uuidString, patientID: $0.form.patientID, summary: summary)
        }, stamp: context.stamp(at: now()))
    }
}
