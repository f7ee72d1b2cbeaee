import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Protocol library and treatment plans in storage")
struct TreatmentPlanRepositoryTests {
    private struct Setup {
        let clinic: Clinic
        let patient: PatientSummary
        let records: SQLPatientRecordRepository
        let screenings: ScreeningRepository
        let plans: TreatmentPlanRepository
    }

    private func setUp(_ database: ClinicDatabase) async throws -> Setup {
        let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
        let patient = try await SQLPatientRepository(database: database)
            .register(Fixtures.registration(), in: clinic.id, stamp: Fixtures.stamp)
        return Setup(clinic: clinic, patient: patient, records: SQLPatientRecordRepository(database: database),
                     screenings: ScreeningRepository(database: database), plans: TreatmentPlanRepository(database: database))
    }

    /// Records a weight, signs a screening, and reviews an IV plan of `mgPerKg`.
    private func review(_ s: Setup, mgPerKg: Double = 0.5, reason: String? = nil)
        async throws -> (TreatmentPlanRequest, TreatmentPlanReview, PatientChart, SignedScreening) {
        _ = try await s.records.add(WeightMeasurement(kilograms: 70, measuredOn: Fixtures.today), to: s.patient.id, stamp: Fixtures.stamp)
        let chart = try #require(try await s.records.chart(s.patient.id, in: s.clinic.id))
        let result = ScreeningEngine.evaluate(chart.record, policy: .defaults, jurisdiction: Jurisdiction(code: "US")!, today: Fixtures.today)
        let resistance = TreatmentResistanceCalculator.assess(trials: [], episode: nil, policy: .defaults, today: Fixtures.today)
        let screening = try await s.screenings.sign(patientID: s.patient.id, record: chart.record, recordRevision: chart.revision,
                                                    result: result, review: ScreeningReview(), resistance: resistance, stamp: Fixtures.stamp)
        let request = TreatmentPlanRequest(protocolID: "iv-ketamine-standard", start: Fixtures.today.adding(days: 1), sessionCount: 6,
                                           target: .mgPerKg(mgPerKg), limitReason: reason)
        let review = TreatmentPlanReview(request, protocol: ProtocolLibrary.ivStandard, patient: PlanPatient(weight: Kilograms(70)),
                                         screening: screening, recordRevision: chart.revision, today: Fixtures.today,
                                         workingDays: Weekday.mondayToFriday)
        return (request, review, chart, screening)
    }

    @Test("An edit is the next version; the built-in is version 1; a stale edit is refused", arguments: TestDatabases.engines)
    func protocolVersions(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let protocols = ProtocolRepository(database: database)
            #expect(try await protocols.library(clinicID: s.clinic.id).map(\.id) == ProtocolLibrary.builtIn.map(\.id))
            var edited = ProtocolLibrary.ivStandard
            edited.weightBased?.limits.softMaximumMgPerKg = 0.6
            let saved = try await protocols.save(edited, basedOnVersion: 1, clinicID: s.clinic.id, reason: "tighter soft limit",
                                                 stamp: Fixtures.stamp)
            #expect(saved.version == 2)
            #expect(try await protocols.find(clinicID: s.clinic.id, id: edited.id)?.weightBased?.limits.softMaximumMgPerKg == 0.6)
            #expect(try await protocols.find(clinicID: s.clinic.id, id: edited.id, version: 1) == ProtocolLibrary.ivStandard)
            let versions = try await protocols.versions(clinicID: s.clinic.id, id: edited.id)
            #expect(versions.map(\.treatmentProtocol.version) == [1, 2])
            #expect(versions.last?.reason == "tighter soft limit")
            await #expect(throws: ProtocolVersionConflict.self) {
                try await protocols.save(edited, basedOnVersion: 1, clinicID: s.clinic.id, reason: "again", stamp: Fixtures.stamp)
            }
            var custom = ProtocolLibrary.ivSlow
            custom.id = "iv-ketamine-60"
            custom.name = "IV ketamine over 60 min"
            custom.isCustom = true
            #expect(try await protocols.save(custom, basedOnVersion: nil, clinicID: s.clinic.id, reason: "new", stamp: Fixtures.stamp).version == 1)
            #expect(try await protocols.library(clinicID: s.clinic.id).last?.id == "iv-ketamine-60")
            await #expect(throws: (any Error).self) {
                try await database.write { db in try await db.raw("UPDATE treatment_protocols SET reason = 'x'").run() }
            }
        }
    }

    @Test("Signing stores the plan and schedules its sessions; a new plan supersedes and cancels the old sessions",
          arguments: TestDatabases.engines)
    func signAndSupersede(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let (request, review, chart, screening) = try await review(s)
            #expect(review.isReadyToSign, "\(review.errors)")
            let plan = try await s.plans.sign(patientID: s.patient.id, recordRevision: chart.revision, request: request, review: review,
                                              screeningVersion: screening.version, stamp: Fixtures.stamp)
            #expect(plan.version == 1)
            #expect(plan.dose?.pumpRateMlPerHour == 151.1)
            #expect(try await s.plans.latest(patientID: s.patient.id) == plan, "the signed plan reads back exactly")
            let sessions = try await s.plans.sessions(patientID: s.patient.id)
            #expect(sessions.count == 6)
            #expect(sessions.allSatisfy { $0.state == .scheduled && $0.planID == plan.id })
            #expect(try await s.plans.sessions(on: sessions[0].date).count == 1)

            await #expect(throws: PlanChangedError.self, "a review made before plan 1 cannot supersede it") {
                try await s.plans.sign(patientID: s.patient.id, recordRevision: chart.revision, request: request, review: review,
                                       screeningVersion: screening.version, stamp: Fixtures.stamp)
            }
            let again = TreatmentPlanReview(request, protocol: ProtocolLibrary.ivStandard, patient: PlanPatient(weight: Kilograms(70)),
                                            screening: screening, recordRevision: chart.revision, today: Fixtures.today,
                                            workingDays: Weekday.mondayToFriday, currentPlan: plan)
            let second = try await s.plans.sign(patientID: s.patient.id, recordRevision: chart.revision, request: request, review: again,
                                                screeningVersion: screening.version, stamp: Fixtures.stamp)
            #expect(second.version == 2 && second.supersedes == plan.id)
            let after = try await s.plans.sessions(patientID: s.patient.id)
            #expect(after.filter { $0.planID == plan.id }.allSatisfy { $0.state == .cancelled })
            #expect(after.filter { $0.planID == second.id && $0.state == .scheduled }.count == 6)
            #expect(try await s.plans.list(patientID: s.patient.id).map(\.version) == [2, 1])
            await #expect(throws: (any Error).self) {
                try await database.write { db in try await db.raw("DELETE FROM treatment_plans").run() }
            }
        }
    }

    @Test("A soft-limit reason lands in the audit trail; a changed record refuses the signature", arguments: TestDatabases.engines)
    func softLimitAuditAndStale(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let (request, review, chart, screening) = try await review(s, mgPerKg: 0.8, reason: "partial response at 0.75 mg/kg")
            #expect(review.isReadyToSign, "\(review.errors)")
            _ = try await s.plans.sign(patientID: s.patient.id, recordRevision: chart.revision, request: request, review: review,
                                       screeningVersion: screening.version, stamp: Fixtures.stamp)
            let entries = try await AuditTrail(database: database).page(AuditFilter(patientID: s.patient.id, action: .override), limit: 10)
            #expect(entries.contains { $0.event.entityType == "treatment_plan" && $0.event.summary.contains("partial response at 0.75 mg/kg")
                && $0.event.summary.contains("soft-limit-dose-high") })

            _ = try await s.records.add(Allergy(substance: "latex"), to: s.patient.id, stamp: Fixtures.stamp)
            await #expect(throws: RecordChangedError.self) {
                try await s.plans.sign(patientID: s.patient.id, recordRevision: chart.revision, request: request, review: review,
                                       screeningVersion: screening.version, stamp: Fixtures.stamp)
            }
        }
    }

    @Test("Working days are stored with the clinic's settings", arguments: TestDatabases.engines)
    func workingDays(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let clinics = SQLClinicRepository(database: database)
            let clinic = try await clinics.ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
            #expect(clinic.settings.workingDays == Weekday.mondayToFriday)
            var settings = clinic.settings
            settings.workingDays = [.tuesday, .saturday]
            _ = try await clinics.updateSettings(of: clinic.id, to: settings, stamp: Fixtures.stamp)
            #expect(try await clinics.primaryClinic()?.settings.workingDays == [.tuesday, .saturday])
        }
    }

    @Test("A session moves through its states with each change stored and audited; a refused event changes nothing",
          arguments: TestDatabases.engines)
    func sessionTransitions(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let s = try await setUp(database)
            let (request, review, chart, screening) = try await review(s)
            _ = try await s.plans.sign(patientID: s.patient.id, recordRevision: chart.revision, request: request, review: review,
                                       screeningVersion: screening.version, stamp: Fixtures.stamp)
            let session = try #require(try await s.plans.sessions(patientID: s.patient.id).first)
            let sessions = TreatmentSessionRepository(database: database)
            #expect(try await sessions.apply(.checkIn, to: session.id, stamp: Fixtures.stamp) == .checkedIn)
            await #expect(throws: SessionRefusal.self) {
                try await sessions.apply(.startDosing(checklistPassed: true, override: nil), to: session.id, stamp: Fixtures.stamp)
            }
            try await sessions.apply(.beginChecks, to: session.id, stamp: Fixtures.stamp)
            await #expect(throws: SessionRefusal.self, "the checklist has not passed") {
                try await sessions.apply(.startDosing(checklistPassed: false, override: nil), to: session.id, stamp: Fixtures.stamp)
            }
            let override = SessionOverride(byName: "Dr P", byPrescriber: true, reason: "BP 146/92 is her usual; benefit outweighs risk")
            #expect(try await sessions.apply(.startDosing(checklistPassed: false, override: override), to: session.id,
                                             stamp: Fixtures.stamp) == .dosing)
            let transitions = try await sessions.transitions(of: session.id)
            #expect(transitions.map(\.to) == [.checkedIn, .preTreatmentChecks, .dosing])
            #expect(transitions.last?.override == override && transitions.map(\.sequence) == [1, 2, 3])
            #expect(try await s.plans.sessions(patientID: s.patient.id).first { $0.id == session.id }?.state == .dosing)
            let overrides = try await AuditTrail(database: database).page(AuditFilter(patientID: s.patient.id, action: .override), limit: 5)
            #expect(overrides.contains { $0.event.entityType == "treatment_session" && $0.event.summary.contains("benefit outweighs risk") })
            await #expect(throws: (any Error).self) {
                try await database.write { db in try await db.raw("DELETE FROM treatment_session_events").run() }
            }
        }
    }
}
