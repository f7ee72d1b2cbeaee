import ClinicDomain
import Foundation

extension DemoClinicLoader {
    /// Seats `count` synthetic patients ("Bay N, Loadtest") for an IV session today: registered,
    /// screened, planned, checked in, each in its own chair "Bay N" (added to the clinic's chairs)
    /// with a pre-dose reading. For load tests of the chair board and the gateway API
    /// (bench/run_board_bench.sh); returns the sessions' ids in chair order.
    public func seatLoadTestPatients(_ count: Int, now: Date) async throws -> [UUID] {
        guard count > 0 else { return [] }
        let clinics = SQLClinicRepository(database: database)
        guard let clinic = try await clinics.primaryClinic() else { throw StoredDataError(what: "clinic") }
        let today = CalendarDate(instant: now, in: clinic.settings.resolvedTimeZone)
        let stamp = AuditStamp.system("load test", at: now)
        let patients = SQLPatientRepository(database: database)
        let records = SQLPatientRecordRepository(database: database)
        let plans = TreatmentPlanRepository(database: database)
        let states = TreatmentSessionRepository(database: database)
        let sessionRecords = SessionRecordRepository(database: database)
        let policies = SessionPolicyRepository(database: database)
        var policy = try await policies.policy(of: clinic.id)
        let chairs = (1...count).map { "Bay \($0)" }
        policy.chairs = policy.chairs.filter { !chairs.contains($0) } + chairs
        try await policies.update(policy, of: clinic.id, stamp: stamp)
        var sessions: [UUID] = []
        for (index, chair) in chairs.enumerated() {
            let (scenario, course) = DemoIntakeScenarios.loadTestPatient(index + 1, today: today)
            let patient = try await patients.register(scenario.registration, in: clinic.id, stamp: stamp)
            for item in scenario.items { _ = try await records.add(item, to: patient.id, stamp: stamp) }
            try await planCourse(course, patientID: patient.id, clinicID: clinic.id, today: today, stamp: stamp)
            guard let session = try await plans.sessions(patientID: patient.id).first(where: { $0.date == today }) else {
                throw StoredDataError(what: "load-test session of \(chair)")
            }
            try await states.apply(.checkIn, to: session.id, stamp: stamp)
            try await sessionRecords.append(.chair(chair), to: session.id, stamp: stamp)
            _ = try await sessionRecords.recordReading(VitalReading(systolic: 122, diastolic: 78, heartRate: 70, oxygenSaturation: 98,
                                                                    respiratoryRate: 14),
                                                       takenAt: now, source: .nurse, sessionID: session.id, policy: policy.alerts, stamp: stamp)
            sessions.append(session.id)
        }
        return sessions
    }
}
