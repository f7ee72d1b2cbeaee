import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The register's pages: stock and balances, each product's running register (printable, CSV),
/// the entry forms (receipt, transfer, witnessed destruction and correction), counts by two
/// people, discrepancies and their closing, the inventory and loss reports, and the settings.
/// Each form posts here and comes back (post/redirect/get); bad input re-renders with the
/// values typed and each error beside its field.
struct RegisterController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var register: RegisterService { RegisterService(services: services) }
    var repository: RegisterRepository { register.repository }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/register", .permission(.registerView), use: home)
        routes.staff(.get, "/register/products/:product", .permission(.registerView), use: ledger)
        routes.staff(.get, "/register/products/:product/register.csv", .permission(.registerView), use: csv)
        for action in FormAction.allCases {
            routes.staff(.get, "/register/\(action.rawValue)", .permission(.registerRecord)) { request, context in
                try await showForm(action, request, context)
            }
            routes.staff(.post, "/register/\(action.rawValue)", .permission(.registerRecord)) { request, context in
                try await postForm(action, request, context)
            }
        }
        routes.staff(.get, "/register/count", .permission(.registerRecord), use: countPage)
        routes.staff(.post, "/register/count", .permission(.registerRecord), use: count)
        routes.staff(.get, "/register/discrepancies", .permission(.registerView), use: discrepancies)
        routes.staff(.get, "/register/discrepancies/:discrepancy", .permission(.registerManage), use: discrepancyPage)
        routes.staff(.post, "/register/discrepancies/:discrepancy", .permission(.registerManage), use: close)
        routes.staff(.get, "/register/inventory", .permission(.registerView), use: inventory)
        routes.staff(.get, "/register/loss-report", .permission(.registerView), use: lossReport)
        routes.staff(.get, "/register/settings", .permission(.registerManage), use: settings)
        routes.staff(.post, "/register/products", .permission(.registerManage)) { request, context in try await saveSetup("product", request, context) }
        routes.staff(.post, "/register/locations", .permission(.registerManage)) { request, context in try await saveSetup("location", request, context) }
    }

    /// The entry forms that share one shape.
    enum FormAction: String, CaseIterable, Sendable {
        case receive, transfer, destroy, correct
    }

    // MARK: Pages

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let catalogue = try await repository.catalogue(clinicID: clinic.id)
        let model = RegisterHomePage.Model(
            balances: try await repository.balances(clinicID: clinic.id).map { .init(product: $0.product, units: $0.units, amount: $0.amount, entries: $0.entries) },
            lines: try await repository.stock(clinicID: clinic.id), catalogue: catalogue,
            discrepancies: try await repository.discrepancies(clinicID: clinic.id, openOnly: true),
            counts: try await repository.counts(clinicID: clinic.id, limit: 10).map {
                .init(at: $0.countedAt, by: $0.countedByName, witness: $0.witnessName, kind: $0.kind, lines: $0.lines.count, discrepant: $0.discrepantLines)
            },
            canRecord: context.identity.can(.registerRecord), canManage: context.identity.can(.registerManage),
            timeZone: clinic.settings.resolvedTimeZone, now: services.now(), today: services.today(for: clinic))
        let html = RegisterHomePage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .register))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func ledger(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let (product, balance) = try await product(context, clinic: clinic)
        let query = WebResponses.queryFields(of: request)
        let catalogue = try await repository.catalogue(clinicID: clinic.id)
        var entries: [RegisterMovement]
        var earlier: String?
        if query["print"] == "all" {
            entries = []
            var after: Int64 = 0
            while true {
                let chunk = try await repository.entries(productID: product.id, after: after, limit: 5000)
                entries += chunk
                guard let last = chunk.last, chunk.count == 5000 else { break }
                after = last.sequence
            }
        } else {
            let before = query["before"].flatMap { Int64($0) }.map { max(1, $0) }
            entries = try await repository.entries(productID: product.id, before: before, limit: 100).reversed()
            if let first = entries.first, first.sequence > 1 {
                earlier = "/register/products/\(product.id.uuidString.lowercased())?before=\(first.sequence)"
            }
        }
        let model = RegisterLedgerPage.Model(product: product, units: balance.units, amount: balance.amount, entries: entries, catalogue: catalogue,
                                             earlierLink: earlier, timeZone: clinic.settings.resolvedTimeZone,
                                             canCorrect: context.identity.can(.registerRecord))
        return WebResponses.page(RegisterLedgerPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .register)))
    }

    @Sendable func csv(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let (product, _) = try await product(context, clinic: clinic)
        let catalogue = try await repository.catalogue(clinicID: clinic.id)
        let clock = InstantFormatter(timeZone: clinic.settings.resolvedTimeZone)
        var text = RegisterCSV.row(RegisterLedgerPage.columns)
        var after: Int64 = 0
        var count = 0
        while true {
            let chunk = try await repository.entries(productID: product.id, after: after, limit: 5000)
            for entry in chunk { text += RegisterCSV.row(RegisterLedgerPage.cells(entry, product: product, catalogue: catalogue, clock: clock)) }
            count += chunk.count
            guard let last = chunk.last, chunk.count == 5000 else { break }
            after = last.sequence
        }
        try await services.audit.record(AuditEvent(.export, entityType: "register_product", entityID: product.id.uuidString,
                                                   summary: "running register of \(product.name) as CSV: \(count) entries"),
                                        stamp: context.stamp(at: services.now()))
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"register-\(product.id.uuidString.lowercased().prefix(8)).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: Entry forms

    /// The form of `action`, with its choices from the clinic's register.
    func form(_ action: FormAction, clinic: Clinic, query: [String: String]) async throws -> RegisterForm {
        let catalogue = try await repository.catalogue(clinicID: clinic.id)
        let zone = clinic.settings.resolvedTimeZone
        let lines = try await repository.stock(clinicID: clinic.id)
        let locations = catalogue.locations.map { RegisterChoice($0.id.uuidString.lowercased(), $0.name) }
        switch action {
        case .receive:
            return RegisterForm(
                id: "receive-form", title: "Receive stock", action: "/register/receive", submit: "Record the receipt",
                intro: "Record every unit as it arrives, from the supplier's paperwork: in the US the DEA Form 222 or CSOS order number [R62-CFR].",
                fields: [.select("product", "Product", catalogue.products.map { RegisterChoice($0.id.uuidString.lowercased(), $0.name) }, hint: nil),
                         .input("lotNumber", "Lot number", .text, hint: nil), .input("expiry", "Expiry date", .date, hint: nil),
                         .input("units", "Units received", .number, hint: "Whole vials or devices."),
                         .select("location", "Stored in", locations, hint: nil), .input("supplier", "Supplier", .text, hint: nil),
                         .input("orderReference", "Order form or invoice number", .text, hint: "DEA Form 222 / CSOS number in the US.")])
        case .transfer:
            return RegisterForm(
                id: "transfer-form", title: "Transfer between locations", action: "/register/transfer", submit: "Record the transfer",
                intro: "Move sealed units from one store to another. An opened vial stays where it was opened.",
                fields: [.select("line", "From", RegisterText.lineChoices(lines.filter { $0.kind == .sealed }, catalogue, timeZone: zone), hint: nil),
                         .select("toLocation", "To", locations, hint: nil), .input("units", "Units", .number, hint: nil)])
        case .destroy:
            return RegisterForm(
                id: "destroy-form", title: "Destroy stock (witnessed)", action: "/register/destroy", submit: "Record the destruction",
                intro: "Expired lots, broken units and opened vials past their beyond-use date are destroyed before a witness who signs with "
                    + "their own credentials (in the US also on DEA Form 41, with two witnesses [R62-41]).",
                fields: [.select("line", "Stock", RegisterText.lineChoices(lines, catalogue, timeZone: zone), hint: nil),
                         .input("units", "Sealed units destroyed", .number, hint: "An opened vial's whole remainder is destroyed."),
                         .text("reason", "Why", hint: "Expired, broken, past its beyond-use date…")],
                witnessed: true)
        case .correct:
            let fields: [RegisterForm.Field] = [
                .input("entry", "Entry corrected (its id)", .text, hint: "Open the entry's Correct link in the running register to fill this."),
                .select("line", "Stock line it changes", RegisterText.lineChoices(try await repository.stock(clinicID: clinic.id, includeEmpty: true),
                                                                                   catalogue, timeZone: zone), hint: nil),
                .input("units", "Units (+ to add, − to remove)", .text, hint: "Sealed stock changes in whole units."),
                .input("amountMg", "Amount in mg (+ / −)", .text, hint: "For sealed stock: units × the unit's content."),
                .text("reason", "Why the entry is corrected", hint: "At least 10 characters; the original entry stays as it was.")]
            return RegisterForm(
                id: "correct-form", title: "Correct an entry (witnessed)", action: "/register/correct", submit: "Record the correction",
                intro: "An entry is never changed: a correction is a new entry that names it, with the reason, confirmed by a witness "
                    + "(as a dated marginal note on a paper register [X4]).",
                fields: fields, witnessed: true)
        }
    }

    func showForm(_ action: FormAction, _ request: Request, _ context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let query = WebResponses.queryFields(of: request)
        var values = query
        if action == .receive { values["expiry"] = values["expiry"] ?? "" }
        return try await formPage(action, clinic: clinic, values: values, errors: FieldErrors(), request: request, context: context, query: query)
    }

    func postForm(_ action: FormAction, _ request: Request, _ context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        do {
            let entry: RegisterMovement
            switch action {
            case .receive: entry = try await register.receive(fields, clinic: clinic, context: context)
            case .transfer: entry = try await register.transfer(fields, clinic: clinic, context: context)
            case .destroy: entry = try await register.destroy(fields, clinic: clinic, context: context)
            case .correct: entry = try await register.correct(fields, clinic: clinic, context: context)
            }
            return WebResponses.redirect(to: "/register/products/\(entry.productID.uuidString.lowercased())",
                                         flash: Flash(.success, "\(entry.kind.displayName) recorded as entry #\(entry.sequence)."))
        } catch let errors as FieldErrors {
            return try await formPage(action, clinic: clinic, values: fields, errors: errors, request: request, context: context,
                                      query: ["entry": fields["entry"] ?? ""], status: .unprocessableContent)
        }
    }

    private func formPage(_ action: FormAction, clinic: Clinic, values: [String: String], errors: FieldErrors, request: Request, context: Context,
                          query: [String: String], status: HTTPResponse.Status = .ok) async throws -> Response {
        var form = try await form(action, clinic: clinic, query: query)
        var values = values
        if action == .correct, let id = query["entry"].flatMap(UUID.init(uuidString:)) {
            // The entry corrected comes filled in from the running register's Correct link.
            values["entry"] = id.uuidString.lowercased()
            if let entry = try await repository.entry(id) {
                form.intro += " Correcting entry #\(entry.sequence), \(entry.kind.displayName): \(entry.detail)."
            }
        }
        let html = RegisterFormPage.render(.init(form: form, values: values, errors: errors),
                                           context: WebResponses.pageContext(clinic, request, context, section: .register))
        return WebResponses.page(html, status: status)
    }

    // MARK: Counts and discrepancies

    @Sendable func countPage(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try await countForm(clinic: clinic, values: [:], errors: FieldErrors(), request: request, context: context)
    }

    @Sendable func count(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        do {
            let count = try await register.count(fields, clinic: clinic, context: context)
            let message = count.discrepantLines == 0 ? "Count recorded: every line matches the register."
                : "Count recorded: \(count.discrepantLines) line(s) differ from the register; an administrator must investigate and close each."
            return WebResponses.redirect(to: "/register", flash: Flash(count.discrepantLines == 0 ? .success : .info, message))
        } catch let errors as FieldErrors {
            return try await countForm(clinic: clinic, values: fields, errors: errors, request: request, context: context, status: .unprocessableContent)
        }
    }

    private func countForm(clinic: Clinic, values: [String: String], errors: FieldErrors, request: Request, context: Context,
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = RegisterCountPage.Model(lines: try await repository.stock(clinicID: clinic.id), catalogue: try await repository.catalogue(clinicID: clinic.id),
                                            values: values, errors: errors, timeZone: clinic.settings.resolvedTimeZone)
        return WebResponses.page(RegisterCountPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .register)),
                                 status: status)
    }

    @Sendable func discrepancies(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let all = try await repository.discrepancies(clinicID: clinic.id, openOnly: false)
        let html = RegisterDiscrepanciesPage.render(open: all.filter(\.isOpen).reversed(), closed: all.filter { !$0.isOpen },
                                                    catalogue: try await repository.catalogue(clinicID: clinic.id),
                                                    timeZone: clinic.settings.resolvedTimeZone, canClose: context.identity.can(.registerManage),
                                                    context: WebResponses.pageContext(clinic, request, context, section: .register))
        return WebResponses.consumingFlash(WebResponses.page(html), from: request)
    }

    @Sendable func discrepancyPage(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try await closeForm(try await discrepancy(context), clinic: clinic, values: [:], errors: FieldErrors(), request: request, context: context)
    }

    @Sendable func close(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let item = try await discrepancy(context)
        let fields = try await WebResponses.formFields(of: request)
        do {
            _ = try await register.close(discrepancy: item.id, fields, clinic: clinic, context: context)
            return WebResponses.redirect(to: "/register/discrepancies", flash: Flash(.success, "Discrepancy closed."))
        } catch let errors as FieldErrors {
            return try await closeForm(item, clinic: clinic, values: fields, errors: errors, request: request, context: context, status: .unprocessableContent)
        }
    }

    private func closeForm(_ item: RegisterDiscrepancy, clinic: Clinic, values: [String: String], errors: FieldErrors, request: Request,
                           context: Context, status: HTTPResponse.Status = .ok) async throws -> Response {
        let catalogue = try await repository.catalogue(clinicID: clinic.id)
        let form = RegisterForm(
            id: "close-form", title: "Investigate and close a discrepancy", action: "/register/discrepancies/\(item.id.uuidString.lowercased())",
            submit: "Close the discrepancy",
            intro: "\(catalogue.product(item.productID)?.name ?? "?"), lot \(catalogue.lotText(item.lotID)), \(catalogue.locationName(item.locationID)): "
                + "the register said \(item.expectedUnits) unit(s) / \(item.expectedAmount), the count found \(item.countedUnits) unit(s) / "
                + "\(item.countedAmount) (\(item.differenceText)). Found \(Instant.text(item.foundAt, in: clinic.settings.resolvedTimeZone)).",
            fields: [.select("resolution", "What the investigation found", DiscrepancyResolution.allCases.map { RegisterChoice($0.rawValue, $0.displayName) },
                             hint: "A loss or theft in the US is reported on DEA Form 106 [X2]: see the loss report."),
                     .text("reason", "Written reason", hint: "What was checked and found; at least \(RegisterDiscrepancy.minimumReasonLength) characters.")])
        guard item.isOpen else { throw Problem.conflict("This discrepancy is closed.") }
        let html = RegisterFormPage.render(.init(form: form, values: values, errors: errors),
                                           context: WebResponses.pageContext(clinic, request, context, section: .register))
        return WebResponses.page(html, status: status)
    }

    // MARK: Reports

    @Sendable func inventory(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let model = RegisterInventoryPage.Model(
            lines: try await repository.stock(clinicID: clinic.id), catalogue: try await repository.catalogue(clinicID: clinic.id),
            clinicName: clinic.settings.name, jurisdiction: clinic.settings.jurisdiction.displayName,
            profile: .of(clinic.settings.jurisdiction.region), at: services.now(), by: context.identity.user.displayName,
            timeZone: clinic.settings.resolvedTimeZone)
        try await services.audit.record(AuditEvent(.view, entityType: "register_inventory", entityID: clinic.id.uuidString, summary: "inventory report"),
                                        stamp: context.stamp(at: services.now()))
        return WebResponses.page(RegisterInventoryPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .register)))
    }

    @Sendable func lossReport(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let model = try await register.lossReport(clinic: clinic)
        return WebResponses.page(RegisterLossReportPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .register)))
    }

    // MARK: Settings

    @Sendable func settings(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try await settingsPage(clinic: clinic, values: [:], errors: FieldErrors(), active: nil, request: request, context: context)
    }

    func saveSetup(_ which: String, _ request: Request, _ context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let fields = try await WebResponses.formFields(of: request)
        do {
            if which == "product" {
                _ = try await register.addProduct(fields, clinic: clinic, context: context)
            } else {
                _ = try await register.addLocation(fields, clinic: clinic, context: context)
            }
            return WebResponses.redirect(to: "/register/settings", flash: Flash(.success, "Saved."))
        } catch let errors as FieldErrors {
            return try await settingsPage(clinic: clinic, values: fields, errors: errors, active: which, request: request, context: context,
                                          status: .unprocessableContent)
        }
    }

    private func settingsPage(clinic: Clinic, values: [String: String], errors: FieldErrors, active: String?, request: Request, context: Context,
                              status: HTTPResponse.Status = .ok) async throws -> Response {
        let model = RegisterSettingsPage.Model(catalogue: try await repository.catalogue(clinicID: clinic.id),
                                               policy: try await repository.policy(clinicID: clinic.id),
                                               profile: .of(clinic.settings.jurisdiction.region), values: values, errors: errors, activeForm: active)
        let html = RegisterSettingsPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .register))
        return WebResponses.consumingFlash(WebResponses.page(html, status: status), from: request)
    }

    // MARK: Lookups

    private func product(_ context: Context, clinic: Clinic) async throws -> (RegisterProduct, ProductBalance) {
        guard let id = context.parameters.get("product").flatMap(UUID.init(uuidString:)),
              let balance = try await repository.balances(clinicID: clinic.id).first(where: { $0.product.id == id }) else {
            throw Problem.notFound("There is no such product in the register.")
        }
        return (balance.product, balance)
    }

    private func discrepancy(_ context: Context) async throws -> RegisterDiscrepancy {
        guard let id = context.parameters.get("discrepancy").flatMap(UUID.init(uuidString:)), let item = try await repository.discrepancy(id) else {
            throw Problem.notFound("There is no such discrepancy.")
        }
        return item
    }
}

/// CSV for the register: RFC 4180 quoting, and a leading quote on cells a spreadsheet would run
/// as a formula.
enum RegisterCSV {
    /// One row with its line break.
    static func row(_ cells: [String]) -> String {
        cells.map { cell in
            var text = cell
            if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
            return text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }.joined(separator: ",") + "\r\n"
    }
}
