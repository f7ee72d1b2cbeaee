import ClinicDomain
import ClinicStorage
import Foundation

/// Stocks the demo clinic's controlled-substance register, so the demo shows every part of it:
/// a ketamine product (10 mg/mL, 20 mL multi-dose vials [R32], as the demo sessions give) and
/// Spravato devices (28 mg [R14][R31]) received yesterday evening into the safe, part moved to the
/// treatment room's cabinet, the initial inventory counted by two people (no difference), a
/// shift-change count this morning that found one device short (left open for an administrator),
/// and today's sessions' draws: the patient ready for discharge drew, was given and wasted the
/// rest before a witness (reconciled); the running infusion drew from the opened vial (its waste
/// still to come); the esketamine patient under observation drew two devices. The register starts
/// yesterday: the sessions before it are the history before the clinic kept its register here.
public enum DemoRegister {
    /// Loads the register once the demo users exist (a nurse signs, a prescriber witnesses);
    /// does nothing when they do not, or when the register already has products.
    public static func load(database: ClinicDatabase, now: Date) async throws {
        let users = SQLUserRepository(database: database)
        guard let clinic = try await SQLClinicRepository(database: database).primaryClinic(),
              let nurse = try await users.find(email: EmailAddress(DemoAccounts.email(for: .nurse))!),
              let prescriber = try await users.find(email: EmailAddress(DemoAccounts.email(for: .prescriber))!) else { return }
        let register = RegisterRepository(database: database)
        guard try await register.catalogue(clinicID: clinic.id).products.isEmpty else { return }
        let zone = clinic.settings.resolvedTimeZone
        let today = CalendarDate(instant: now, in: zone)
        let yesterdayEvening = today.startInstant(in: zone).addingTimeInterval(-5 * 3600)
        let witness = ConfirmingPerson(userID: prescriber.account.id, displayName: prescriber.account.displayName,
                                       email: prescriber.account.email.text, role: prescriber.account.role)
        func signed(_ at: Date, witnessed: Bool = false) -> RegisterSignature {
            RegisterSignature(stamp: AuditStamp(at: at, userID: nurse.account.id, actorName: nurse.account.email.text, role: nurse.account.role,
                                                requestID: "demo loader", ipAddress: "local"),
                              name: nurse.account.displayName, witness: witnessed ? witness : nil)
        }
        let setup = AuditStamp.system("demo loader", at: yesterdayEvening)
        let ketamine = try await register.addProduct(
            RegisterProduct(name: "Ketamine hydrochloride 10 mg/mL, 20 mL multi-dose vial", substance: .ketamine, form: .multiDoseVial,
                            perUnit: RegisterAmount(micrograms: 200_000), concentrationMicrogramsPerMl: 10_000),   // [R32]
            clinicID: clinic.id, stamp: setup)
        let spravato = try await register.addProduct(
            RegisterProduct(name: "Spravato (esketamine) 28 mg nasal spray device", substance: .esketamine, form: .device,
                            perUnit: RegisterAmount(micrograms: 28_000), concentrationMicrogramsPerMl: nil, productCode: "50458-028"),   // [R14][R31]
            clinicID: clinic.id, stamp: setup)
        let safe = try await register.addLocation(name: "Main safe", kind: .safe, clinicID: clinic.id, stamp: setup)
        let cabinet = try await register.addLocation(name: "Treatment room cabinet", kind: .cabinet, clinicID: clinic.id, stamp: setup)

        // Receipts and transfers, yesterday evening.
        let minute: TimeInterval = 60
        try await register.receive(productID: ketamine.id, lotNumber: "KD-24071", expiry: today.adding(days: 420), units: 10, locationID: safe.id,
                                   supplier: "Demo Pharmacy Wholesale", orderReference: "CSOS 2026-1184", clinicID: clinic.id, today: today,
                                   signature: signed(yesterdayEvening))
        try await register.receive(productID: spravato.id, lotNumber: "SPV-3308", expiry: today.adding(days: 300), units: 24, locationID: safe.id,
                                   supplier: "Demo Specialty Pharmacy (REMS)", orderReference: "INV 55120", clinicID: clinic.id, today: today,
                                   signature: signed(yesterdayEvening + 5 * minute))
        var stock = try await register.stock(clinicID: clinic.id)
        if let vials = stock.first(where: { $0.productID == ketamine.id }) {
            try await register.transfer(lineID: vials.id, units: 3, toLocationID: cabinet.id, clinicID: clinic.id, signature: signed(yesterdayEvening + 10 * minute))
        }
        if let devices = stock.first(where: { $0.productID == spravato.id }) {
            try await register.transfer(lineID: devices.id, units: 12, toLocationID: cabinet.id, clinicID: clinic.id, signature: signed(yesterdayEvening + 12 * minute))
        }

        // The initial inventory, counted by two people: everything matches [R62-DC].
        stock = try await register.stock(clinicID: clinic.id)
        var counted: [UUID: (units: String?, amountMg: String?)] = [:]
        for line in stock { counted[line.id] = ("\(line.units)", line.amount.milligramText) }
        try await register.recordCount(kind: .initial, counted: counted, note: "Initial inventory on the register's first day.", clinicID: clinic.id,
                                       signature: signed(yesterdayEvening + 20 * minute, witnessed: true))

        // This morning's shift-change count finds one device short in the cabinet: open for an administrator.
        let morning = min(now - 130 * minute, today.startInstant(in: zone).addingTimeInterval(7 * 3600))
        counted = [:]
        for line in stock {
            let short = line.productID == spravato.id && line.locationID == cabinet.id
            counted[line.id] = ("\(short ? line.units - 1 : line.units)", line.amount.milligramText)
        }
        try await register.recordCount(kind: .shiftChange, counted: counted, note: "Morning handover.", clinicID: clinic.id,
                                       signature: signed(max(morning, yesterdayEvening + 30 * minute), witnessed: true))

        // Today's sessions draw from the cabinet, in the order they were dosed.
        let records = SessionRecordRepository(database: database)
        let sessions = try await TreatmentPlanRepository(database: database).sessions(on: today)
        var underCare: [TreatmentSessionRecord] = []
        for session in sessions where session.state.isActive {
            if let record = try await records.record(of: session.id), record.administration != nil { underCare.append(record) }
        }
        for record in underCare.sorted(by: { ($0.administration?.entry.recordedAt ?? now) < ($1.administration?.entry.recordedAt ?? now) }) {
            guard let administration = record.administration else { continue }
            let at = administration.entry.recordedAt - minute
            let lines = try await register.stock(clinicID: clinic.id).filter { $0.locationID == cabinet.id }
            let esketamine = record.treatment == .esketamine
            let product = esketamine ? spravato : ketamine
            guard let planned = RegisterRepository.plannedDose(record) else { continue }
            // An IV dose is drawn 2 mg over (the syringe's dead space), to be wasted before a witness.
            let amount = esketamine ? planned : planned + RegisterAmount(micrograms: 2_000)
            let opened = lines.first { $0.productID == product.id && $0.kind == .opened && $0.amount >= amount }
            guard let line = opened ?? lines.first(where: { $0.productID == product.id && $0.kind == .sealed && $0.units > 0 }) else { continue }
            let draw = try await register.draw(lineID: line.id, amount: amount, sessionID: record.session.id, clinicID: clinic.id, timeZone: zone,
                                               signature: signed(at))
            var details = administration.details
            details.registerDrawID = draw.id
            _ = try await records.append(.administration(details), to: record.session.id, amends: administration.entry.id,
                                         reason: "Linked to the register's draw #\(draw.sequence).",
                                         stamp: signed(at + 30).stamp)
            if !esketamine, [.readyForDischarge, .observation].contains(record.session.state) {
                try await register.waste(drawID: draw.id, amount: RegisterAmount(micrograms: 2_000), reason: "Syringe remainder expelled into the waste bin.",
                                         clinicID: clinic.id, signature: signed(at + 45 * minute, witnessed: true))
            }
        }
    }
}
