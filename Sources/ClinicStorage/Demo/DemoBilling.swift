import ClinicDomain
import Foundation

/// The demo clinic's billing: provider details, a fee schedule priced for every shipped code,
/// the charges of the last month's closed sessions (esketamine billed to the insurer, IV
/// ketamine self-pay), a card payment on one self-pay account so statements and superbills
/// show paid and open amounts, a prepaid induction series that the IV patient's infusions draw down, and a Good Faith Estimate for the self-pay
/// patient's month of infusions.
struct DemoBilling {
    let database: ClinicDatabase

    /// The demo practice. The NPIs are published examples of a valid check digit [B11], not
    /// real providers.
    static let provider = BillingProvider(
        practiceName: "Riverside Ketamine Clinic PLLC", billingNPI: "1234567893", taxID: "12-3456789",
        renderingName: "Dr Maya Ortiz, MD", renderingNPI: "1993999998", placeOfService: "11",
        address: "200 Harbor Street, Suite 4", city: "Portland", state: "OR", postalCode: "97201", phone: "503-555-0142")

    /// The demo's prices (insurer, self-pay), in cents. The clinic's own figures: no source sets them.
    static let prices: [(code: String, system: CodeSystem, service: String, price: Int64, selfPay: Int64)] = [
        ("G2082", .hcpcs, "Esketamine session up to 56 mg", 90_000, 70_000),
        ("G2083", .hcpcs, "Esketamine session over 56 mg", 128_000, 95_000),
        ("S0013", .hcpcs, "Esketamine nasal spray, per mg (to 2025)", 2_000, 1_500),
        ("J0013", .hcpcs, "Esketamine nasal spray, per mg", 2_000, 1_500),
        ("96365", .cpt, "IV infusion, first hour", 45_000, 40_000),
        ("96366", .cpt, "IV infusion, each additional hour", 15_000, 10_000),
        ("96374", .cpt, "IV push", 20_000, 15_000),
        ("J3490", .hcpcs, "Ketamine (unclassified drug)", 5_000, 5_000),
        ("99213", .cpt, "Follow-up visit, low complexity", 15_000, 12_000),
        ("99214", .cpt, "Follow-up visit, moderate complexity", 22_000, 18_000),
    ]

    /// Loads the billing part of the demo (the clinic's first load only).
    func load(clinicID: UUID, patients: [String: UUID], today: CalendarDate, stamp: AuditStamp) async throws {
        let billing = BillingRepository(database: database)
        guard try await billing.feeSchedule(of: clinicID).isEmpty else { return }
        try await billing.updateProvider(Self.provider, of: clinicID, stamp: stamp)
        let yearAgo = today.adding(days: -365)
        for item in Self.prices {
            let code = BillingCodeCatalog.defaults.first { $0.code == item.code }
            var from = max(yearAgo, code?.validFrom ?? yearAgo)
            if let last = code?.validTo, from > last { from = CalendarDate(year: 2025, month: 1, day: 1)! }
            try await billing.addFeeItem(FeeScheduleItem(service: item.service, system: item.system, code: item.code, price: Cents(item.price),
                                                         selfPayPrice: Cents(item.selfPay), validFrom: from, validTo: code?.validTo),
                                         to: clinicID, stamp: stamp)
        }
        try await billing.addFeeItem(FeeScheduleItem(service: ChargeCapture.missedSessionService, system: nil, code: nil, price: Cents(10_000),
                                                     selfPayPrice: Cents(10_000), validFrom: yearAgo), to: clinicID, stamp: stamp)
        // A six-infusion induction series at a package price; the IV patient prepaid it by card before
        // the month's infusions, which draw it down as they are captured.
        let packages = PackageRepository(database: database)
        let series = try await packages.addPackage(SessionPackage(name: "Induction series, 6 infusions", sessions: 6, price: Cents(216_000),
                                                                  codes: ["96365", "96366", "J3490"], validFrom: yearAgo), to: clinicID, stamp: stamp)
        if let eligible = patients["Eligible"] {
            _ = try await packages.sell(series.id, to: eligible, clinicID: clinicID, on: today.adding(days: -31),
                                        prepayment: .init(method: .card, reference: "TERM-0042-7790"), today: today, stamp: stamp)
        }
        let esketamine = patients["Esketamine"]
        for session in try await billing.closedSessions(in: clinicID, from: today.adding(days: -31), to: today) {
            guard let record = try await SessionRecordRepository(database: database).record(of: session) else { continue }
            do {
                _ = try await billing.captureCharges(session: session, clinicID: clinicID, selfPay: record.session.patientID != esketamine,
                                                     stamp: stamp)
            } catch is CaptureRefusal {
                continue
            }
        }
        if let esketamine {
            // Approved for the induction's sessions, ending in ten days: the front desk sees it on the billing page.
            try await PriorAuthorizationRepository(database: database).record(
                PriorAuthorization(patientID: esketamine, payer: "Cascade Health Plan", memberID: "CHP-448120-01", number: "PA-2026-118734",
                                   approvedUnits: 12, validFrom: today.adding(days: -40), validTo: today.adding(days: 10),
                                   codes: ["G2082", "G2083", "J0013"], drug: "Spravato (esketamine) nasal spray"),
                clinicID: clinicID, stamp: stamp)
        }
        if let relapse = patients["Relapse"] {
            // The self-pay patient's Good Faith Estimate for the month's infusions, given the day after booking [B9].
            let booked = today.adding(days: -45)
            let estimate = try GoodFaithEstimateRecord.make(
                patientID: relapse, sessions: 6, lines: [("96365", 1), ("J3490", 1)], firstServiceOn: today.adding(days: -31), lastServiceOn: today,
                scheduledOn: booked, requested: false, givenOn: GoodFaithEstimate.addingBusinessDays(1, to: booked),
                fees: try await billing.feeSchedule(of: clinicID), today: today)
            try await GoodFaithEstimateRepository(database: database).record(estimate, clinicID: clinicID, stamp: stamp)
        }
        if let relapse = patients["Relapse"] {
            let summary = try await billing.summary(of: relapse, in: clinicID)
            if summary.balance.value > 0 {
                _ = try await billing.post(LedgerPosting(kind: .payment, amount: Cents(summary.balance.value / 2), method: .card,
                                                         reference: "TERM-0042-7781", postedOn: today), patientID: relapse, clinicID: clinicID,
                                           today: today, stamp: stamp)
            }
        }
    }
}
