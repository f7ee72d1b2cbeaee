import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The billing pages: the overview with the fee schedule and code table, the provider details,
/// a patient's account (statement, payments), charge capture from a closed session, and
/// superbills per session or period (printable, CSV). Views and exports are audited per patient.
struct BillingController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var billing: BillingRepository { BillingRepository(database: services.database) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/billing", .permission(.billingRead), use: overview)
        routes.staff(.post, "/billing/fee-schedule", .permission(.billingConfigure), use: addFee)
        routes.staff(.get, "/billing/provider", .permission(.billingConfigure), use: provider)
        routes.staff(.post, "/billing/provider", .permission(.billingConfigure), use: saveProvider)
        routes.staff(.get, "/billing/patients/:patient", .permission(.billingRead), use: account)
        routes.staff(.post, "/billing/patients/:patient/postings", .permission(.billingRecordPayments), use: post)
        routes.staff(.post, "/billing/patients/:patient/authorizations", .permission(.billingRecordPayments), use: addAuthorization)
        routes.staff(.get, "/billing/patients/:patient/superbill", .permission(.billingRead), use: periodSuperbill)
        routes.staff(.get, "/billing/patients/:patient/superbill.csv", .permission(.billingRead), use: periodSuperbillCSV)
        routes.staff(.get, "/billing/sessions/:session/superbill", .permission(.billingRead), use: sessionSuperbill)
        routes.staff(.get, "/billing/sessions/:session/superbill.csv", .permission(.billingRead), use: sessionSuperbillCSV)
        routes.staff(.post, "/billing/sessions/:session/charges", .permission(.billingRecordPayments), use: capture)
        routes.staff(.post, "/billing/packages", .permission(.billingConfigure), use: addPackage)
        routes.staff(.post, "/billing/patients/:patient/packages", .permission(.billingRecordPayments), use: sellPackage)
        routes.staff(.get, "/billing/remittances", .permission(.billingRead), use: remittances)
        routes.staff(.post, "/billing/remittances", .permission(.billingRecordPayments), use: importRemittance)
        routes.staff(.get, "/billing/reports", .permission(.billingRead), use: reports)
        routes.staff(.post, "/billing/patients/:patient/estimates", .permission(.billingRecordPayments), use: addEstimate)
        routes.staff(.get, "/billing/reports.csv", .permission(.billingRead), use: reportsCSV)
        routes.staff(.get, "/billing/claims", .permission(.billingConfigure), use: claims)
        routes.staff(.post, "/billing/claims", .permission(.billingConfigure), use: writeClaims)
    }

    // MARK: Overview and configuration

    @Sendable func overview(_ request: Request, context: Context) async throws -> Response {
        try await overviewPage(request, context: context, values: [:], errors: FieldErrors())
    }

    func overviewPage(_ request: Request, context: Context, values: [String: String], errors: FieldErrors,
                      packageValues: [String: String] = [:], packageErrors: FieldErrors = FieldErrors(),
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        let accounts = try await billing.openAccounts(in: clinic.id).map {
            BillingOverviewPage.Account(patientID: $0.patientID, name: $0.name, mrn: $0.mrn, balance: $0.balance)
        }
        let standings = try await PriorAuthorizationRepository(database: services.database)
            .standings(clinicID: clinic.id, today: services.today(for: clinic))
            .filter { $0.status == .expiringSoon || $0.status == .usedUp }
        var model = BillingOverviewPage.Model(
            accounts: accounts, fees: try await billing.feeSchedule(of: clinic.id), codes: try await billing.codeTable(of: clinic.id),
            policy: try await billing.policy(of: clinic.id), providerComplete: try await billing.provider(of: clinic.id).isComplete,
            canConfigure: context.identity.can(.billingConfigure), values: values, errors: errors)
        model.authorizations = standings.map(Self.line)
        model.packages = try await PackageRepository(database: services.database).packages(of: clinic.id)
        model.packageValues = packageValues
        model.packageErrors = packageErrors
        model.estimatesOver = try await GoodFaithEstimateRepository(database: services.database).overThreshold(clinicID: clinic.id).map {
            ($0.standing.estimate.patientID, $0.patientName, $0.standing.estimate.total, $0.standing.comparison.billed)
        }
        let html = BillingOverviewPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .billing))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }

    @Sendable func addFee(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        var errors = FieldErrors()
        let price = Self.money(fields["price"], "price", &errors)
        let selfPay = Self.money(fields["selfPayPrice"], "selfPayPrice", &errors)
        let from = BillingAPIController.date(fields["validFrom"], "validFrom", &errors)
        if (fields["validFrom"] ?? "").isEmpty { errors.add("validFrom", "Enter the first day the price applies.") }
        let to = BillingAPIController.date(fields["validTo"], "validTo", &errors)
        let modifiers = BillingModifiers.parse(fields["modifiers"] ?? "")
        if modifiers == nil { errors.add("modifiers", "Modifiers are two letters or digits each, at most four.") }
        let code = (fields["code"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let system: CodeSystem? = code.isEmpty ? nil : (code.first?.isNumber == true ? .cpt : .hcpcs)
        do {
            try errors.throwIfAny()
            try await billing.addFeeItem(FeeScheduleItem(service: fields["service"] ?? "", system: system, code: code.isEmpty ? nil : code,
                                                         modifiers: modifiers ?? [], price: price!, selfPayPrice: selfPay!, validFrom: from!,
                                                         validTo: to),
                                         to: clinic.id, stamp: context.stamp(at: services.now()))
        } catch let errors as FieldErrors {
            return try await overviewPage(request, context: context, values: fields, errors: errors, status: .unprocessableContent)
        }
        return WebResponses.redirect(to: "/billing", flash: Flash(.success, "Price added."))
    }

    @Sendable func provider(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let values = BillingProviderPage.Model.values(of: try await billing.provider(of: clinic.id))
        let html = BillingProviderPage.render(.init(values: values), context: WebResponses.pageContext(clinic, request, context, section: .billing))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func saveProvider(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        let details = BillingProvider(practiceName: fields["practiceName"] ?? "", billingNPI: fields["billingNPI"] ?? "", taxID: fields["taxID"] ?? "",
                                      renderingName: fields["renderingName"] ?? "", renderingNPI: fields["renderingNPI"] ?? "",
                                      placeOfService: fields["placeOfService"] ?? "", address: fields["address"] ?? "", city: fields["city"] ?? "",
                                      state: fields["state"] ?? "", postalCode: fields["postalCode"] ?? "", phone: fields["phone"] ?? "")
        do {
            try await billing.updateProvider(details, of: clinic.id, stamp: context.stamp(at: services.now()))
        } catch let errors as FieldErrors {
            let html = BillingProviderPage.render(.init(values: fields, errors: errors),
                                                  context: WebResponses.pageContext(clinic, request, context, section: .billing))
            return WebResponses.page(html, status: .unprocessableContent)
        }
        return WebResponses.redirect(to: "/billing", flash: Flash(.success, "Billing provider details saved."))
    }

    // MARK: Account

    @Sendable func account(_ request: Request, context: Context) async throws -> Response {
        try await accountPage(request, context: context, values: [:], errors: FieldErrors())
    }

    func accountPage(_ request: Request, context: Context, values: [String: String], errors: FieldErrors,
                     authorizationValues: [String: String] = [:], authorizationErrors: FieldErrors = FieldErrors(),
                     packageValues: [String: String] = [:], packageErrors: FieldErrors = FieldErrors(),
                     estimateValues: [String: String] = [:], estimateErrors: FieldErrors = FieldErrors(),
                     status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context.parameters.get("patient"), clinic: clinic)
        let entries = try await billing.ledger(of: patient.id, in: clinic.id)
        let sessions = try await billing.closedSessions(of: patient.id).map {
            PatientAccountPage.Session(id: $0.id, date: $0.date, state: $0.state, charged: $0.charged)
        }
        try await services.audit.record(AuditEvent(.view, entityType: "ledger", entityID: patient.id.uuidString, patientID: patient.id,
                                                   summary: "Account and statement"), stamp: context.stamp(at: services.now()))
        var model = PatientAccountPage.Model(patient: patient, entries: entries, sessions: sessions, today: services.today(for: clinic),
                                             canPost: context.identity.can(.billingRecordPayments), values: values, errors: errors,
                                             practiceName: try await billing.provider(of: clinic.id).practiceName)
        model.authorizations = try await PriorAuthorizationRepository(database: services.database)
            .standings(clinicID: clinic.id, today: services.today(for: clinic), patientID: patient.id).map(Self.line)
        model.authorizationValues = authorizationValues
        model.authorizationErrors = authorizationErrors
        let packages = PackageRepository(database: services.database)
        model.packages = try await packages.standings(of: patient.id, clinicID: clinic.id)
        model.packagesOnSale = try await packages.packages(of: clinic.id).filter { $0.onSale(services.today(for: clinic)) }
        model.packageValues = packageValues
        model.packageErrors = packageErrors
        model.estimates = try await GoodFaithEstimateRepository(database: services.database).standings(of: patient.id, clinicID: clinic.id)
            .map { ($0.estimate, $0.comparison) }
        model.estimateValues = estimateValues
        model.estimateErrors = estimateErrors
        let html = PatientAccountPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .billing))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }

    @Sendable func post(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context.parameters.get("patient"), clinic: clinic)
        let fields = try await WebResponses.formFields(of: request)
        let today = services.today(for: clinic)
        var errors = FieldErrors()
        let kind = LedgerEntryKind(rawValue: fields["kind"] ?? "")
        if kind == nil || ![.payment, .refund, .writeOff].contains(kind!) { errors.add("kind", "Choose payment, refund or write-off.") }
        let amount = Self.money(fields["amount"], "amount", &errors)
        let method = (fields["method"] ?? "").isEmpty ? nil : PaymentMethod(rawValue: fields["method"]!)
        if !(fields["method"] ?? "").isEmpty, method == nil { errors.add("method", "Choose how it was paid.") }
        let postedOn = BillingAPIController.date(fields["postedOn"], "postedOn", &errors) ?? today
        do {
            try errors.throwIfAny()
            let posting = LedgerPosting(kind: kind!, amount: amount!, method: kind == .writeOff ? nil : method, reference: fields["reference"],
                                        note: fields["note"] ?? "", postedOn: postedOn, allowCredit: fields["allowCredit"] == "on")
            let entry = try await billing.post(posting, patientID: patient.id, clinicID: clinic.id, today: today,
                                               stamp: context.stamp(at: services.now()))
            return WebResponses.redirect(to: "/billing/patients/\(patient.id.uuidString.lowercased())",
                                         flash: Flash(.success, "\(entry.kind.displayName) of \(entry.amount) recorded."))
        } catch let errors as FieldErrors {
            return try await accountPage(request, context: context, values: fields, errors: errors, status: .unprocessableContent)
        }
    }

    @Sendable func addAuthorization(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context.parameters.get("patient"), clinic: clinic)
        let fields = try await WebResponses.formFields(of: request)
        var errors = FieldErrors()
        let from = BillingAPIController.date(fields["validFrom"], "validFrom", &errors)
        let to = BillingAPIController.date(fields["validTo"], "validTo", &errors)
        if (fields["validFrom"] ?? "").isEmpty { errors.add("validFrom", "Enter the first day.") }
        if (fields["validTo"] ?? "").isEmpty { errors.add("validTo", "Enter the last day.") }
        let units = Int(fields["approvedUnits"] ?? "")
        if units == nil { errors.add("approvedUnits", "Enter the sessions approved as a whole number.") }
        let codes = (fields["codes"] ?? "").uppercased().split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        do {
            try errors.throwIfAny()
            try await PriorAuthorizationRepository(database: services.database).record(
                PriorAuthorization(patientID: patient.id, payer: fields["payer"] ?? "", memberID: fields["memberID"] ?? "", number: fields["number"] ?? "",
                                   approvedUnits: units!, validFrom: from!, validTo: to!, codes: codes, drug: fields["drug"] ?? ""),
                clinicID: clinic.id, stamp: context.stamp(at: services.now()))
        } catch let errors as FieldErrors {
            return try await accountPage(request, context: context, values: [:], errors: FieldErrors(), authorizationValues: fields,
                                         authorizationErrors: errors, status: .unprocessableContent)
        }
        return WebResponses.redirect(to: "/billing/patients/\(patient.id.uuidString.lowercased())", flash: Flash(.success, "Authorisation recorded."))
    }

    static func line(_ standing: AuthorizationStanding) -> BillingOverviewPage.Authorization {
        BillingOverviewPage.Authorization(authorization: standing.authorization, patientName: standing.patientName, used: standing.used,
                                          status: standing.status)
    }

    // MARK: Superbills and capture

    @Sendable func sessionSuperbill(_ request: Request, context: Context) async throws -> Response {
        try await sessionSuperbillPage(request, context: context, errors: FieldErrors())
    }

    private func sessionSuperbillPage(_ request: Request, context: Context, errors: FieldErrors, notice: String? = nil,
                                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let clinic = try await services.currentClinic()
        let (sessionID, patient, date, state) = try await session(context, clinic: clinic)
        let entries = try await billing.ledger(of: patient.id, in: clinic.id)
        let reversed = Set(entries.compactMap(\.reverses))
        let charged = entries.contains { $0.sessionID == sessionID && $0.kind == .charge && !reversed.contains($0.id) }
        let base = "/billing/sessions/\(sessionID.uuidString.lowercased())"
        let (bill, providerNotice) = try await superbill(patient: patient, entries: entries, clinic: clinic, from: date, to: date, sessionID: sessionID)
        try await services.audit.record(AuditEvent(.view, entityType: "superbill", entityID: sessionID.uuidString, patientID: patient.id,
                                                   summary: "Session superbill"), stamp: context.stamp(at: services.now()))
        let canCapture = context.identity.can(.billingRecordPayments) && state.isFinal
        let model = SuperbillPage.Model(
            superbill: charged ? bill : nil, csvPath: "\(base)/superbill.csv", captureAction: canCapture ? "\(base)/charges" : nil,
            notice: notice ?? (charged ? providerNotice : (state.isFinal ? "No charges captured for this session yet." : nil)),
            accountPath: "/billing/patients/\(patient.id.uuidString.lowercased())",
            subject: "\(patient.listName), session of \(date.iso)", errors: errors)
        let html = SuperbillPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .billing))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }

    @Sendable func sessionSuperbillCSV(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let (sessionID, patient, date, _) = try await session(context, clinic: clinic)
        let entries = try await billing.ledger(of: patient.id, in: clinic.id)
        let (bill, _) = try await superbill(patient: patient, entries: entries, clinic: clinic, from: date, to: date, sessionID: sessionID)
        return try await csv(bill, patient: patient, name: "superbill-\(date.iso)", context: context)
    }

    @Sendable func periodSuperbill(_ request: Request, context: Context) async throws -> Response {
        let (clinic, patient, bill, notice) = try await periodSuperbill(request, context)
        let (from, to) = (bill.from, bill.to)
        try await services.audit.record(AuditEvent(.view, entityType: "superbill", entityID: patient.id.uuidString, patientID: patient.id,
                                                   summary: "Superbill \(from.iso) to \(to.iso)"), stamp: context.stamp(at: services.now()))
        let base = "/billing/patients/\(patient.id.uuidString.lowercased())"
        let model = SuperbillPage.Model(superbill: bill.lines.isEmpty ? nil : bill, csvPath: "\(base)/superbill.csv?from=\(from.iso)&to=\(to.iso)",
                                        captureAction: nil, notice: bill.lines.isEmpty ? "No charges from \(from.iso) to \(to.iso)." : notice,
                                        accountPath: base, subject: "\(patient.listName), \(from.iso) to \(to.iso)")
        let html = SuperbillPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .billing))
        return WebResponses.page(html)
    }

    @Sendable func periodSuperbillCSV(_ request: Request, context: Context) async throws -> Response {
        let (_, patient, bill, _) = try await periodSuperbill(request, context)
        return try await csv(bill, patient: patient, name: "superbill-\(bill.from.iso)-\(bill.to.iso)", context: context)
    }

    /// The superbill of the patient the path names over the period the query asks for: the page
    /// and its CSV read it alike.
    private func periodSuperbill(_ request: Request, _ context: Context) async throws
        -> (clinic: Clinic, patient: PatientSummary, bill: Superbill, notice: String?) {
        let clinic = try await services.currentClinic()
        let patient = try await patient(context.parameters.get("patient"), clinic: clinic)
        let (from, to) = try period(request, clinic: clinic)
        let entries = try await billing.ledger(of: patient.id, in: clinic.id)
        let (bill, notice) = try await superbill(patient: patient, entries: entries, clinic: clinic, from: from, to: to, sessionID: nil)
        return (clinic, patient, bill, notice)
    }

    @Sendable func capture(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let (sessionID, _, _, _) = try await session(context, clinic: clinic)
        let fields = try await WebResponses.formFields(of: request)
        guard let payer = fields["payer"], ["self-pay", "insurer"].contains(payer) else {
            var errors = FieldErrors()
            errors.add("payer", "Choose who the charges are billed to.")
            return try await sessionSuperbillPage(request, context: context, errors: errors, status: .unprocessableContent)
        }
        do {
            let outcome = try await billing.captureCharges(session: sessionID, clinicID: clinic.id, selfPay: payer == "self-pay",
                                                           stamp: context.stamp(at: services.now()))
            let message = switch outcome {
            case .created(let lines): "\(lines.count) charge line(s) captured."
            case .amended(_, let lines): "Charges recaptured from the amended record: \(lines.count) line(s)."
            case .unchanged: "The charges already match the session record."
            }
            return WebResponses.redirect(to: "/billing/sessions/\(sessionID.uuidString.lowercased())/superbill", flash: Flash(.success, message))
        } catch let refusal as CaptureRefusal {
            return try await sessionSuperbillPage(request, context: context, errors: FieldErrors(), notice: refusal.skip.message,
                                                  status: .unprocessableContent)
        } catch let refusal as BillingRefusal {
            return try await sessionSuperbillPage(request, context: context, errors: FieldErrors(), notice: refusal.reason,
                                                  status: .unprocessableContent)
        }
    }

    // MARK: Helpers

    private func superbill(patient: PatientSummary, entries: [LedgerEntry], clinic: Clinic, from: CalendarDate, to: CalendarDate,
                           sessionID: UUID?) async throws -> (Superbill, String?) {
        let provider = try await billing.provider(of: clinic.id)
        let bill = Superbill.build(provider: provider, patientName: "\(patient.registration.givenName) \(patient.registration.familyName)",
                                   dateOfBirth: patient.registration.dateOfBirth, mrn: patient.mrn.description, entries: entries,
                                   codes: try await billing.codeTable(of: clinic.id), fees: try await billing.feeSchedule(of: clinic.id),
                                   from: from, to: to, sessionID: sessionID)
        return (bill, provider.isComplete ? nil : "The billing provider details (NPI, tax id) are incomplete; an administrator enters them under Billing.")
    }

    private func csv(_ bill: Superbill, patient: PatientSummary, name: String, context: Context) async throws -> Response {
        try await services.audit.record(AuditEvent(.export, entityType: "superbill", entityID: patient.id.uuidString, patientID: patient.id,
                                                   summary: "Superbill CSV \(bill.from.iso) to \(bill.to.iso), \(bill.lines.count) line(s)"),
                                        stamp: context.stamp(at: services.now()))
        return Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"\(name).csv\"",
            .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(string: bill.csv)))
    }

    func patient(_ text: String?, clinic: Clinic) async throws -> PatientSummary {
        guard let id = text.flatMap(UUID.init(uuidString:)), let patient = try await services.patients.find(id, in: clinic.id) else {
            throw Problem.notFound("No patient of this clinic has that id.")
        }
        return patient
    }

    private func session(_ context: Context, clinic: Clinic) async throws -> (UUID, PatientSummary, CalendarDate, TreatmentSessionState) {
        guard let id = context.parameters.get("session").flatMap(UUID.init(uuidString:)),
              let record = try await services.sessionRecords.record(of: id),
              let patient = try await services.patients.find(record.session.patientID, in: clinic.id) else {
            throw Problem.notFound("No session of this clinic has that id.")
        }
        return (id, patient, record.session.date, record.session.state)
    }

    private func period(_ request: Request, clinic: Clinic) throws -> (CalendarDate, CalendarDate) {
        let query = WebResponses.queryFields(of: request)
        var errors = FieldErrors()
        let today = services.today(for: clinic)
        let from = BillingAPIController.date(query["from"], "from", &errors) ?? today.adding(days: -30)
        let to = BillingAPIController.date(query["to"], "to", &errors) ?? today
        if to < from { errors.add("to", "The period ends before it starts.") }
        if CalendarDate.daysBetween(from, to) > 366 { errors.add("from", "Choose a period of at most a year.") }
        try errors.throwIfAny()
        return (from, to)
    }

    /// Dollars typed in a form, as cents; a field error when not an amount.
    static func money(_ text: String?, _ field: String, _ errors: inout FieldErrors) -> Cents? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            errors.add(field, "Enter an amount in dollars, e.g. 450.00.")
            return nil
        }
        guard let amount = Cents(dollars: text) else {
            errors.add(field, "Enter an amount in dollars with at most two decimals, up to \(Cents.maximumEntry).")
            return nil
        }
        return amount
    }
}
