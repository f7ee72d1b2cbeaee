import ClinicDomain
import ClinicStorage
import Foundation
import SQLKit
import Testing
import TestSupport

@Suite("Controlled-substance register in storage: entries, kept balances, reconciliation, counts, concurrency")
struct RegisterRepositoryTests {
    static let stamp = Fixtures.stamp
    static let witness = ConfirmingPerson(userID: UUID(), displayName: "Witness Nurse", email: "witness@test.clinic", role: .nurse)
    static var signature: RegisterSignature { RegisterSignature(stamp: stamp, name: "Drawing Nurse") }
    static var witnessed: RegisterSignature { RegisterSignature(stamp: stamp, name: "Drawing Nurse", witness: witness) }
    static func mg(_ value: Double) -> RegisterAmount { RegisterAmount(milligrams: value)! }

    /// A clinic register with a 50 mg/mL, 10 mL vial [R32] and a 28 mg device [R14], a safe and a cabinet.
    static func setUp(_ database: ClinicDatabase) async throws -> (clinic: Clinic, vial: RegisterProduct, device: RegisterProduct, safe: RegisterLocation,
                                                                    cabinet: RegisterLocation) {
        let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
        let register = RegisterRepository(database: database)
        let vial = try await register.addProduct(RegisterProduct(name: "Ketamine 50 mg/mL, 10 mL", substance: .ketamine, form: .multiDoseVial,
                                                                 perUnit: mg(500), concentrationMicrogramsPerMl: 50_000), clinicID: clinic.id, stamp: stamp)
        let device = try await register.addProduct(RegisterProduct(name: "Spravato 28 mg", substance: .esketamine, form: .device, perUnit: mg(28),
                                                                   concentrationMicrogramsPerMl: nil), clinicID: clinic.id, stamp: stamp)
        let safe = try await register.addLocation(name: "Safe", kind: .safe, clinicID: clinic.id, stamp: stamp)
        let cabinet = try await register.addLocation(name: "Cabinet", kind: .cabinet, clinicID: clinic.id, stamp: stamp)
        return (clinic, vial, device, safe, cabinet)
    }

    /// A session checked in and in pre-treatment checks, its administration of `dose` mg recorded.
    static func openSession(_ database: ClinicDatabase, treatment: Treatment, dose: Double, given: String = "Ada") async throws -> UUID {
        let (_, sessionID) = try await SessionFixtures.plannedSession(database, treatment: treatment, given: given)
        let states = TreatmentSessionRepository(database: database)
        try await states.apply(.checkIn, to: sessionID, stamp: stamp)
        try await states.apply(.beginChecks, to: sessionID, stamp: stamp)
        try await SessionRecordRepository(database: database).append(.administration(AdministrationDetails(
            product: "Ketamine", lotNumber: "K1", expiry: Fixtures.today.adding(days: 100), concentrationMgPerMl: 50, doseMg: dose,
            route: treatment == .esketamine ? "intranasal" : "intravenous", pumpRateMlPerHour: 50, administeredBy: "A", checkedBy: "B")),
            to: sessionID, stamp: stamp)
        return sessionID
    }

    @Test("Receive → draw (opens a vial) → witnessed waste → reconciled; every balance kept matches the full register; audit holds",
          arguments: TestDatabases.engines)
    func drawAndWaste(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (clinic, vial, _, safe, _) = try await Self.setUp(database)
            let register = RegisterRepository(database: database)
            let receipt = try await register.receive(productID: vial.id, lotNumber: "K1", expiry: Fixtures.today.adding(days: 200), units: 4,
                                                     locationID: safe.id, supplier: "Wholesaler", orderReference: "CSOS 1", clinicID: clinic.id,
                                                     today: Fixtures.today, signature: Self.signature)
            #expect(receipt.sequence == 1 && receipt.balanceUnits == 4 && receipt.balanceAmount == Self.mg(2000))
            let sessionID = try await Self.openSession(database, treatment: .ivKetamine, dose: 35)
            let sealed = try #require(try await register.stock(clinicID: clinic.id).first)
            let draw = try await register.draw(lineID: sealed.id, amount: Self.mg(37), sessionID: sessionID, clinicID: clinic.id, timeZone: .gmt,
                                               signature: Self.signature)
            #expect(draw.amountOut == Self.mg(37) && draw.balanceAmount == Self.mg(1963) && draw.balanceUnits == 4, "the opened vial still counts")
            let lines = try await register.stock(clinicID: clinic.id)
            #expect(lines.contains { $0.kind == .opened && $0.amount == Self.mg(463) && $0.units == 1 })
            #expect(lines.contains { $0.kind == .sealed && $0.units == 3 })
            let record = try #require(try await SessionRecordRepository(database: database).record(of: sessionID))
            #expect(try await register.reconciliation(of: record)?.unaccounted == Self.mg(2))
            // A waste larger than what is unaccounted for, and a witness who drew, are refused; nothing changes.
            await #expect(throws: RegisterRefusal.self) {
                try await register.waste(drawID: draw.id, amount: Self.mg(5), reason: nil, clinicID: clinic.id, signature: Self.witnessed)
            }
            await #expect(throws: RegisterRefusal.self) {
                try await register.waste(drawID: draw.id, amount: Self.mg(2), reason: nil, clinicID: clinic.id, signature: Self.signature)
            }
            let waste = try await register.waste(drawID: draw.id, amount: Self.mg(2), reason: "expelled", clinicID: clinic.id, signature: Self.witnessed)
            #expect(waste.wasted == Self.mg(2) && waste.balanceAmount == Self.mg(1963) && waste.witnessName == "Witness Nurse (nurse)")
            #expect(try await register.reconciliation(of: record)?.isReconciled == true)
            let verification = try await register.verify()
            #expect(verification.isIntact, "\(verification.problems)")
            #expect(verification.entriesChecked == 3)
            #expect(try await AuditTrail(database: database).verify().firstBreak == nil)
            let audited = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM audit_entries WHERE entity_type = 'register_movement'").first()?.decode(column: "n", as: Int.self)
            }
            #expect(audited == 3)
        }
    }

    @Test("Entries and their line changes are append-only: UPDATE and DELETE are refused", arguments: TestDatabases.engines)
    func appendOnly(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (clinic, vial, _, safe, _) = try await Self.setUp(database)
            _ = try await RegisterRepository(database: database).receive(
                productID: vial.id, lotNumber: "K1", expiry: Fixtures.today.adding(days: 200), units: 1, locationID: safe.id, supplier: "W",
                orderReference: "1", clinicID: clinic.id, today: Fixtures.today, signature: Self.signature)
            for statement in ["UPDATE register_movements SET units_in = 99", "DELETE FROM register_movements", "UPDATE register_line_changes SET units = 9"] {
                await #expect(throws: (any Error).self, "\(statement)") {
                    try await database.write { db in try await db.raw(SQLQueryString(statement)).run() }
                }
            }
        }
    }

    @Test("The discharge hard stop: an unreconciled draw refuses discharge; once wasted, the patient may leave", arguments: TestDatabases.engines)
    func dischargeStop(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (clinic, vial, _, safe, _) = try await Self.setUp(database)
            let register = RegisterRepository(database: database)
            try await register.receive(productID: vial.id, lotNumber: "K1", expiry: Fixtures.today.adding(days: 200), units: 1, locationID: safe.id,
                                       supplier: "W", orderReference: "1", clinicID: clinic.id, today: Fixtures.today, signature: Self.signature)
            let sessionID = try await Self.openSession(database, treatment: .ivKetamine, dose: 35)
            let states = TreatmentSessionRepository(database: database)
            for event: SessionEvent in [.startDosing(checklistPassed: true, override: nil), .endDosing, .markReadyForDischarge(criteriaMet: true, override: nil)] {
                try await states.apply(event, to: sessionID, stamp: Self.stamp)
            }
            await #expect(throws: SessionRefusal.self, "dosed with nothing drawn while the register holds ketamine") {
                try await states.apply(.discharge(requiredPointsComplete: true, override: nil), to: sessionID, stamp: Self.stamp)
            }
            let line = try #require(try await register.stock(clinicID: clinic.id).first)
            let draw = try await register.draw(lineID: line.id, amount: Self.mg(40), sessionID: sessionID, clinicID: clinic.id, timeZone: .gmt,
                                               signature: Self.signature)
            let override = SessionOverride(byName: "Dr A", byPrescriber: true, reason: "escort waiting outside, must leave")
            do {
                try await states.apply(.discharge(requiredPointsComplete: true, override: override), to: sessionID, stamp: Self.stamp)
                Issue.record("an override must not pass an unreconciled draw")
            } catch let refusal as SessionRefusal {
                #expect(refusal.reason.contains("5 mg is unaccounted for"))
            }
            try await register.waste(drawID: draw.id, amount: Self.mg(5), reason: nil, clinicID: clinic.id, signature: Self.witnessed)
            #expect(try await states.apply(.discharge(requiredPointsComplete: true, override: nil), to: sessionID, stamp: Self.stamp) == .discharged)
            // A closed session draws nothing more.
            await #expect(throws: RegisterRefusal.self) {
                try await register.draw(lineID: line.id, amount: Self.mg(1), sessionID: sessionID, clinicID: clinic.id, timeZone: .gmt, signature: Self.signature)
            }
        }
    }

    @Test("Two users draw the last device at the same moment from two app instances: exactly one succeeds", arguments: TestDatabases.engines)
    func lastVialRace(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (clinic, _, device, safe, _) = try await Self.setUp(database)
            let register = RegisterRepository(database: database)
            try await register.receive(productID: device.id, lotNumber: "S1", expiry: Fixtures.today.adding(days: 200), units: 2, locationID: safe.id,
                                       supplier: "W", orderReference: "1", clinicID: clinic.id, today: Fixtures.today, signature: Self.signature)
            let first = try await Self.openSession(database, treatment: .esketamine, dose: 56, given: "Ada")
            let second = try await Self.openSession(database, treatment: .esketamine, dose: 56, given: "Bea")
            let line = try #require(try await register.stock(clinicID: clinic.id).first)
            // A second instance: its own pools and writer over the same database.
            let other = try ClinicDatabase(location: database.location, poolSize: 2, logger: TestDatabases.quietLogger)
            let otherRegister = RegisterRepository(database: other)
            async let a: Result<RegisterMovement, any Error> = { () async -> Result<RegisterMovement, any Error> in
                do { return .success(try await register.draw(lineID: line.id, amount: Self.mg(56), sessionID: first, clinicID: clinic.id,
                                                            timeZone: .gmt, signature: Self.signature)) } catch { return .failure(error) }
            }()
            async let b: Result<RegisterMovement, any Error> = { () async -> Result<RegisterMovement, any Error> in
                do { return .success(try await otherRegister.draw(lineID: line.id, amount: Self.mg(56), sessionID: second, clinicID: clinic.id,
                                                                 timeZone: .gmt, signature: Self.signature)) } catch { return .failure(error) }
            }()
            let results = await [a, b]
            await other.shutDown()
            let succeeded = results.filter { if case .success = $0 { true } else { false } }
            #expect(succeeded.count == 1, "\(results)")
            // The loser is refused by the register, or (two SQLite writers over one file) finds the
            // file locked and writes nothing: either way exactly one draw exists.
            for case .failure(let error) in results {
                #expect(error is RegisterRefusal || DatabaseFault(classifying: error) == .locked, "\(error)")
            }
            let balances = try await register.balances(clinicID: clinic.id)
            #expect(balances.first { $0.product.id == device.id }?.units == 0)
            #expect(try await register.verify().isIntact)
        }
    }

    @Test("A count by two people opens a discrepancy; an administrator closes it as a loss, which brings the register to the count",
          arguments: TestDatabases.engines)
    func countsAndDiscrepancies(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (clinic, vial, device, safe, cabinet) = try await Self.setUp(database)
            let register = RegisterRepository(database: database)
            try await register.receive(productID: vial.id, lotNumber: "K1", expiry: Fixtures.today.adding(days: 200), units: 3, locationID: safe.id,
                                       supplier: "W", orderReference: "1", clinicID: clinic.id, today: Fixtures.today, signature: Self.signature)
            try await register.receive(productID: device.id, lotNumber: "S1", expiry: Fixtures.today.adding(days: 200), units: 6, locationID: safe.id,
                                       supplier: "W", orderReference: "2", clinicID: clinic.id, today: Fixtures.today, signature: Self.signature)
            let devices = try #require(try await register.stock(clinicID: clinic.id).first { $0.productID == device.id })
            try await register.transfer(lineID: devices.id, units: 2, toLocationID: cabinet.id, clinicID: clinic.id, signature: Self.signature)
            let lines = try await register.stock(clinicID: clinic.id)
            #expect(lines.count == 3)
            var counted: [UUID: (units: String?, amountMg: String?)] = [:]
            for line in lines { counted[line.id] = ("\(line.productID == vial.id ? line.units - 1 : line.units)", nil) }
            await #expect(throws: RegisterRefusal.self, "a count needs a second person") {
                try await register.recordCount(kind: .endOfDay, counted: counted, note: nil, clinicID: clinic.id, signature: Self.signature)
            }
            let count = try await register.recordCount(kind: .endOfDay, counted: counted, note: nil, clinicID: clinic.id, signature: Self.witnessed)
            #expect(count.discrepantLines == 1)
            let open = try await register.discrepancies(clinicID: clinic.id, openOnly: true)
            #expect(open.count == 1 && open[0].differenceText == "-1 unit(s), -500 mg")
            await #expect(throws: RegisterRefusal.self, "a written reason is required") {
                try await register.closeDiscrepancy(open[0].id, resolution: .loss, reason: "lost", clinicID: clinic.id, signature: Self.signature)
            }
            let closed = try await register.closeDiscrepancy(open[0].id, resolution: .loss, reason: "Vial not found after a search of both stores.",
                                                             clinicID: clinic.id, signature: Self.signature)
            #expect(closed.closing?.adjustmentID != nil)
            #expect(try await register.discrepancies(clinicID: clinic.id, openOnly: true).isEmpty)
            await #expect(throws: RegisterRefusal.self, "closed once") {
                try await register.closeDiscrepancy(open[0].id, resolution: .countError, reason: "Recounted and found it after all.",
                                                    clinicID: clinic.id, signature: Self.signature)
            }
            #expect(try await register.balances(clinicID: clinic.id).first { $0.product.id == vial.id }?.units == 2)
            let verification = try await register.verify()
            #expect(verification.isIntact, "\(verification.problems)")
            #expect(try await register.counts(clinicID: clinic.id).first?.lines.count == 3)
        }
    }

    @Test("Verify catches a kept balance that no longer matches the register", arguments: TestDatabases.engines)
    func verifyCatchesTampering(engine: SQLEngine) async throws {
        try await TestDatabases.withDatabase(engine) { database in
            let (clinic, vial, _, safe, _) = try await Self.setUp(database)
            try await RegisterRepository(database: database).receive(
                productID: vial.id, lotNumber: "K1", expiry: Fixtures.today.adding(days: 200), units: 2, locationID: safe.id, supplier: "W",
                orderReference: "1", clinicID: clinic.id, today: Fixtures.today, signature: Self.signature)
            try await database.write { db in try await db.raw("UPDATE register_stock SET units = 5, micrograms = 2500000").run() }
            let result = try await RegisterRepository(database: database).verify()
            #expect(!result.isIntact && result.problems.count == 2, "\(result.problems)")
        }
    }
}
