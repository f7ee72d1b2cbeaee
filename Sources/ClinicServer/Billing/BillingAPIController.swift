import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// `/api/v1/billing`: the code table, the fee schedule, the charge-capture policy, charges
/// captured from closed sessions, and each patient's ledger with payments, refunds and
/// write-offs. Money is integer cents in every body.
struct BillingAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var billing: BillingRepository { BillingRepository(database: services.database) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/billing/codes", .permission(.billingRead), answer: .encoding(APIResources.Items<BillingCode>.self, named: "BillingCodes"), use: codes)
        routes.staff(.post, "/api/v1/billing/codes", .permission(.billingConfigure), request: .requestBody(CodeBody.self), answer: .encoding(BillingCode.self, status: 201), use: addCode)
        routes.staff(.get, "/api/v1/billing/fee-schedule", .permission(.billingRead), answer: .encoding(APIResources.Items<FeeScheduleItem>.self, named: "FeeSchedule"), use: feeSchedule)
        routes.staff(.post, "/api/v1/billing/fee-schedule", .permission(.billingConfigure), request: .requestBody(FeeBody.self), answer: .encoding(FeeScheduleItem.self, status: 201), use: addFee)
        routes.staff(.get, "/api/v1/billing/policy", .permission(.billingRead), answer: .encoding(ChargeCapturePolicy.self), use: policy)
        routes.staff(.put, "/api/v1/billing/policy", .permission(.billingConfigure), request: .requestBody(PolicyBody.self), answer: .encoding(ChargeCapturePolicy.self), use: updatePolicy)
        routes.staff(.post, "/api/v1/billing/sessions/:session/charges", .permission(.billingRecordPayments), request: .requestBody(CaptureBody.self), answer: .encoding([String: [LedgerEntry]].self, status: 201, named: "CapturedCharges"), use: capture)
        routes.staff(.get, "/api/v1/billing/patients/:patient/ledger", .permission(.billingRead), answer: .encoding(LedgerResource.self), use: ledger)
        routes.staff(.post, "/api/v1/billing/patients/:patient/postings", .permission(.billingRecordPayments), request: .requestBody(PostingBody.self), answer: .encoding(LedgerEntry.self, status: 201), use: post)
        routes.staff(.get, "/api/v1/billing/authorizations", .permission(.billingRead), answer: .encoding(APIResources.Items<AuthorizationResource>.self, named: "Authorizations"), use: authorizations)
        routes.staff(.post, "/api/v1/billing/patients/:patient/authorizations", .permission(.billingRecordPayments), request: .requestBody(AuthorizationBody.self), answer: .encoding(PriorAuthorization.self, status: 201), use: addAuthorization)
        routes.staff(.get, "/api/v1/billing/packages", .permission(.billingRead), answer: .encoding(APIResources.Items<SessionPackage>.self, named: "SessionPackages"), use: packages)
        routes.staff(.post, "/api/v1/billing/packages", .permission(.billingConfigure), request: .requestBody(PackageBody.self), answer: .encoding(SessionPackage.self, status: 201), use: addPackage)
        routes.staff(.get, "/api/v1/billing/patients/:patient/packages", .permission(.billingRead), answer: .encoding(APIResources.Items<PurchaseResource>.self, named: "PackagePurchases"), use: patientPackages)
        routes.staff(.post, "/api/v1/billing/patients/:patient/packages", .permission(.billingRecordPayments), request: .requestBody(SaleBody.self), answer: .encoding(PurchaseResource.self, status: 201), use: sellPackage)
        routes.staff(.get, "/api/v1/billing/remittances", .permission(.billingRead), answer: .encoding(APIResources.Items<RemittanceImport>.self, named: "Remittances"), use: remittanceList)
        routes.staff(.post, "/api/v1/billing/remittances", .permission(.billingRecordPayments), answer: .encoding(ImportResource.self, status: 201), use: importRemittance)
        routes.staff(.get, "/api/v1/billing/reports", .permission(.billingRead), answer: .encoding(ReportResource.self), use: report)
        routes.staff(.get, "/api/v1/billing/patients/:patient/estimates", .permission(.billingRead), answer: .encoding(APIResources.Items<EstimateStanding>.self, named: "EstimateStandings"), use: estimates)
        routes.staff(.post, "/api/v1/billing/patients/:patient/estimates", .permission(.billingRecordPayments),
                     request: .requestBody(EstimateBody.self), answer: .encoding(GoodFaithEstimateRecord.self, status: 201), use: addEstimate)
        routes.staff(.post, "/api/v1/billing/claims", .permission(.billingConfigure), request: .flatForm(ClaimExport.Order.fieldNames),
                     use: writeClaims)
    }

    /// A prior authorisation.
    struct AuthorizationBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["payer", "memberId", "number", "approvedUnits", "validFrom", "validTo", "codes", "drug"]
        let payer: String
        let memberId: String
        let number: String
        let approvedUnits: Int
        let validFrom: String
        let validTo: String
        let codes: [String]
        let drug: String?
    }

    /// An authorisation with its use.
    struct AuthorizationResource: Codable {
        let authorization: PriorAuthorization
        let patientName: String
        let used: Int
        let status: PriorAuthorization.Status
    }

    @Sendable func authorizations(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let standings = try await PriorAuthorizationRepository(database: services.database)
            .standings(clinicID: clinic.id, today: services.today(for: clinic))
        return try APIResponse.json(APIResources.Items(standings.map {
            AuthorizationResource(authorization: $0.authorization, patientName: $0.patientName, used: $0.used, status: $0.status)
        }))
    }

    @Sendable func addAuthorization(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context, clinic: clinic)
        let body = try await StrictJSON.decode(AuthorizationBody.self, from: request)
        var errors = FieldErrors()
        let from = Self.date(body.validFrom, "validFrom", &errors)
        let to = Self.date(body.validTo, "validTo", &errors)
        if from == nil, body.validFrom.isEmpty { errors.add("validFrom", "Enter the first day.") }
        if to == nil, body.validTo.isEmpty { errors.add("validTo", "Enter the last day.") }
        try errors.throwIfAny()
        let saved = try await PriorAuthorizationRepository(database: services.database).record(
            PriorAuthorization(patientID: patient.id, payer: body.payer, memberID: body.memberId, number: body.number, approvedUnits: body.approvedUnits,
                               validFrom: from!, validTo: to!, codes: body.codes, drug: body.drug ?? ""),
            clinicID: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(saved, status: .created)
    }

    // MARK: Bodies

    /// A code the clinic adds (or redefines, e.g. with a last day).
    struct CodeBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["system", "code", "description", "unit", "validFrom", "validTo", "source"]
        let system: String
        let code: String
        let description: String
        let unit: String?
        let validFrom: String?
        let validTo: String?
        let source: String
    }

    /// A price in the fee schedule, in cents.
    struct FeeBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["service", "system", "code", "modifiers", "priceCents", "selfPayPriceCents", "validFrom", "validTo"]
        let service: String
        let system: String?
        let code: String?
        let modifiers: [String]?
        let priceCents: Int64
        let selfPayPriceCents: Int64
        let validFrom: String
        let validTo: String?
    }

    /// The charge-capture policy.
    struct PolicyBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["esketamineDrugCode", "billMissedSessions"]
        let esketamineDrugCode: String
        let billMissedSessions: Bool
    }

    /// Who a session's charges are billed to.
    struct CaptureBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["payer"]
        let payer: String
    }

    /// A payment, refund or write-off, in cents.
    struct PostingBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["kind", "amountCents", "method", "reference", "note", "postedOn", "allowCredit"]
        let kind: String
        let amountCents: Int64
        let method: String?
        let reference: String?
        let note: String?
        let postedOn: String?
        let allowCredit: Bool?
    }

    /// A ledger with its sums.
    struct LedgerResource: Codable {
        let patientId: UUID
        let entries: [LedgerEntry]
        let summary: LedgerSummary
    }

    // MARK: Handlers

    @Sendable func codes(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(APIResources.Items(try await billing.codeTable(of: clinic.id)))
    }

    @Sendable func addCode(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(CodeBody.self, from: request)
        var errors = FieldErrors()
        let system = CodeSystem(rawValue: body.system)
        if system == nil { errors.add("system", "Use cpt, hcpcs or icd10-cm.") }
        let from = Self.date(body.validFrom, "validFrom", &errors)
        let to = Self.date(body.validTo, "validTo", &errors)
        try errors.throwIfAny()
        let code = try await billing.addCode(BillingCode(system: system!, code: body.code, description: body.description, unit: body.unit ?? "",
                                                         validFrom: from, validTo: to, source: body.source),
                                             to: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(code, status: .created)
    }

    @Sendable func feeSchedule(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(APIResources.Items(try await billing.feeSchedule(of: clinic.id)))
    }

    @Sendable func addFee(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(FeeBody.self, from: request)
        var errors = FieldErrors()
        var system: CodeSystem?
        if let text = body.system {
            system = CodeSystem(rawValue: text)
            if system == nil { errors.add("system", "Use cpt or hcpcs.") }
        }
        let from = Self.date(body.validFrom, "validFrom", &errors)
        let to = Self.date(body.validTo, "validTo", &errors)
        if body.validFrom.isEmpty { errors.add("validFrom", "Enter the first day the price applies.") }
        try errors.throwIfAny()
        let item = try await billing.addFeeItem(FeeScheduleItem(service: body.service, system: system, code: body.code, modifiers: body.modifiers ?? [],
                                                                price: Cents(body.priceCents), selfPayPrice: Cents(body.selfPayPriceCents),
                                                                validFrom: from!, validTo: to),
                                                to: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(item, status: .created)
    }

    @Sendable func policy(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await billing.policy(of: clinic.id))
    }

    @Sendable func updatePolicy(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let body = try await StrictJSON.decode(PolicyBody.self, from: request)
        guard let drug = ChargeCapturePolicy.EsketamineDrugCode(rawValue: body.esketamineDrugCode) else {
            var errors = FieldErrors()
            errors.add("esketamineDrugCode", "Use " + ChargeCapturePolicy.EsketamineDrugCode.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            throw errors
        }
        let policy = ChargeCapturePolicy(esketamineDrugCode: drug, billMissedSessions: body.billMissedSessions)
        try await billing.updatePolicy(policy, of: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(policy)
    }

    @Sendable func capture(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let sessionID = context.parameters.get("session").flatMap(UUID.init(uuidString:)) else {
            throw Problem.notFound("No session has that id.")
        }
        let body = try await StrictJSON.decode(CaptureBody.self, from: request)
        guard ["self-pay", "insurer"].contains(body.payer) else {
            var errors = FieldErrors()
            errors.add("payer", "Use self-pay or insurer.")
            throw errors
        }
        do {
            let outcome = try await billing.captureCharges(session: sessionID, clinicID: clinic.id, selfPay: body.payer == "self-pay",
                                                           stamp: context.stamp(at: services.now()))
            let status: HTTPResponse.Status = if case .unchanged = outcome { .ok } else { .created }
            return try APIResponse.json(["charges": outcome.current], status: status)
        } catch let refusal as CaptureRefusal {
            throw Problem.conflict(refusal.skip.message)
        } catch let refusal as BillingRefusal {
            throw refusal.reason.hasPrefix("No such") ? Problem.notFound(refusal.reason) : Problem.conflict(refusal.reason)
        }
    }

    @Sendable func ledger(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context, clinic: clinic)
        let entries = try await billing.ledger(of: patient.id, in: clinic.id)
        try await services.audit.record(AuditEvent(.view, entityType: "ledger", entityID: patient.id.uuidString, patientID: patient.id,
                                                   summary: "API ledger"), stamp: context.stamp(at: services.now()))
        return try APIResponse.json(LedgerResource(patientId: patient.id, entries: entries, summary: LedgerSummary(entries)))
    }

    @Sendable func post(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context, clinic: clinic)
        let body = try await StrictJSON.decode(PostingBody.self, from: request)
        let today = services.today(for: clinic)
        var errors = FieldErrors()
        let kind = LedgerEntryKind(rawValue: body.kind)
        if kind == nil || ![.payment, .refund, .writeOff].contains(kind!) { errors.add("kind", "Use payment, refund or write-off.") }
        var method: PaymentMethod?
        if let text = body.method {
            method = PaymentMethod(rawValue: text)
            if method == nil { errors.add("method", "Use " + PaymentMethod.allCases.map(\.rawValue).joined(separator: ", ") + ".") }
        }
        let postedOn = Self.date(body.postedOn, "postedOn", &errors) ?? today
        try errors.throwIfAny()
        let posting = LedgerPosting(kind: kind!, amount: Cents(body.amountCents), method: method, reference: body.reference, note: body.note ?? "",
                                    postedOn: postedOn, allowCredit: body.allowCredit ?? false)
        let entry = try await billing.post(posting, patientID: patient.id, clinicID: clinic.id, today: today, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(entry, status: .created)
    }

    // MARK: Helpers

    func patient(_ context: Context, clinic: Clinic) async throws -> PatientSummary {
        guard let id = context.parameters.get("patient").flatMap(UUID.init(uuidString:)),
              let patient = try await services.patients.find(id, in: clinic.id) else {
            throw Problem.notFound("No patient of this clinic has that id.")
        }
        return patient
    }

    /// A `YYYY-MM-DD` field, nil when absent; a malformed one adds a field error.
    static func date(_ text: String?, _ field: String, _ errors: inout FieldErrors) -> CalendarDate? {
        guard let text, !text.isEmpty else { return nil }
        guard let day = CalendarDate(iso: text) else {
            errors.add(field, "Use a date as YYYY-MM-DD.")
            return nil
        }
        return day
    }
}
