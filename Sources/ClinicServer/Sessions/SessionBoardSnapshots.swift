import ClinicDomain
import ClinicStorage
import Foundation

/// Builds the chair board from the sessions under care: one card per session, by chair.
struct SessionBoardSnapshots: BoardSnapshotSource {
    let clinics: any ClinicRepository
    let patients: any PatientRepository
    let records: SessionRecordRepository
    let policies: SessionPolicyRepository

    /// Every active session's card at `now`.
    func snapshot(now: Date) async throws -> BoardSnapshot {
        guard let clinic = try await clinics.primaryClinic() else { return BoardSnapshot(generatedAt: now, cards: []) }
        let policy = try await policies.policy(of: clinic.id)
        var cards: [ChairCard] = []
        for record in try await records.activeRecords() {
            guard let patient = try await patients.find(record.session.patientID, in: clinic.id) else { continue }
            cards.append(Self.card(record, patient: patient, policy: policy, now: now))
        }
        let order = Dictionary(uniqueKeysWithValues: policy.chairs.enumerated().map { ($1, $0) })
        cards.sort { lhs, rhs in
            let left = lhs.chair.flatMap { order[$0] } ?? Int.max, right = rhs.chair.flatMap { order[$0] } ?? Int.max
            if left != right { return left < right }
            return (lhs.checkedInAt ?? .distantFuture) < (rhs.checkedInAt ?? .distantFuture)
        }
        return BoardSnapshot(generatedAt: now, cards: cards)
    }

    /// One session's card.
    static func card(_ record: TreatmentSessionRecord, patient: PatientSummary, policy: SessionPolicy, now: Date) -> ChairCard {
        let points = record.requiredPoints(schedule: policy.monitoringSchedule(for: record.treatment), now: now)
        return ChairCard(
            sessionID: record.session.id, patientID: patient.id, patientName: patient.listName, chair: record.chair,
            state: record.session.state, route: record.treatment == .esketamine ? "intranasal" : (record.treatment == .imKetamine ? "intramuscular" : "intravenous"),
            doseSummary: record.plannedDoseSummary, checkedInAt: record.checkedInAt, doseStartedAt: record.doseStartedAt,
            doseEndedAt: record.doseEndedAt, plannedInfusionMinutes: record.plannedInfusionMinutes,
            infusionProgress: record.infusionProgress(now: now), paused: record.isPaused,
            lastReading: record.latestReading.map { .init(takenAt: $0.takenAt, values: $0.values) },
            duePoints: points.filter { $0.status == .due }.map(\.label),
            overduePoints: points.filter { $0.status == .overdue }.map(\.label),
            openAlerts: record.openAlerts.map {
                .init(alert: .init(id: $0.id, code: $0.code, message: $0.message), raisedAt: $0.raisedAt, escalatedAt: $0.escalatedAt)
            },
            observation: record.observationClock(policy: policy),
            recentReadings: record.readings.suffix(ChairCard.recentLimit).map { .init(takenAt: $0.takenAt, values: $0.values) })
    }
}
