import ClinicDomain
import ClinicStorage
import Foundation

/// Closes sessions the way the treatment room does, with the clock moving.
public enum BillingSessions {
    public static func stamp(_ minutes: Double) -> AuditStamp {
        AuditStamp.system("test", at: Fixtures.now.addingTimeInterval(minutes * 60), requestID: "test")
    }

    public static func details(doseMg: Double, iv: Bool) -> AdministrationDetails {
        AdministrationDetails(product: iv ? "Ketamine hydrochloride 50 mg/mL" : "Spravato 28 mg", lotNumber: "L1",
                              expiry: CalendarDate(year: 2027, month: 6, day: 1)!, concentrationMgPerMl: iv ? 50 : nil, doseMg: doseMg,
                              route: iv ? "intravenous" : "intranasal", pumpRateMlPerHour: iv ? 10 : nil, administeredBy: "Kim", checkedBy: "Lee")
    }

    /// A session of `treatment` dosed with `doseMg` for `minutes` and discharged; the patient's
    /// chart carries F33.2. Returns the patient, the clinic and the session.
    public static func discharged(_ database: ClinicDatabase, treatment: Treatment, doseMg: Double, minutes: Double,
                           given: String = "Ada") async throws -> (PatientSummary, UUID, UUID, SessionEntry) {
        let (patient, sessionID) = try await SessionFixtures.plannedSession(database, treatment: treatment, given: given)
        let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
        _ = try await SQLPatientRecordRepository(database: database).add(Diagnosis(icd10: "F33.2"), to: patient.id, stamp: Fixtures.stamp)
        let administration = try await close(database, sessionID: sessionID, treatment: treatment, doseMg: doseMg, minutes: minutes)
        return (patient, clinic.id, sessionID, administration)
    }

    /// Runs a planned session from check-in to discharge, dosed with `doseMg` for `minutes`.
    @discardableResult
    public static func close(_ database: ClinicDatabase, sessionID: UUID, treatment: Treatment, doseMg: Double, minutes: Double) async throws -> SessionEntry {
        let states = TreatmentSessionRepository(database: database)
        let records = SessionRecordRepository(database: database)
        try await states.apply(.checkIn, to: sessionID, stamp: stamp(0))
        try await states.apply(.beginChecks, to: sessionID, stamp: stamp(1))
        let administration = try await records.append(.administration(details(doseMg: doseMg, iv: treatment == .ivKetamine)), to: sessionID,
                                                      stamp: stamp(2))
        try await states.apply(.startDosing(checklistPassed: true, override: nil), to: sessionID, stamp: stamp(5))
        try await states.apply(.endDosing, to: sessionID, stamp: stamp(5 + minutes))
        try await states.apply(.markReadyForDischarge(criteriaMet: true, override: nil), to: sessionID, stamp: stamp(130 + minutes))
        try await states.apply(.discharge(requiredPointsComplete: true, override: nil), to: sessionID, stamp: stamp(131 + minutes))
        return administration
    }

    /// The prices the tests use.
    public static func priceSchedule(_ billing: BillingRepository, clinicID: UUID) async throws {
        let from = CalendarDate(year: 2026, month: 1, day: 1)!
        for (code, system, price, selfPay) in [("G2082", CodeSystem.hcpcs, Int64(90_000), Int64(70_000)), ("G2083", .hcpcs, 128_000, 95_000),
                                                ("J0013", .hcpcs, 2_000, 1_500), ("96365", .cpt, 45_000, 40_000), ("96366", .cpt, 15_000, 10_000),
                                                ("J3490", .hcpcs, 5_000, 5_000)] {
            try await billing.addFeeItem(FeeScheduleItem(service: code, system: system, code: code, price: Cents(price), selfPayPrice: Cents(selfPay),
                                                         validFrom: from), to: clinicID, stamp: Fixtures.stamp)
        }
    }
}
